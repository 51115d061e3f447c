with

source as (
    select * from {{ source('plan', 'comp_plans') }}
),

renamed as (
    select
        -- ids
        cast(rep_id as {{ dbt.type_string() }}) as user_id,

        -- strings
        trim(comp_plan) as comp_plan,
        upper(trim(currency)) as currency_code,

        -- numerics
        cast(target_incentive as {{ dbt.type_numeric() }}) as target_incentive,
        cast(payout_cap as {{ dbt.type_numeric() }}) as payout_cap,

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
        comp_plan,
        target_incentive,
        payout_cap,
        currency_code,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
