{#- One row per live CRM opportunity: the latest version by system_modstamp of
    stg_crm__opportunity_versions, soft-deleted dropped (macro latest_versions). -#}
with

latest as (

    {{ latest_versions(ref('stg_crm__opportunity_versions'), ['opportunity_id'], 'updated_at', 'is_deleted') }}

),

final as (

    select
        -- ids
        opportunity_id,
        account_id,
        owner_id,
        campaign_id,

        -- strings
        opportunity_name,
        stage_name,
        opportunity_type,
        forecast_category,
        lead_source,
        currency_code,
        loss_reason,
        competitor,

        -- numerics
        amount,
        probability_pct,

        -- booleans
        is_closed,
        is_won,

        -- dates
        close_date,
        first_engagement_date,
        created_date,

        -- timestamps
        created_at,
        updated_at,
        loaded_at,

        -- lineage
        landed_date

    from latest

)

select * from final
