with

source as (
    select * from {{ source('plan', 'comp_plan_tiers') }}
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
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['comp_plan', 'attainment_from']) }} as version_rank
    from source
),

final as (
    select
        comp_plan,
        attainment_from,
        attainment_to,
        payout_rate,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
