{#- Grain: one row per calendar month of the revenue plan or with actuals, up to the last plan
    month. Plan in the reporting currency (int_revenue_plan_converted); actuals as of as_of_date:
    bookings and new customers from int_plan_actuals_daily (CRM), new / reactivation / ending
    MRR from mart_revenue_monthly (segment 'All', billing). Actual new MRR = MRR of customers in
    their first paid month only; reactivation MRR is published beside it, not added. Actuals are
    NULL for months that start after as_of_date; the month of as_of_date is month-to-date.
    Leading indicators (demo requests, SQLs, pipeline created): the plan input's monthly targets
    against int_plan_leading_actuals_daily. -#}
with

revenue_plan as (

    select * from {{ ref('int_revenue_plan_converted') }}

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

actuals_monthly as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        sum(bookings) as bookings,
        sum(new_customers) as new_customers
    from actuals_daily
    group by 1

),

leading_monthly as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        sum(demo_requests) as demo_requests,
        sum(sqls) as sqls,
        sum(pipeline_created) as pipeline_created
    from leading_daily
    group by 1

),

revenue_all as (

    select
        month_start_date,
        new_mrr,
        reactivation_mrr,
        mrr
    from revenue_monthly
    where segment = 'All'

),

months as (

    select month_start_date from revenue_plan
    union
    select month_start_date from actuals_monthly
    union
    select month_start_date from revenue_all
    union
    select month_start_date from leading_monthly

),

joined as (

    select
        months.month_start_date,
        months.month_start_date > {{ as_of_date() }} as is_future_month,
        revenue_plan.plan_bookings_reporting as plan_bookings,
        revenue_plan.plan_new_mrr_reporting as plan_new_mrr,
        revenue_plan.plan_ending_mrr_reporting as plan_ending_mrr,
        revenue_plan.plan_new_customers,
        revenue_plan.plan_demo_requests,
        revenue_plan.plan_sqls,
        revenue_plan.plan_pipeline_created_reporting as plan_pipeline_created,
        coalesce(leading_monthly.demo_requests, 0) as actual_demo_requests,
        coalesce(leading_monthly.sqls, 0) as actual_sqls,
        coalesce(leading_monthly.pipeline_created, 0) as actual_pipeline_created,
        coalesce(actuals_monthly.bookings, 0) as actual_bookings,
        coalesce(actuals_monthly.new_customers, 0) as actual_new_customers,
        coalesce(revenue_all.new_mrr, 0) as actual_new_mrr,
        coalesce(revenue_all.reactivation_mrr, 0) as actual_reactivation_mrr,
        coalesce(revenue_all.mrr, 0) as actual_ending_mrr
    from months
    left join revenue_plan
        on months.month_start_date = revenue_plan.month_start_date
    left join actuals_monthly
        on months.month_start_date = actuals_monthly.month_start_date
    left join revenue_all
        on months.month_start_date = revenue_all.month_start_date
    left join leading_monthly
        on months.month_start_date = leading_monthly.month_start_date

),

masked as (

    select
        month_start_date,
        is_future_month,
        plan_bookings,
        plan_new_mrr,
        plan_ending_mrr,
        plan_new_customers,
        plan_demo_requests,
        plan_sqls,
        plan_pipeline_created,
        case when not is_future_month then actual_demo_requests end as actual_demo_requests,
        case when not is_future_month then actual_sqls end as actual_sqls,
        case when not is_future_month then actual_pipeline_created end as actual_pipeline_created,
        case when not is_future_month then actual_bookings end as actual_bookings,
        case when not is_future_month then actual_new_mrr end as actual_new_mrr,
        case when not is_future_month then actual_reactivation_mrr end as actual_reactivation_mrr,
        case when not is_future_month then actual_ending_mrr end as actual_ending_mrr,
        case when not is_future_month then actual_new_customers end as actual_new_customers
    from joined

),

final as (

    select
        -- keys
        cast(masked.month_start_date as date) as month_start_date,

        -- calendar
        cast(dim_date.month_end_date as date) as month_end_date,
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.fiscal_month as integer) as fiscal_month,

        -- bookings (new + expansion, reporting currency)
        cast(masked.plan_bookings as decimal(38, 6)) as plan_bookings,
        cast(masked.actual_bookings as decimal(38, 6)) as actual_bookings,
        cast({{ safe_divide('masked.actual_bookings', 'masked.plan_bookings') }} as double)
            as bookings_attainment,

        -- new MRR
        cast(masked.plan_new_mrr as decimal(38, 6)) as plan_new_mrr,
        cast(masked.actual_new_mrr as decimal(38, 6)) as actual_new_mrr,
        cast(masked.actual_reactivation_mrr as decimal(38, 6)) as actual_reactivation_mrr,
        cast({{ safe_divide('masked.actual_new_mrr', 'masked.plan_new_mrr') }} as double)
            as new_mrr_attainment,

        -- ending MRR
        cast(masked.plan_ending_mrr as decimal(38, 6)) as plan_ending_mrr,
        cast(masked.actual_ending_mrr as decimal(38, 6)) as actual_ending_mrr,
        cast({{ safe_divide('masked.actual_ending_mrr', 'masked.plan_ending_mrr') }} as double)
            as ending_mrr_attainment,

        -- new customers
        cast(masked.plan_new_customers as bigint) as plan_new_customers,
        cast(masked.actual_new_customers as bigint) as actual_new_customers,
        cast({{ safe_divide('masked.actual_new_customers', 'masked.plan_new_customers') }} as double)
            as new_customers_attainment,

        -- leading indicators (monthly targets from the plan input)
        cast(masked.plan_demo_requests as bigint) as plan_demo_requests,
        cast(masked.actual_demo_requests as bigint) as actual_demo_requests,
        cast({{ safe_divide('masked.actual_demo_requests', 'masked.plan_demo_requests') }} as double)
            as demo_requests_attainment,
        cast(masked.plan_sqls as bigint) as plan_sqls,
        cast(masked.actual_sqls as bigint) as actual_sqls,
        cast({{ safe_divide('masked.actual_sqls', 'masked.plan_sqls') }} as double) as sqls_attainment,
        cast(masked.plan_pipeline_created as decimal(38, 6)) as plan_pipeline_created,
        cast(masked.actual_pipeline_created as decimal(38, 6)) as actual_pipeline_created,
        cast({{ safe_divide('masked.actual_pipeline_created', 'masked.plan_pipeline_created') }} as double)
            as pipeline_created_attainment,

        -- booleans
        cast({{ is_as_of_month('masked.month_start_date') }} as boolean) as is_as_of_month,
        cast(masked.is_future_month as boolean) as is_future_month

    from masked
    left join dim_date
        on masked.month_start_date = dim_date.date_day

)

select * from final
