{#- The leadership one-pager. Grain: one row per ISO week (Monday start), from the first week
    with data (an opportunity, a plan week, a demo request, a funnel stage or a revenue month's
    report date, whichever systems landed) to the week of as_of_date. Bookings vs plan and new
    customers come from mart_plan_vs_actual_weekly; pipeline created and win rate from
    fct_opportunities (the fact the semantic layer's metrics read);
    demo requests from mart_demo_requests_weekly; SQLs from int_lead_funnel_stages. Accounts won
    (green) and lost (red) are counted from mart_scorecard_accounts_weekly, which lists them: the
    accounts with a deal closed-won / closed-lost in the week and the customers churned in the
    week (by churn date). MRR movements are monthly: each month's are shown in the week of its
    measure date (macro mrr_movement_report_date: the week containing the month end, or the week
    of as_of_date for the running month, month-to-date). -#}
with

plan_vs_actual_weekly as (

    select * from {{ ref('mart_plan_vs_actual_weekly') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

demo_requests_weekly as (

    select * from {{ ref('mart_demo_requests_weekly') }}

),

funnel_stages as (

    select * from {{ ref('int_lead_funnel_stages') }}

),

revenue_monthly as (

    select * from {{ ref('mart_revenue_monthly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

scorecard_accounts as (

    select * from {{ ref('mart_scorecard_accounts_weekly') }}

),

first_dates as (

    select min(created_date) as first_date from opportunities
    union all
    select min(week_start_date) as first_date from plan_vs_actual_weekly
    union all
    select min(week_start_date) as first_date from demo_requests_weekly
    union all
    select min(entered_date) as first_date from funnel_stages
    union all
    select min({{ mrr_movement_report_date('month_end_date') }}) as first_date from revenue_monthly

),

weeks as (

    {{ periods_through_as_of('dim_date', 'week_start_date', 'select min(first_dates.first_date) from first_dates') }}

),

pipeline_created as (

    select
        dim_date.week_start_date,
        count(*) as opportunities_created,
        sum(opportunities.amount_reporting) as pipeline_created,
        sum(
            case
                when {{ is_won_by('opportunities.is_won', 'opportunities.close_date', as_of_date()) }} then 1 else 0
            end
        ) as cohort_won_count,
        sum(
            case
                when {{ is_open_at('opportunities.is_closed', 'opportunities.close_date', as_of_date()) }} then 1 else 0
            end
        ) as cohort_open_count
    from opportunities
    inner join dim_date
        on opportunities.created_date = dim_date.date_day
    where opportunities.created_date <= {{ as_of_date() }}
    group by dim_date.week_start_date

),

closed as (

    select
        dim_date.week_start_date,
        sum(case when opportunities.is_won then 1 else 0 end) as opportunities_won,
        sum(case when opportunities.is_lost then 1 else 0 end) as opportunities_lost,
        sum(case when opportunities.is_won then opportunities.amount_reporting else 0 end) as won_amount,
        sum(case when opportunities.is_lost then opportunities.amount_reporting else 0 end) as lost_amount
    from opportunities
    inner join dim_date
        on opportunities.close_date = dim_date.date_day
    where
        opportunities.is_closed
        and opportunities.close_date <= {{ as_of_date() }}
    group by dim_date.week_start_date

),

demo_requests as (

    select
        week_start_date,
        sum(demo_requests) as demo_requests
    from demo_requests_weekly
    group by week_start_date

),

sqls as (

    select
        dim_date.week_start_date,
        count(*) as sqls
    from funnel_stages
    inner join dim_date
        on funnel_stages.entered_date = dim_date.date_day
    where
        funnel_stages.funnel_stage = 'sql'
        and funnel_stages.entered_date <= {{ as_of_date() }}
    group by dim_date.week_start_date

),

mrr_movements as (

    {{ mrr_movements_by_week(
        'revenue_monthly', 'dim_date',
        ['new_mrr', 'expansion_mrr', 'contraction_mrr', 'churn_mrr', 'reactivation_mrr']
    ) }}

),

won_lost_accounts as (

    -- an account counts once per week and colour, however many deals and churns it had
    select
        week_start_date,
        count(distinct case when colour = 'green' then account_key end) as accounts_won,
        count(distinct case when colour = 'red' then account_key end) as accounts_lost,
        count(distinct case when event_type = 'deal_lost' then account_key end) as accounts_with_lost_deals,
        sum(case when event_type = 'customer_churned' then 1 else 0 end) as customers_churned
    from scorecard_accounts
    group by week_start_date

),

joined as (

    select
        weeks.week_start_date,
        plan_vs_actual_weekly.plan_bookings,
        coalesce(plan_vs_actual_weekly.actual_bookings, 0) as bookings,
        coalesce(pipeline_created.pipeline_created, 0) as pipeline_created,
        coalesce(pipeline_created.opportunities_created, 0) as opportunities_created,
        coalesce(pipeline_created.cohort_won_count, 0) as cohort_won_count,
        coalesce(pipeline_created.cohort_open_count, 0) as cohort_open_count,
        coalesce(closed.opportunities_won, 0) as opportunities_won,
        coalesce(closed.opportunities_lost, 0) as opportunities_lost,
        coalesce(closed.won_amount, 0) as won_amount,
        coalesce(closed.lost_amount, 0) as lost_amount,
        coalesce(demo_requests.demo_requests, 0) as demo_requests,
        coalesce(sqls.sqls, 0) as sqls,
        coalesce(mrr_movements.new_mrr, 0) as new_mrr,
        coalesce(mrr_movements.expansion_mrr, 0) as expansion_mrr,
        coalesce(mrr_movements.contraction_mrr, 0) as contraction_mrr,
        coalesce(mrr_movements.churn_mrr, 0) as churn_mrr,
        coalesce(mrr_movements.reactivation_mrr, 0) as reactivation_mrr,
        coalesce(plan_vs_actual_weekly.actual_new_customers, 0) as new_customers,
        coalesce(won_lost_accounts.accounts_won, 0) as accounts_won,
        coalesce(won_lost_accounts.accounts_lost, 0) as accounts_lost,
        coalesce(won_lost_accounts.accounts_with_lost_deals, 0) as accounts_with_lost_deals,
        coalesce(won_lost_accounts.customers_churned, 0) as customers_churned
    from weeks
    left join plan_vs_actual_weekly
        on weeks.week_start_date = plan_vs_actual_weekly.week_start_date
    left join pipeline_created
        on weeks.week_start_date = pipeline_created.week_start_date
    left join closed
        on weeks.week_start_date = closed.week_start_date
    left join demo_requests
        on weeks.week_start_date = demo_requests.week_start_date
    left join sqls
        on weeks.week_start_date = sqls.week_start_date
    left join mrr_movements
        on weeks.week_start_date = mrr_movements.week_start_date
    left join won_lost_accounts
        on weeks.week_start_date = won_lost_accounts.week_start_date

),

final as (

    select
        -- keys
        cast(week_start_date as date) as week_start_date,

        -- ISO calendar
        cast({{ dbt.dateadd('day', 6, 'week_start_date') }} as date) as week_end_date,
        cast(extract(isoyear from week_start_date) as integer) as iso_year,
        cast(extract(week from week_start_date) as integer) as iso_week,

        -- bookings vs plan (reporting currency)
        cast(bookings as decimal(38, 6)) as bookings,
        cast(plan_bookings as decimal(38, 6)) as plan_bookings,
        cast({{ safe_divide('bookings', 'plan_bookings') }} as double) as bookings_attainment,

        -- pipeline and win rate
        cast(pipeline_created as decimal(38, 6)) as pipeline_created,
        cast(opportunities_created as bigint) as opportunities_created,
        cast(opportunities_won as bigint) as opportunities_won,
        cast(opportunities_lost as bigint) as opportunities_lost,
        cast({{ win_rate('opportunities_won', 'opportunities_lost') }} as double) as win_rate,
        cast({{ win_rate('won_amount', 'lost_amount') }} as double) as win_rate_amount,
        cast(cohort_won_count as bigint) as cohort_won_count,
        cast(cohort_open_count as bigint) as cohort_open_count,
        cast({{ cohort_share('cohort_won_count', 'opportunities_created') }} as double) as cohort_win_rate,
        cast({{ cohort_share('cohort_open_count', 'opportunities_created') }} as double) as cohort_open_share,

        -- top of funnel
        cast(demo_requests as bigint) as demo_requests,
        cast(sqls as bigint) as sqls,

        -- MRR movements (month of the week's measure date)
        cast(new_mrr as decimal(38, 6)) as new_mrr,
        cast(expansion_mrr as decimal(38, 6)) as expansion_mrr,
        cast(contraction_mrr as decimal(38, 6)) as contraction_mrr,
        cast(churn_mrr as decimal(38, 6)) as churn_mrr,
        cast(reactivation_mrr as decimal(38, 6)) as reactivation_mrr,
        cast(new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churn_mrr as decimal(38, 6))
            as net_new_mrr,

        -- accounts won (green) and lost (red)
        cast(accounts_won as bigint) as accounts_won,
        cast({{ won_lost_status('accounts_won', 'green') }} as {{ dbt.type_string() }}) as accounts_won_status,
        cast(accounts_lost as bigint) as accounts_lost,
        cast({{ won_lost_status('accounts_lost', 'red') }} as {{ dbt.type_string() }}) as accounts_lost_status,

        -- booleans
        cast({{ is_complete_week('week_start_date') }} as boolean) as is_complete_week,

        -- new customers and the parts of red (mart_scorecard_accounts_weekly)
        cast(new_customers as bigint) as new_customers,
        cast(accounts_with_lost_deals as bigint) as accounts_with_lost_deals,
        cast(customers_churned as bigint) as customers_churned

    from joined

)

select * from final
