{#- One row per month of the revenue plan (stg_plan__revenue_plan) with its amounts converted to
    the reporting currency at the plan month's average rate (NULL when the rate is missing,
    never 1.0). Grain: month_start_date. -#}
with

revenue_plan as (

    select * from {{ ref('stg_plan__revenue_plan') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        -- dates
        revenue_plan.month_start_date,

        -- strings
        revenue_plan.currency_code,

        -- numerics
        fx.rate_to_reporting,
        {{ to_reporting_currency('revenue_plan.plan_bookings', 'fx') }} as plan_bookings_reporting,
        {{ to_reporting_currency('revenue_plan.plan_new_mrr', 'fx') }} as plan_new_mrr_reporting,
        {{ to_reporting_currency('revenue_plan.plan_ending_mrr', 'fx') }} as plan_ending_mrr_reporting,
        revenue_plan.plan_new_customers,
        revenue_plan.plan_demo_requests,
        revenue_plan.plan_sqls,
        {{ to_reporting_currency('revenue_plan.plan_pipeline_created', 'fx') }} as plan_pipeline_created_reporting

    from revenue_plan
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'revenue_plan.currency_code', 'revenue_plan.month_start_date') }}

)

select * from final
