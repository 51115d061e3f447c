{#- Target decomposition adds up at every level, per month: the company row's plan and bookings
    are those of mart_plan_vs_actual_monthly (plan input, bookings fact); the teams and the reps
    each sum to the company's quota and bookings; where the month has a quota, the plan the reps
    are allocated sums to the company plan. Tolerance: half a cent (the split is in doubles). -#}
with

targets as (
    select * from {{ ref('mart_targets_monthly') }}
),

plan_vs_actual as (
    select * from {{ ref('mart_plan_vs_actual_monthly') }}
),

by_level as (
    select
        month_start_date,
        target_level,
        sum(quota_bookings) as quota_bookings,
        sum(plan_bookings) as plan_bookings,
        sum(actual_bookings) as actual_bookings
    from targets
    group by month_start_date, target_level
),

company as (
    select * from by_level
    where target_level = 'company'
),

checks as (
    select
        below.month_start_date,
        below.target_level,
        below.quota_bookings,
        company.quota_bookings as company_quota_bookings,
        below.plan_bookings,
        company.plan_bookings as company_plan_bookings,
        below.actual_bookings,
        company.actual_bookings as company_actual_bookings
    from by_level as below
    inner join company
        on below.month_start_date = company.month_start_date
    where below.target_level != 'company'
)

select
    month_start_date,
    target_level,
    'level does not add up to the company' as problem
from checks
where
    abs(coalesce(quota_bookings, 0) - coalesce(company_quota_bookings, 0)) > 0.005
    or abs(coalesce(actual_bookings, 0) - coalesce(company_actual_bookings, 0)) > 0.005
    or (
        coalesce(company_quota_bookings, 0) > 0
        and abs(coalesce(plan_bookings, 0) - coalesce(company_plan_bookings, 0)) > 0.005
    )

union all

select
    company.month_start_date,
    'company' as target_level,
    'company row differs from mart_plan_vs_actual_monthly' as problem
from company
full outer join plan_vs_actual
    on company.month_start_date = plan_vs_actual.month_start_date
where
    abs(coalesce(company.plan_bookings, 0) - coalesce(plan_vs_actual.plan_bookings, 0)) > 0.005
    or abs(coalesce(company.actual_bookings, 0) - coalesce(plan_vs_actual.actual_bookings, 0)) > 0.005
