{#- The monthly revenue plan split over ISO weeks by working days (int_calendar_month_weeks: the
    one split rule). Grain: one row per ISO week x plan month, for every week holding at least
    one day of the month: a week spanning two months has one row for each, and takes from each
    month the share working days of that month in the week / working days of the month. Flow
    amounts only: bookings, new MRR, new customers and the leading indicators (demo requests,
    SQLs, pipeline created); ending MRR is a stock and is not split. -#}
with

revenue_plan as (

    select * from {{ ref('int_revenue_plan_converted') }}

),

month_weeks as (

    select * from {{ ref('int_calendar_month_weeks') }}

),

final as (

    select
        -- dates
        month_weeks.week_start_date,
        month_weeks.month_start_date,

        -- numerics
        month_weeks.calendar_days,
        month_weeks.working_days,
        month_weeks.month_working_days,
        cast(month_weeks.split_days as double) / month_weeks.month_split_days as plan_share,
        -- multiply before dividing: whole results stay exact
        cast(revenue_plan.plan_bookings_reporting as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_bookings,
        cast(revenue_plan.plan_new_mrr_reporting as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_new_mrr,
        cast(revenue_plan.plan_new_customers as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_new_customers,
        cast(revenue_plan.plan_demo_requests as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_demo_requests,
        cast(revenue_plan.plan_sqls as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_sqls,
        cast(revenue_plan.plan_pipeline_created_reporting as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_pipeline_created

    from revenue_plan
    inner join month_weeks
        on revenue_plan.month_start_date = month_weeks.month_start_date

)

select * from final
