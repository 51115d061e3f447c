{#- Rep x ISO week (Monday start, dim_date.week_start_date) comparison: each rep's bookings,
    pipeline created, sales activities and win rate this week against last week and the same week
    a year earlier (52 weeks before: the same weekday span), with the change (this - that) and the
    ratio (this / that), and the rep's rank among the week's peers: quota-carrying reps active in
    the week (a quota > 0 in the week's month, an activity, or an opportunity closed in the week;
    macro is_rep_active_in_month). Rows: every quota-carrying rep for every week from the first
    data week to the week of as_of_date, plus any other owner (or '(unassigned)') in a week where
    they created or closed an opportunity or logged an activity. Everything up to as_of_date; a
    comparison week before the first data week is NULL, never 0. -#}
with

reps as (

    select * from {{ ref('dim_rep') }}

),

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

activities as (

    select * from {{ ref('int_activities_classified') }}

),

quotas as (

    select * from {{ ref('int_rep_quotas_monthly') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

as_of as (

    select calendar.date_day as as_of_date
    from calendar
    where calendar.date_day = {{ as_of_date() }}

),

rep_events as (

    -- one row per closed opportunity (on its close date), created opportunity (on its created
    -- date) and activity (on its activity date), with what it adds to the rep's week
    select
        coalesce(owner_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        close_date as event_date,
        case when is_won and is_bookings then amount_reporting else 0 end as bookings_amount,
        case when is_won and is_bookings then 1 else 0 end as bookings_won_count,
        case when is_won then 1 else 0 end as won_count,
        case when is_lost then 1 else 0 end as lost_count,
        0 as opportunities_created,
        0 as pipeline_created_amount,
        0 as activity_count,
        0 as sales_activities
    from opportunities
    where is_closed

    union all

    select
        coalesce(owner_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        created_date as event_date,
        0 as bookings_amount,
        0 as bookings_won_count,
        0 as won_count,
        0 as lost_count,
        1 as opportunities_created,
        amount_reporting as pipeline_created_amount,
        0 as activity_count,
        0 as sales_activities
    from opportunities

    union all

    select
        coalesce(rep_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        activity_date as event_date,
        0 as bookings_amount,
        0 as bookings_won_count,
        0 as won_count,
        0 as lost_count,
        0 as opportunities_created,
        0 as pipeline_created_amount,
        1 as activity_count,
        case when is_sales_activity then 1 else 0 end as sales_activities
    from activities

),

rep_weeks as (

    select
        rep_events.rep_id,
        calendar.week_start_date,
        sum(rep_events.bookings_amount) as bookings_amount,
        sum(rep_events.bookings_won_count) as bookings_won_count,
        sum(rep_events.won_count) as won_count,
        sum(rep_events.lost_count) as lost_count,
        sum(rep_events.opportunities_created) as opportunities_created,
        sum(rep_events.pipeline_created_amount) as pipeline_created_amount,
        sum(rep_events.activity_count) as activity_count,
        sum(rep_events.sales_activities) as sales_activities
    from rep_events
    inner join calendar
        on rep_events.event_date = calendar.date_day
    cross join as_of
    where rep_events.event_date <= as_of.as_of_date
    group by rep_events.rep_id, calendar.week_start_date

),

first_data_week as (

    select min(week_start_date) as first_week_start_date
    from rep_weeks

),

weeks as (

    {{ periods_through_as_of(
        'calendar', 'week_start_date', 'select first_data_week.first_week_start_date from first_data_week'
    ) }}

),

grid as (

    select
        reps.rep_id,
        weeks.week_start_date
    from reps
    cross join weeks
    where reps.is_quota_carrying

    union

    select
        rep_id,
        week_start_date
    from rep_weeks

),

measured as (

    select
        grid.rep_id,
        grid.week_start_date,
        reps.rep_label,
        reps.team,
        reps.region,
        reps.manager_id,
        coalesce(reps.is_quota_carrying, false) as is_quota_carrying,
        coalesce(rep_weeks.bookings_amount, 0) as bookings_amount,
        coalesce(rep_weeks.bookings_won_count, 0) as bookings_won_count,
        coalesce(rep_weeks.won_count, 0) as won_count,
        coalesce(rep_weeks.lost_count, 0) as lost_count,
        {{ win_rate('coalesce(rep_weeks.won_count, 0)', 'coalesce(rep_weeks.lost_count, 0)') }} as win_rate,
        coalesce(rep_weeks.opportunities_created, 0) as opportunities_created,
        coalesce(rep_weeks.pipeline_created_amount, 0) as pipeline_created_amount,
        coalesce(rep_weeks.activity_count, 0) as activity_count,
        coalesce(rep_weeks.sales_activities, 0) as sales_activities,
        coalesce(reps.is_quota_carrying, false)
        and {{ is_rep_active_in_month(
            'quotas.quota_amount_reporting',
            'coalesce(rep_weeks.activity_count, 0)',
            'coalesce(rep_weeks.won_count, 0) + coalesce(rep_weeks.lost_count, 0)'
        ) }} as is_peer
    from grid
    left join reps
        on grid.rep_id = reps.rep_id
    left join rep_weeks
        on
            grid.rep_id = rep_weeks.rep_id
            and grid.week_start_date = rep_weeks.week_start_date
    left join quotas
        on
            grid.rep_id = quotas.rep_id
            and cast({{ dbt.date_trunc('month', 'grid.week_start_date') }} as date) = quotas.month_start_date

),

prior_weeks as (

    select
        measured.*,
        cast({{ dbt.dateadd('day', -7, 'measured.week_start_date') }} as date) as last_week_start_date,
        cast({{ dbt.dateadd('day', -364, 'measured.week_start_date') }} as date) as last_year_start_date,
        {{ dbt.dateadd('day', -7, 'measured.week_start_date') }} >= first_data_week.first_week_start_date
            as has_last_week,
        {{ dbt.dateadd('day', -364, 'measured.week_start_date') }} >= first_data_week.first_week_start_date
            as has_last_year
    from measured
    cross join first_data_week

),

compared as (

    {{ rep_period_comparison('prior_weeks', 'measured', 'week', 'week_start_date') }}

),

ranked as (

    select
        *,
        {{ rep_peer_ranks('week_start_date') }}
    from compared

),

final as (

    select
        -- ids
        rep_id,
        manager_id,

        -- strings
        rep_label,
        team,
        region,

        -- numerics: this week
        cast(bookings_won_count as bigint) as bookings_won_count,
        cast(won_count as bigint) as won_count,
        cast(lost_count as bigint) as lost_count,
        cast(opportunities_created as bigint) as opportunities_created,
        cast(activity_count as bigint) as activity_count,
        cast(peer_reps as bigint) as peer_reps,

        -- numerics: each metric this week, last week, the same week last year, change, ratio, rank
        cast(bookings_amount as decimal(38, 6)) as bookings_amount,
        {{ period_comparison_columns('bookings_amount', 'week', 'decimal(38, 6)') }},
        cast(pipeline_created_amount as decimal(38, 6)) as pipeline_created_amount,
        {{ period_comparison_columns('pipeline_created_amount', 'week', 'decimal(38, 6)') }},
        cast(sales_activities as bigint) as sales_activities,
        {{ period_comparison_columns('sales_activities', 'week', 'bigint') }},
        cast(win_rate as double) as win_rate,
        {{ period_comparison_columns('win_rate', 'week', 'double') }},

        -- booleans
        is_quota_carrying,
        is_peer,
        cast({{ is_complete_week('week_start_date') }} as boolean) as is_complete_week,

        -- dates
        cast(week_start_date as date) as week_start_date,
        cast({{ dbt.dateadd('day', 6, 'week_start_date') }} as date) as week_end_date

    from ranked

)

select * from final
