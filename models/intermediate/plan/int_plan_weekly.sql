{#- The monthly revenue plan split over ISO weeks by WORKING days (int_calendar.is_working_day: not a
    weekend, not a company holiday). Grain: one row per ISO week x plan month, for every week
    holding at least one day of the month: a week spanning two months has one row for each, and
    takes from each month the share working days of that month in the week / working days of
    the month. A month without any working day (never in practice) is split by calendar days so
    that the weeks always add up to the month. Flow amounts only: bookings, new MRR, new
    customers; ending MRR is a stock and is not split. -#}
with

revenue_plan as (

    select * from {{ ref('int_revenue_plan_converted') }}

),

calendar as (

    select * from {{ ref('int_calendar') }}

),

week_month_days as (

    select
        revenue_plan.month_start_date,
        calendar.week_start_date,
        count(*) as calendar_days,
        sum(case when calendar.is_working_day then 1 else 0 end) as working_days
    from revenue_plan
    inner join calendar
        on revenue_plan.month_start_date = calendar.month_start_date
    group by revenue_plan.month_start_date, calendar.week_start_date

),

with_month_totals as (

    select
        *,
        sum(working_days) over (partition by month_start_date) as month_working_days,
        sum(calendar_days) over (partition by month_start_date) as month_calendar_days
    from week_month_days

),

shares as (

    select
        *,
        case when month_working_days > 0 then working_days else calendar_days end as split_days,
        case when month_working_days > 0 then month_working_days else month_calendar_days end as month_split_days
    from with_month_totals

),

final as (

    select
        -- dates
        shares.week_start_date,
        shares.month_start_date,

        -- numerics
        cast(shares.calendar_days as integer) as calendar_days,
        cast(shares.working_days as integer) as working_days,
        cast(shares.month_working_days as integer) as month_working_days,
        cast(shares.split_days as double) / shares.month_split_days as plan_share,
        -- multiply before dividing: whole results stay exact
        cast(revenue_plan.plan_bookings_reporting as double) * shares.split_days / shares.month_split_days
            as plan_bookings,
        cast(revenue_plan.plan_new_mrr_reporting as double) * shares.split_days / shares.month_split_days
            as plan_new_mrr,
        cast(revenue_plan.plan_new_customers as double) * shares.split_days / shares.month_split_days
            as plan_new_customers

    from shares
    inner join revenue_plan
        on shares.month_start_date = revenue_plan.month_start_date

)

select * from final
