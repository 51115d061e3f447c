{#- One row per live CRM opportunity: the latest version by system_modstamp, soft-deleted dropped.
    stage_name is kept as the CRM spells it; its order and category come from a seed downstream. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'opportunity') }}

),

renamed as (

    select
        -- ids
        id as opportunity_id,
        account_id,
        owner_id,
        campaign_id,

        -- strings
        name as opportunity_name,
        stage_name,
        type as opportunity_type,
        forecast_category_name as forecast_category,
        lead_source,
        upper(trim(currency_iso_code)) as currency_code,

        -- numerics
        amount,
        probability as probability_pct,

        -- booleans
        is_closed,
        is_won,

        -- dates
        close_date,
        first_engagement_date_c as first_engagement_date,
        {{ to_company_date('created_date') }} as created_date,

        -- timestamps
        created_date as created_at,
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
