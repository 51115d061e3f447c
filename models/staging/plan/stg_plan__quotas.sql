with

source as (
    select * from {{ source('plan', 'quotas') }}
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
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['rep_id', 'month']) }} as version_rank
    from source
),

final as (
    select
        user_id,
        month_start_date,
        quota_amount,
        currency_code,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
