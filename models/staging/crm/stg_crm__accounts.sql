{#- One row per live CRM account: the latest version by system_modstamp, soft-deleted dropped.
    The website is reduced to a bare domain, the key for matching billing customers by email. -#}
with

source as (

    {{ crm_current_records('account') }}

),

renamed as (

    select
        -- ids
        id as account_id,
        owner_id,

        -- strings
        name as account_name,
        industry,
        {{ website_domain('website') }} as website_domain,
        billing_country,
        type as account_type,

        -- numerics
        number_of_employees,

        -- dates
        {{ to_company_date('created_date') }} as created_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
