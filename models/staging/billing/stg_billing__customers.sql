with

source as (

    select * from {{ source('billing', 'customers') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id']) }} as version_rank
    from source

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
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from ranked
    -- the latest version decides: a customer whose latest export says deleted is gone
    where version_rank = 1 and not coalesce(deleted, false)

),

final as (

    select * from renamed

)

select * from final
