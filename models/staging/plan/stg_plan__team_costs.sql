with

source as (
    {{ latest_versions(source('plan', 'team_costs'), ['month', 'team'], lineage_prefix='_') }}
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
        {{ lineage_columns() }}
    from source
)

select * from renamed
