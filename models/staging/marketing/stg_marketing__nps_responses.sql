with

source as (
    select * from {{ source('marketing', 'nps_responses') }}
),

renamed as (
    select
        -- ids
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(nullif(trim(account_id), '') as {{ dbt.type_string() }}) as account_id,

        -- strings (PII: the email is hashed)
        {{ hash_pii('email') }} as email_hash,
        {{ email_domain('email') }} as email_domain,
        comment,

        -- numerics
        cast(score as integer) as score,

        -- dates
        {{ to_company_date('responded_at') }} as responded_date,

        -- timestamps
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['response_id']) }} as version_rank
    from source
),

final as (
    select
        response_id,
        account_id,
        email_hash,
        email_domain,
        score,
        comment,
        responded_date,
        responded_at,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
