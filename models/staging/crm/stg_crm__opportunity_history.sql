{#- One row per live change of an opportunity's stage, amount or close date (Salesforce
    OpportunityHistory): the latest version of each history row, soft-deleted dropped. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'opportunity_history') }}

),

renamed as (

    select
        -- ids
        id as history_id,
        opportunity_id,

        -- strings
        stage_name,
        forecast_category,

        -- numerics
        amount,
        probability as probability_pct,

        -- dates
        close_date,
        {{ to_company_date('created_date') }} as changed_date,

        -- timestamps
        created_date as changed_at,
        system_modstamp as updated_at,
        _loaded_at as loaded_at

    from source
    where
        version_rank = 1
        and not coalesce(is_deleted, false)

),

final as (

    select * from renamed

)

select * from final
