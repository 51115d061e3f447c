{#- Activity counts and logged durations of mart_sales_rep_monthly summed over reps equal, month by
    month, those of fct_activities (activity date up to as_of_date). Fails on every month that
    differs. -#}
with

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

mart_totals as (

    select
        month_start_date,
        sum(activity_count) as activity_count,
        sum(calls) as calls,
        sum(emails) as emails,
        sum(meetings) as meetings,
        sum(demos) as demos,
        sum(customer_facing_duration_seconds) as customer_facing_duration_seconds,
        sum(logged_duration_seconds) as logged_duration_seconds
    from rep_months
    group by month_start_date

),

fact_totals as (

    select
        activity_month_start_date as month_start_date,
        count(*) as activity_count,
        sum(case when activity_type = 'Call' then 1 else 0 end) as calls,
        sum(case when activity_type = 'Email' then 1 else 0 end) as emails,
        sum(case when activity_type = 'Meeting' then 1 else 0 end) as meetings,
        sum(case when activity_type = 'Demo' then 1 else 0 end) as demos,
        sum(case when activity_type in ('Call', 'Meeting', 'Demo') then coalesce(duration_seconds, 0) else 0 end)
            as customer_facing_duration_seconds,
        sum(coalesce(duration_seconds, 0)) as logged_duration_seconds
    from activities
    where activity_date <= {{ as_of_date() }}
    group by activity_month_start_date

),

final as (

    select
        coalesce(mart_totals.month_start_date, fact_totals.month_start_date) as month_start_date,
        mart_totals.activity_count as mart_activity_count,
        fact_totals.activity_count as fact_activity_count,
        mart_totals.calls as mart_calls,
        fact_totals.calls as fact_calls,
        mart_totals.emails as mart_emails,
        fact_totals.emails as fact_emails,
        mart_totals.meetings as mart_meetings,
        fact_totals.meetings as fact_meetings,
        mart_totals.demos as mart_demos,
        fact_totals.demos as fact_demos,
        mart_totals.customer_facing_duration_seconds as mart_customer_facing_duration_seconds,
        fact_totals.customer_facing_duration_seconds as fact_customer_facing_duration_seconds,
        mart_totals.logged_duration_seconds as mart_logged_duration_seconds,
        fact_totals.logged_duration_seconds as fact_logged_duration_seconds
    from mart_totals
    full outer join fact_totals
        on mart_totals.month_start_date = fact_totals.month_start_date

)

select *
from final
where
    coalesce(mart_activity_count, 0) != coalesce(fact_activity_count, 0)
    or coalesce(mart_calls, 0) != coalesce(fact_calls, 0)
    or coalesce(mart_emails, 0) != coalesce(fact_emails, 0)
    or coalesce(mart_meetings, 0) != coalesce(fact_meetings, 0)
    or coalesce(mart_demos, 0) != coalesce(fact_demos, 0)
    or coalesce(mart_customer_facing_duration_seconds, 0) != coalesce(fact_customer_facing_duration_seconds, 0)
    or coalesce(mart_logged_duration_seconds, 0) != coalesce(fact_logged_duration_seconds, 0)
