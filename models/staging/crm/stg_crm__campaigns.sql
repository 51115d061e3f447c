{#- One row per live CRM campaign: the latest version by system_modstamp, soft-deleted dropped. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'campaign') }}

),

renamed as (

    select
        -- ids
        id as campaign_id,

        -- strings
        name as campaign_name,
        type as campaign_type,
        status,
        {{ crm_currency_code('currency_iso_code') }} as currency_code,

        -- numerics
        budgeted_cost,
        actual_cost,

        -- booleans
        is_active,

        -- dates
        start_date,
        end_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from source
    where
        version_rank = 1
        and not coalesce(is_deleted, false)

),

final as (

    select * from renamed

)

select * from final
