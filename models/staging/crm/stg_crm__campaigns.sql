{#- One row per live CRM campaign: the latest version by system_modstamp, soft-deleted dropped. -#}
with

source as (

    {{ crm_current_records('campaign') }}

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
        {{ lineage_columns() }}

    from source

)

select * from renamed
