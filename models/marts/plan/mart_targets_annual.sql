{#- Grain: one row per fiscal year x target_level ('company', 'team', 'rep') x member_key: the
    year target (the company revenue plan of the fiscal year's months), its split to team and rep
    (allocated by quota share) beside the sum of the rep quotas, and bookings year-to-date.
    The sums of int_targets_weekly over the months of the fiscal year (dim_date). Actuals are
    NULL for fiscal years that start after as_of_date; the year of as_of_date is year-to-date
    against the full-year target. -#}
with

targets as (

    select * from {{ ref('int_targets_weekly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

annual as (

    select
        targets.target_level,
        targets.member_key,
        targets.team,
        targets.rep_id,
        dim_date.fiscal_year,
        min(dim_date.fiscal_year_start_date) as fiscal_year_start_date,
        sum(targets.quota_bookings) as quota_bookings,
        sum(targets.plan_bookings) as plan_bookings,
        sum(targets.actual_bookings) as actual_bookings
    from targets
    inner join dim_date
        on targets.month_start_date = dim_date.date_day
    group by
        targets.target_level,
        targets.member_key,
        targets.team,
        targets.rep_id,
        dim_date.fiscal_year

),

final as (

    select
        -- keys
        cast(fiscal_year as integer) as fiscal_year,
        {{ target_member_columns() }},

        -- calendar
        cast(fiscal_year_start_date as date) as fiscal_year_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'fiscal_year_start_date')) }} as date)
            as fiscal_year_end_date,

        -- bookings (new + expansion, reporting currency)
        {{ target_bookings_columns('fiscal_year_start_date') }},
        cast({{ safe_divide('quota_bookings', 'plan_bookings') }} as double) as quota_to_plan_ratio,

        -- booleans
        cast({{ is_quota_plan_mismatch('quota_bookings', 'plan_bookings') }} as boolean)
            as is_quota_plan_mismatch,
        cast(
            {{ as_of_date() }} >= fiscal_year_start_date
            and {{ as_of_date() }} < {{ dbt.dateadd('year', 1, 'fiscal_year_start_date') }}
            as boolean
        ) as is_as_of_year,
        cast(fiscal_year_start_date > {{ as_of_date() }} as boolean) as is_future_year

    from annual

)

select * from final
