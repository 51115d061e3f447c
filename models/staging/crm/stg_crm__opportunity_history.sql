{#- One row per live change of an opportunity's stage, amount or close date (Salesforce
    OpportunityHistory): the latest version of each history row of
    stg_crm__opportunity_history_versions, soft-deleted dropped (macro latest_versions). -#}
with

latest as (

    {{ latest_versions(ref('stg_crm__opportunity_history_versions'), ['history_id'], 'updated_at', 'is_deleted') }}

),

final as (

    select
        -- ids
        history_id,
        opportunity_id,

        -- strings
        stage_name,
        forecast_category,

        -- numerics
        amount,
        probability_pct,

        -- dates
        close_date,
        changed_date,

        -- timestamps
        changed_at,
        updated_at,
        loaded_at,

        -- lineage
        landed_date

    from latest

)

select * from final
