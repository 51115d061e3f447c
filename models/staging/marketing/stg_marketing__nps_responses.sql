with

source as (
    {{ latest_versions(source('marketing', 'nps_responses'), ['response_id'], lineage_prefix='_') }}
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
        {{ lineage_columns() }}
    from source
)

select * from renamed
