{#- Grain: one row per ISO week (Monday start) holding a day of a plan month or an actual. Plan:
    each month's plan split over its weeks by working days (int_plan_weekly), a week spanning
    two months summing its share of each. Actuals by the day they happened (int_plan_actuals_daily);
    new MRR is monthly and is shown in the week of the month's measure date (macro
    mrr_movement_report_date: the month-end week, or the as_of week for the running month).
    Leading indicators (demo requests, SQLs, pipeline created): the weekly targets of the plan
    input against int_plan_leading_actuals_daily. Actuals are NULL for weeks that start after
    as_of_date. -#}
with

plan_weekly as (

    select * from {{ ref('int_plan_weekly') }}

),

actuals_daily as (

    select * from {{ ref('int_plan_actuals_daily') }}

),

leading_daily as (

    select * from {{ ref('int_plan_leading_actuals_daily') }}

),

revenue_monthly as (

    select * from {{ ref('mart_revenue_monthly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

plan_by_week as (

    select
        week_start_date,
        sum(plan_bookings) as plan_bookings,
        sum(plan_new_mrr) as plan_new_mrr,
        sum(plan_new_customers) as plan_new_customers,
        sum(plan_demo_requests) as plan_demo_requests,
        sum(plan_sqls) as plan_sqls,
        sum(plan_pipeline_created) as plan_pipeline_created
    from plan_weekly
    group by week_start_date

),

actuals_by_week as (

    select
        dim_date.week_start_date,
        sum(actuals_daily.bookings) as bookings,
        sum(actuals_daily.new_customers) as new_customers
    from actuals_daily
    inner join dim_date
        on actuals_daily.date_day = dim_date.date_day
    group by dim_date.week_start_date

),

leading_by_week as (

    select
        dim_date.week_start_date,
        sum(leading_daily.demo_requests) as demo_requests,
        sum(leading_daily.sqls) as sqls,
        sum(leading_daily.pipeline_created) as pipeline_created
    from leading_daily
    inner join dim_date
        on leading_daily.date_day = dim_date.date_day
    group by dim_date.week_start_date

),

new_mrr_by_week as (

    {{ mrr_movements_by_week('revenue_monthly', 'dim_date', ['new_mrr']) }}

),

weeks as (

    select week_start_date from plan_by_week
    union
    select week_start_date from actuals_by_week
    union
    select week_start_date from new_mrr_by_week
    union
    select week_start_date from leading_by_week

),

joined as (

    select
        weeks.week_start_date,
        weeks.week_start_date > {{ as_of_date() }} as is_future_week,
        plan_by_week.plan_bookings,
        plan_by_week.plan_new_mrr,
        plan_by_week.plan_new_customers,
        plan_by_week.plan_demo_requests,
        plan_by_week.plan_sqls,
        plan_by_week.plan_pipeline_created,
        coalesce(leading_by_week.demo_requests, 0) as actual_demo_requests,
        coalesce(leading_by_week.sqls, 0) as actual_sqls,
        coalesce(leading_by_week.pipeline_created, 0) as actual_pipeline_created,
        coalesce(actuals_by_week.bookings, 0) as actual_bookings,
        coalesce(actuals_by_week.new_customers, 0) as actual_new_customers,
        coalesce(new_mrr_by_week.new_mrr, 0) as actual_new_mrr
    from weeks
    left join plan_by_week
        on weeks.week_start_date = plan_by_week.week_start_date
    left join actuals_by_week
        on weeks.week_start_date = actuals_by_week.week_start_date
    left join new_mrr_by_week
        on weeks.week_start_date = new_mrr_by_week.week_start_date
    left join leading_by_week
        on weeks.week_start_date = leading_by_week.week_start_date

),

masked as (

    select
        week_start_date,
        is_future_week,
        plan_bookings,
        plan_new_mrr,
        plan_new_customers,
        plan_demo_requests,
        plan_sqls,
        plan_pipeline_created,
        case when not is_future_week then actual_demo_requests end as actual_demo_requests,
        case when not is_future_week then actual_sqls end as actual_sqls,
        case when not is_future_week then actual_pipeline_created end as actual_pipeline_created,
        case when not is_future_week then actual_bookings end as actual_bookings,
        case when not is_future_week then actual_new_mrr end as actual_new_mrr,
        case when not is_future_week then actual_new_customers end as actual_new_customers
    from joined

),

final as (

    select
        -- keys
        cast(week_start_date as date) as week_start_date,

        -- ISO calendar
        cast({{ dbt.dateadd('day', 6, 'week_start_date') }} as date) as week_end_date,
        cast(extract(isoyear from week_start_date) as integer) as iso_year,
        cast(extract(week from week_start_date) as integer) as iso_week,

        -- bookings (new + expansion, reporting currency)
        cast(plan_bookings as decimal(38, 6)) as plan_bookings,
        cast(actual_bookings as decimal(38, 6)) as actual_bookings,
        cast({{ safe_divide('actual_bookings', 'plan_bookings') }} as double) as bookings_attainment,

        -- new MRR
        cast(plan_new_mrr as decimal(38, 6)) as plan_new_mrr,
        cast(actual_new_mrr as decimal(38, 6)) as actual_new_mrr,
        cast({{ safe_divide('actual_new_mrr', 'plan_new_mrr') }} as double) as new_mrr_attainment,

        -- new customers
        cast(plan_new_customers as double) as plan_new_customers,
        cast(actual_new_customers as bigint) as actual_new_customers,
        cast({{ safe_divide('actual_new_customers', 'plan_new_customers') }} as double)
            as new_customers_attainment,

        -- leading indicators (weekly targets from the plan input)
        cast(plan_demo_requests as double) as plan_demo_requests,
        cast(actual_demo_requests as bigint) as actual_demo_requests,
        cast({{ safe_divide('actual_demo_requests', 'plan_demo_requests') }} as double)
            as demo_requests_attainment,
        cast(plan_sqls as double) as plan_sqls,
        cast(actual_sqls as bigint) as actual_sqls,
        cast({{ safe_divide('actual_sqls', 'plan_sqls') }} as double) as sqls_attainment,
        cast(plan_pipeline_created as decimal(38, 6)) as plan_pipeline_created,
        cast(actual_pipeline_created as decimal(38, 6)) as actual_pipeline_created,
        cast({{ safe_divide('actual_pipeline_created', 'plan_pipeline_created') }} as double)
            as pipeline_created_attainment,

        -- booleans
        cast({{ is_complete_week('week_start_date') }} as boolean) as is_complete_week,
        cast(is_future_week as boolean) as is_future_week

    from masked

)

select * from final
