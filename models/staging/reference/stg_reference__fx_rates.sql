with

source as (
    {{ latest_versions(
        source('reference', 'fx_rates'), ['cast(rate_month as date)', 'upper(trim(currency_code))'],
        lineage_prefix='_'
    ) }}
),

renamed as (
    select
        -- strings
        upper(trim(currency_code)) as currency_code,

        -- numerics
        cast(rate_to_usd as {{ dbt.type_numeric() }}) as rate_to_usd,

        -- dates
        cast(rate_month as date) as rate_month,

        -- lineage
        _source_file as source_file,
        {{ lineage_columns() }}
    from source
)

select * from renamed
