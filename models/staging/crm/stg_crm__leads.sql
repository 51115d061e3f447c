{#- One row per live CRM lead: the latest version by system_modstamp of stg_crm__lead_versions,
    soft-deleted dropped (macro latest_versions). Names and phone dropped; the email survives only
    as a salted hash and its domain. -#}
with

latest as (

    {{ latest_versions(ref('stg_crm__lead_versions'), ['lead_id'], 'updated_at', 'is_deleted') }}

),

final as (

    select
        -- ids
        lead_id,
        owner_id,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,

        -- strings
        email_hash,
        email_domain,
        company,
        lead_source,
        status,
        utm_source,
        utm_medium,
        utm_campaign,

        -- booleans
        is_converted,

        -- dates
        mql_date,
        sql_date,
        converted_date,
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
