{#- Target decomposition, the one place its rules live: the company's bookings target split to
    team and rep, and each month's targets split to its weeks by working days
    (int_calendar_month_weeks), beside the bookings actually booked. Grain: one row per
    target_level x member_key x ISO week x month (a week spanning two months has a row for each,
    so weeks, months and fiscal years are plain sums of these rows).
    levels          'company' (member_key 'All'), 'team' (member_key = the rep's CRM team,
                    'unknown' without one) and 'rep' (member_key = rep_id, var
                    unassigned_rep_id for opportunities without an owner)
    quota_bookings  the rep's quota (int_rep_quotas_monthly) x the week's share of the month;
                    team and company: the sum of their reps'
    plan_bookings   the company revenue plan (int_revenue_plan_converted.plan_bookings) x the
                    week's share; allocated to a rep by the rep's share of the month's total
                    quota (so reps and teams add up to the company plan whenever the month has a
                    quota); NULL for a rep when the month has no plan or no quota
    actual_bookings closed-won bookings (new business + expansion, int_opportunities.is_bookings)
                    by close date up to as_of_date, credited to the opportunity owner; team and
                    company: the sum of their reps', so every level reconciles to the facts
    A rep's team is the CRM's current team (the CRM keeps no history of it). -#}
with

quotas as (

    select * from {{ ref('int_rep_quotas_monthly') }}

),

revenue_plan as (

    select * from {{ ref('int_revenue_plan_converted') }}

),

month_weeks as (

    select * from {{ ref('int_calendar_month_weeks') }}

),

calendar as (

    select * from {{ ref('int_calendar') }}

),

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

rep_quota_months as (

    select
        rep_id,
        month_start_date,
        sum(quota_amount_reporting) as quota_bookings
    from quotas
    group by rep_id, month_start_date

),

rep_plan_months as (

    select
        rep_quota_months.rep_id,
        rep_quota_months.month_start_date,
        rep_quota_months.quota_bookings,
        revenue_plan.plan_bookings_reporting
        * {{ safe_divide(
            'rep_quota_months.quota_bookings',
            'sum(rep_quota_months.quota_bookings) over (partition by rep_quota_months.month_start_date)'
        ) }} as plan_bookings
    from rep_quota_months
    left join revenue_plan
        on rep_quota_months.month_start_date = revenue_plan.month_start_date

),

rep_week_targets as (

    select
        rep_plan_months.rep_id,
        month_weeks.week_start_date,
        month_weeks.month_start_date,
        -- multiply before dividing: whole results stay exact
        cast(rep_plan_months.quota_bookings as double) * month_weeks.split_days
        / month_weeks.month_split_days as quota_bookings,
        cast(rep_plan_months.plan_bookings as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_bookings
    from rep_plan_months
    inner join month_weeks
        on rep_plan_months.month_start_date = month_weeks.month_start_date

),

rep_week_actuals as (

    select
        coalesce(opportunities.owner_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        calendar.week_start_date,
        calendar.month_start_date,
        sum(opportunities.amount_reporting) as actual_bookings
    from opportunities
    inner join calendar
        on opportunities.close_date = calendar.date_day
    where
        opportunities.is_won
        and opportunities.is_bookings
        and opportunities.close_date <= {{ as_of_date() }}
    group by
        coalesce(opportunities.owner_id, '{{ var("unassigned_rep_id") }}'),
        calendar.week_start_date,
        calendar.month_start_date

),

rep_weeks as (

    select
        coalesce(rep_week_targets.rep_id, rep_week_actuals.rep_id) as rep_id,
        coalesce(rep_week_targets.week_start_date, rep_week_actuals.week_start_date) as week_start_date,
        coalesce(rep_week_targets.month_start_date, rep_week_actuals.month_start_date) as month_start_date,
        rep_week_targets.quota_bookings,
        rep_week_targets.plan_bookings,
        coalesce(rep_week_actuals.actual_bookings, 0) as actual_bookings
    from rep_week_targets
    full outer join rep_week_actuals
        on
            rep_week_targets.rep_id = rep_week_actuals.rep_id
            and rep_week_targets.week_start_date = rep_week_actuals.week_start_date
            and rep_week_targets.month_start_date = rep_week_actuals.month_start_date

),

rep_rows as (

    select
        'rep' as target_level,
        rep_weeks.rep_id as member_key,
        coalesce(users.team_name, 'unknown') as team,
        rep_weeks.rep_id,
        rep_weeks.week_start_date,
        rep_weeks.month_start_date,
        rep_weeks.quota_bookings,
        rep_weeks.plan_bookings,
        rep_weeks.actual_bookings
    from rep_weeks
    left join users
        on rep_weeks.rep_id = users.user_id

),

team_rows as (

    select
        'team' as target_level,
        team as member_key,
        team,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        week_start_date,
        month_start_date,
        sum(quota_bookings) as quota_bookings,
        sum(plan_bookings) as plan_bookings,
        sum(actual_bookings) as actual_bookings
    from rep_rows
    group by team, week_start_date, month_start_date

),

rep_totals as (

    select
        week_start_date,
        month_start_date,
        sum(quota_bookings) as quota_bookings,
        sum(actual_bookings) as actual_bookings
    from rep_rows
    group by week_start_date, month_start_date

),

company_plan as (

    select
        month_weeks.week_start_date,
        month_weeks.month_start_date,
        cast(revenue_plan.plan_bookings_reporting as double) * month_weeks.split_days
        / month_weeks.month_split_days as plan_bookings
    from revenue_plan
    inner join month_weeks
        on revenue_plan.month_start_date = month_weeks.month_start_date

),

company_rows as (

    select
        'company' as target_level,
        'All' as member_key,
        cast(null as {{ dbt.type_string() }}) as team,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        coalesce(company_plan.week_start_date, rep_totals.week_start_date) as week_start_date,
        coalesce(company_plan.month_start_date, rep_totals.month_start_date) as month_start_date,
        rep_totals.quota_bookings,
        company_plan.plan_bookings,
        coalesce(rep_totals.actual_bookings, 0) as actual_bookings
    from company_plan
    full outer join rep_totals
        on
            company_plan.week_start_date = rep_totals.week_start_date
            and company_plan.month_start_date = rep_totals.month_start_date

),

unioned as (

    select * from company_rows
    union all
    select * from team_rows
    union all
    select * from rep_rows

),

final as (

    select
        -- keys
        cast(target_level as {{ dbt.type_string() }}) as target_level,
        cast(member_key as {{ dbt.type_string() }}) as member_key,

        -- strings
        cast(team as {{ dbt.type_string() }}) as team,
        cast(rep_id as {{ dbt.type_string() }}) as rep_id,

        -- dates
        week_start_date,
        month_start_date,

        -- numerics
        cast(quota_bookings as double) as quota_bookings,
        cast(plan_bookings as double) as plan_bookings,
        cast(actual_bookings as {{ dbt.type_numeric() }}) as actual_bookings

    from unioned

)

select * from final
