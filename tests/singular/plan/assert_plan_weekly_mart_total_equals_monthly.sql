{#- The weekly plan vs actual mart carries exactly the monthly plan and the monthly actuals: over
    all periods, plan bookings and actual bookings / new customers add up to the monthly mart's
    (tolerance half a cent for the split doubles). -#}
with

weekly as (
    select
        sum(plan_bookings) as plan_bookings,
        sum(actual_bookings) as actual_bookings,
        sum(actual_new_customers) as actual_new_customers,
        sum(actual_new_mrr) as actual_new_mrr
    from {{ ref('mart_plan_vs_actual_weekly') }}
),

monthly as (
    select
        sum(plan_bookings) as plan_bookings,
        sum(actual_bookings) as actual_bookings,
        sum(actual_new_customers) as actual_new_customers,
        sum(actual_new_mrr) as actual_new_mrr
    from {{ ref('mart_plan_vs_actual_monthly') }}
)

select
    weekly.*,
    monthly.plan_bookings as monthly_plan_bookings
from weekly
cross join monthly
where
    abs(coalesce(weekly.plan_bookings, 0) - coalesce(monthly.plan_bookings, 0)) > 0.005
    or coalesce(weekly.actual_bookings, 0) != coalesce(monthly.actual_bookings, 0)
    or coalesce(weekly.actual_new_customers, 0) != coalesce(monthly.actual_new_customers, 0)
    or coalesce(weekly.actual_new_mrr, 0) != coalesce(monthly.actual_new_mrr, 0)
