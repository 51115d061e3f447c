with

source as (

    -- the latest version decides: a customer whose latest export says deleted is gone
    {{ billing_current_records('customers', deleted_column='coalesce(deleted, false)') }}

),

renamed as (

    select
        -- ids
        id as customer_id,
        nullif(trim({{ json_extract_text('metadata', 'salesforce_account_id') }}), '') as crm_account_id,

        -- strings (the customer name, a company or a person, is dropped)
        {{ hash_pii('email') }} as email_hash,
        {{ email_domain('email') }} as email_domain,
        upper(currency) as currency,
        upper(address_country) as address_country,

        -- booleans
        coalesce(delinquent, false) as is_delinquent,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
