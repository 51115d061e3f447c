with

source as (
    {{ latest_versions(source('plan', 'comp_plan_tiers'), ['comp_plan', 'attainment_from'], lineage_prefix='_') }}
),

renamed as (
    select
        -- strings
        trim(comp_plan) as comp_plan,

        -- numerics
        cast(attainment_from as {{ dbt.type_numeric() }}) as attainment_from,
        cast(attainment_to as {{ dbt.type_numeric() }}) as attainment_to,
        cast(payout_rate as {{ dbt.type_numeric() }}) as payout_rate,

        -- lineage
        {{ lineage_columns() }}
    from source
)

select * from renamed
