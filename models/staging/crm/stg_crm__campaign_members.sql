{#- One row per live CRM campaign member (a lead or contact in a campaign): the latest version by
    system_modstamp, soft-deleted dropped. -#}
with

source as (

    {{ crm_current_records('campaign_member') }}

),

renamed as (

    select
        -- ids
        id as campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,

        -- strings
        status,

        -- booleans
        has_responded,

        -- dates
        first_responded_date,
        {{ to_company_date('created_date') }} as created_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
