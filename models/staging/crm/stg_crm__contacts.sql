{#- One row per live CRM contact: the latest version by system_modstamp, soft-deleted dropped.
    Names and phone dropped; the email survives only as a salted hash and its domain. -#}
with

source as (

    {{ crm_current_records('contact') }}

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
        {{ lineage_columns() }}

    from source

)

select * from renamed
