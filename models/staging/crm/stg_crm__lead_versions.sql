{#- Every landed version of every CRM lead: one row per raw row, renamed and cast, soft-deleted
    versions included (is_deleted). Names and phone dropped; the email survives only as a salted
    hash and its domain. stg_crm__leads keeps the latest live version of each lead from here
    (macro latest_versions); the incremental int_touches reads the versions of only the leads it
    recomputes. -#}
with

source as (

    select * from {{ source('crm', 'lead') }}

),

renamed as (

    select
        -- ids
        id as lead_id,
        owner_id,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,

        -- strings
        {{ hash_pii('email') }} as email_hash,
        {{ email_domain('email') }} as email_domain,
        company,
        lead_source,
        status,
        utm_source_c as utm_source,
        utm_medium_c as utm_medium,
        utm_campaign_c as utm_campaign,

        -- booleans
        is_converted,
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        mql_date_c as mql_date,
        sql_date_c as sql_date,
        converted_date,
        {{ to_company_date('created_date') }} as created_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,

        -- lineage
        {{ lineage_columns(record=true) }}

    from source

)

select * from renamed
