with

source as (
    select * from {{ source('plan', 'team_costs') }}
),

renamed as (
    select
        -- strings
        lower(trim(team)) as team,
        upper(trim(currency)) as currency_code,

        -- numerics
        cast(cost_amount as {{ dbt.type_numeric() }}) as cost_amount,

        -- dates
        cast(month as date) as month_start_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['month', 'team']) }} as version_rank
    from source
),

final as (
    select
        month_start_date,
        team,
        cost_amount,
        currency_code,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
