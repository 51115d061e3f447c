{#- One row per live CRM lead: the latest version by system_modstamp, soft-deleted dropped.
    Names and phone dropped; the email survives only as a salted hash and its domain. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'lead') }}

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

        -- dates
        mql_date_c as mql_date,
        sql_date_c as sql_date,
        converted_date,
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
