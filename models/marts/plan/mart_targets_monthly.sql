{#- Grain: one row per calendar month x target_level ('company', 'team', 'rep') x member_key.
    The sums over the month's weeks of int_targets_weekly (the decomposition's rules live there):
    rep quota, the company plan allocated by quota share, and bookings, with attainment on both
    and whether the quotas add up to the plan (macro is_quota_plan_mismatch). Actuals are NULL
    for months that start after as_of_date; the month of as_of_date is month-to-date. -#}
with

targets as (

    select * from {{ ref('int_targets_weekly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

monthly as (

    select
        target_level,
        member_key,
        team,
        rep_id,
        month_start_date,
        sum(quota_bookings) as quota_bookings,
        sum(plan_bookings) as plan_bookings,
        sum(actual_bookings) as actual_bookings
    from targets
    group by target_level, member_key, team, rep_id, month_start_date

),

final as (

    select
        -- keys
        cast(monthly.month_start_date as date) as month_start_date,
        {{ target_member_columns('monthly') }},

        -- calendar
        cast(dim_date.month_end_date as date) as month_end_date,
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.fiscal_month as integer) as fiscal_month,

        -- bookings (new + expansion, reporting currency)
        {{ target_bookings_columns('month_start_date', 'monthly') }},
        cast({{ safe_divide('monthly.quota_bookings', 'monthly.plan_bookings') }} as double)
            as quota_to_plan_ratio,

        -- booleans
        cast({{ is_quota_plan_mismatch('monthly.quota_bookings', 'monthly.plan_bookings') }} as boolean)
            as is_quota_plan_mismatch,
        cast({{ is_as_of_month('monthly.month_start_date') }} as boolean) as is_as_of_month,
        cast(monthly.month_start_date > {{ as_of_date() }} as boolean) as is_future_month

    from monthly
    left join dim_date
        on monthly.month_start_date = dim_date.date_day

)

select * from final
