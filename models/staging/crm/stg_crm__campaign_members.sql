{#- One row per live CRM campaign member (a lead or contact in a campaign): the latest version by
    system_modstamp, soft-deleted dropped. -#}
with

source as (

    {{ latest_versions(
        source('crm', 'campaign_member'), ['id'], 'system_modstamp',
        deleted_column='coalesce(is_deleted, false)', lineage_prefix='_'
    ) }}

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
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from source

),

final as (

    select * from renamed

)

select * from final
