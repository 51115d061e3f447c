with

source as (
    select * from {{ source('reference', 'fx_rates') }}
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
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['cast(rate_month as date)', 'upper(trim(currency_code))']) }} as version_rank
    from source
),

final as (
    select
        rate_month,
        currency_code,
        rate_to_usd,
        source_file,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
