with

source as (
    {{ latest_versions(source('plan', 'quotas'), ['rep_id', 'month'], lineage_prefix='_') }}
),

renamed as (
    select
        -- ids
        cast(rep_id as {{ dbt.type_string() }}) as user_id,

        -- strings
        upper(trim(currency)) as currency_code,

        -- numerics
        cast(quota_amount as {{ dbt.type_numeric() }}) as quota_amount,

        -- dates
        cast(month as date) as month_start_date,

        -- lineage
        {{ lineage_columns() }}
    from source
)

select * from renamed
