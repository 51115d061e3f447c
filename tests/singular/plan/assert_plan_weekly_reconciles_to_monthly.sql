{#- For every month of the revenue plan, the weekly split (int_plan_weekly) adds up to the monthly
    plan (int_revenue_plan_converted), for bookings, new MRR and new customers, and the shares
    add up to 1; a plan month with no week at all fails too. Tolerance: half a cent (doubles). -#}
with

monthly as (
    select * from {{ ref('int_revenue_plan_converted') }}
),

weekly as (
    select * from {{ ref('int_plan_weekly') }}
),

weekly_sums as (
    select
        month_start_date,
        sum(plan_share) as plan_share,
        sum(plan_bookings) as plan_bookings,
        sum(plan_new_mrr) as plan_new_mrr,
        sum(plan_new_customers) as plan_new_customers
    from weekly
    group by month_start_date
)

select
    monthly.month_start_date,
    monthly.plan_bookings_reporting,
    weekly_sums.plan_bookings as weekly_plan_bookings,
    weekly_sums.plan_share
from monthly
left join weekly_sums
    on monthly.month_start_date = weekly_sums.month_start_date
where
    weekly_sums.month_start_date is null
    or abs(weekly_sums.plan_share - 1) > 0.000001
    or abs(coalesce(weekly_sums.plan_bookings, 0) - coalesce(monthly.plan_bookings_reporting, 0)) > 0.005
    or abs(coalesce(weekly_sums.plan_new_mrr, 0) - coalesce(monthly.plan_new_mrr_reporting, 0)) > 0.005
    or abs(coalesce(weekly_sums.plan_new_customers, 0) - coalesce(monthly.plan_new_customers, 0)) > 0.000001
