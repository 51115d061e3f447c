{#- One row per live CRM contact: the latest version by system_modstamp, soft-deleted dropped.
    Names and phone dropped; the email survives only as a salted hash and its domain. -#}
with

source as (

    {{ latest_versions(
        source('crm', 'contact'), ['id'], 'system_modstamp',
        deleted_column='coalesce(is_deleted, false)', lineage_prefix='_'
    ) }}

),

renamed as (

    select
        -- ids
        id as contact_id,
        account_id,
        owner_id,

        -- strings
        {{ hash_pii('email') }} as email_hash,
        {{ email_domain('email') }} as email_domain,
        title,
        lead_source,

        -- dates
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
