{#- Rep x month scorecard (calendar months carrying their fiscal year / quarter / month from
    dim_date), in the reporting currency. Rows: every quota-carrying rep for every month from the
    first data month to the as_of month (zeros and NULL ratios where nothing happened), plus any
    other owner (or '(unassigned)') in a month where they created or closed an opportunity, logged
    an activity or hold a quota, so bookings and activities reconcile to the facts. Opportunities
    count in the month of their close date (win rate) and in the month of their created date
    (cohort win rate, pipeline created), activities in the month of their activity date, all up to
    as_of_date. Selling time share divides by the rep's available hours: working days of the month
    up to as_of_date x var selling_hours_per_day. Required activity is computed for the as_of month
    only. Per-rep comparison: bookings, pipeline created, sales activities and win rate against
    last month and the same month last year (NULL before the first data month), change and ratio,
    and the rank among the month's peers (quota-carrying reps active in the month). Fiscal
    quarter and year attainment: bookings from the period's first month to this one / the whole
    period's quota. It reads the published facts fct_opportunities and fct_activities, the rows
    the semantic layer's metrics aggregate (models/semantic), so both count the same deals and
    activities. -#}
with

reps as (

    select * from {{ ref('dim_rep') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

activities as (

    select * from {{ ref('fct_activities') }}

),

quotas as (

    select * from {{ ref('int_rep_quotas_monthly') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

as_of as (

    select
        {{ as_of_date() }} as as_of_date,
        cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as as_of_month_start_date

),

window_bounds as (

    select
        as_of_date,
        as_of_month_start_date,
        cast(
            {{ dbt.dateadd('month', -1 * var('required_activity_window_months'), 'as_of_month_start_date') }}
            as date
        ) as window_start_date
    from as_of

),

first_data_month as (

    select min(month_start_date) as first_month_start_date
    from (
        select cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start_date
        from opportunities
        union all
        select activity_month_start_date as month_start_date
        from activities
    ) as data_months

),

months as (

    select
        calendar.month_start_date,
        calendar.month_end_date,
        calendar.fiscal_year,
        calendar.fiscal_quarter,
        calendar.fiscal_month,
        calendar.fiscal_period_label,
        calendar.month_start_date = as_of.as_of_month_start_date as is_current_period
    from calendar
    cross join as_of
    cross join first_data_month
    where
        calendar.date_day = calendar.month_start_date
        and calendar.month_start_date >= first_data_month.first_month_start_date
        and calendar.month_start_date <= as_of.as_of_month_start_date

),

closed_opportunities as (

    select
        coalesce(opportunities.owner_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as month_start_date,
        opportunities.opportunity_type,
        opportunities.is_won,
        opportunities.is_lost,
        opportunities.is_bookings,
        opportunities.amount_reporting,
        opportunities.cycle_days
    from opportunities
    cross join as_of
    where
        opportunities.is_closed
        and opportunities.close_date <= as_of.as_of_date

),

working_days as (

    select
        calendar.month_start_date,
        sum(case when calendar.is_working_day then 1 else 0 end) as working_days
    from calendar
    cross join as_of
    where calendar.date_day <= as_of.as_of_date
    group by calendar.month_start_date

),

created_opportunities as (

    select
        coalesce(opportunities.owner_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        cast({{ dbt.date_trunc('month', 'opportunities.created_date') }} as date) as month_start_date,
        opportunities.amount_reporting,
        {{ is_won_by('opportunities.is_won', 'opportunities.close_date', 'as_of.as_of_date') }} as is_won_so_far,
        {{ is_open_at('opportunities.is_closed', 'opportunities.close_date', 'as_of.as_of_date') }}
            as is_still_open
    from opportunities
    cross join as_of
    where opportunities.created_date <= as_of.as_of_date

),

created_months as (

    select
        rep_id,
        month_start_date,
        count(*) as opportunities_created,
        sum(amount_reporting) as pipeline_created_amount,
        sum(case when is_won_so_far then 1 else 0 end) as cohort_won_count,
        sum(case when is_still_open then 1 else 0 end) as cohort_open_count
    from created_opportunities
    group by rep_id, month_start_date

),

opportunity_months as (

    select
        rep_id,
        month_start_date,
        sum(case when is_won and is_bookings then amount_reporting else 0 end) as bookings_amount,
        sum(case when is_won and is_bookings then 1 else 0 end) as bookings_won_count,
        sum(case when is_won and opportunity_type = 'Renewal' then amount_reporting else 0 end)
            as renewal_bookings_amount,
        sum(case when is_won and opportunity_type = 'Renewal' then 1 else 0 end) as renewal_won_count,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_lost then 1 else 0 end) as lost_count,
        sum(case when is_won then amount_reporting else 0 end) as won_amount,
        sum(case when is_lost then amount_reporting else 0 end) as lost_amount,
        avg(case when is_won then cycle_days end) as won_cycle_days_mean,
        percentile_cont(0.5) within group (order by case when is_won then cycle_days end)
            as won_cycle_days_median,
        avg(case when is_lost then cycle_days end) as lost_cycle_days_mean,
        percentile_cont(0.5) within group (order by case when is_lost then cycle_days end)
            as lost_cycle_days_median
    from closed_opportunities
    group by rep_id, month_start_date

),

activity_months as (

    select
        coalesce(activities.rep_id, '{{ var("unassigned_rep_id") }}') as rep_id,
        activities.activity_month_start_date as month_start_date,
        count(*) as activity_count,
        sum(case when activities.activity_category = 'call' then 1 else 0 end) as calls,
        sum(case when activities.activity_category = 'email' then 1 else 0 end) as emails,
        sum(case when activities.activity_category = 'meeting' then 1 else 0 end) as meetings,
        sum(case when activities.activity_category = 'demo' then 1 else 0 end) as demos,
        sum(case when activities.is_sales_activity then 1 else 0 end) as sales_activities,
        sum(case when activities.is_customer_facing then 1 else 0 end) as customer_facing_activities,
        sum(case when activities.is_customer_facing then coalesce(activities.duration_seconds, 0) else 0 end)
            as customer_facing_duration_seconds,
        sum(coalesce(activities.duration_seconds, 0)) as logged_duration_seconds
    from activities
    cross join as_of
    where activities.activity_date <= as_of.as_of_date
    group by
        coalesce(activities.rep_id, '{{ var("unassigned_rep_id") }}'),
        activities.activity_month_start_date

),

quota_periods as (

    select
        quotas.rep_id,
        calendar.fiscal_year,
        calendar.fiscal_quarter,
        quotas.quota_amount_reporting as quota_amount
    from quotas
    inner join calendar
        on quotas.month_start_date = calendar.date_day

),

quarter_quotas as (

    select
        rep_id,
        fiscal_year,
        fiscal_quarter,
        sum(quota_amount) as quota_amount
    from quota_periods
    group by rep_id, fiscal_year, fiscal_quarter

),

year_quotas as (

    select
        rep_id,
        fiscal_year,
        sum(quota_amount) as quota_amount
    from quota_periods
    group by rep_id, fiscal_year

),

trailing_bookings as (

    select
        closed_opportunities.rep_id,
        sum(closed_opportunities.amount_reporting) as trailing_bookings_amount,
        count(*) as trailing_bookings_won_count
    from closed_opportunities
    cross join window_bounds
    where
        closed_opportunities.is_won
        and closed_opportunities.is_bookings
        and closed_opportunities.month_start_date >= window_bounds.window_start_date
        and closed_opportunities.month_start_date < window_bounds.as_of_month_start_date
    group by closed_opportunities.rep_id

),

trailing_activities as (

    select
        activity_months.rep_id,
        sum(activity_months.sales_activities) as trailing_sales_activities
    from activity_months
    cross join window_bounds
    where
        activity_months.month_start_date >= window_bounds.window_start_date
        and activity_months.month_start_date < window_bounds.as_of_month_start_date
    group by activity_months.rep_id

),

grid as (

    select
        reps.rep_id,
        months.month_start_date
    from reps
    cross join months
    where reps.is_quota_carrying

    union

    select
        rep_id,
        month_start_date
    from opportunity_months

    union

    select
        rep_id,
        month_start_date
    from created_months

    union

    select
        rep_id,
        month_start_date
    from activity_months

    union

    select
        rep_id,
        month_start_date
    from quotas

),

measured as (

    select
        grid.rep_id,
        months.month_start_date,
        months.month_end_date,
        months.fiscal_year,
        months.fiscal_quarter,
        months.fiscal_month,
        months.fiscal_period_label,
        months.is_current_period,
        reps.manager_id,
        reps.rep_label,
        reps.team,
        reps.region,
        reps.role,
        coalesce(reps.is_quota_carrying, false) as is_quota_carrying,
        coalesce(opportunity_months.bookings_amount, 0) as bookings_amount,
        coalesce(opportunity_months.bookings_won_count, 0) as bookings_won_count,
        coalesce(opportunity_months.renewal_bookings_amount, 0) as renewal_bookings_amount,
        coalesce(opportunity_months.renewal_won_count, 0) as renewal_won_count,
        coalesce(opportunity_months.won_count, 0) as won_count,
        coalesce(opportunity_months.lost_count, 0) as lost_count,
        coalesce(opportunity_months.won_amount, 0) as won_amount,
        coalesce(opportunity_months.lost_amount, 0) as lost_amount,
        opportunity_months.won_cycle_days_mean,
        opportunity_months.won_cycle_days_median,
        opportunity_months.lost_cycle_days_mean,
        opportunity_months.lost_cycle_days_median,
        coalesce(created_months.opportunities_created, 0) as opportunities_created,
        coalesce(created_months.pipeline_created_amount, 0) as pipeline_created_amount,
        coalesce(created_months.cohort_won_count, 0) as cohort_won_count,
        coalesce(created_months.cohort_open_count, 0) as cohort_open_count,
        coalesce(activity_months.activity_count, 0) as activity_count,
        coalesce(activity_months.calls, 0) as calls,
        coalesce(activity_months.emails, 0) as emails,
        coalesce(activity_months.meetings, 0) as meetings,
        coalesce(activity_months.demos, 0) as demos,
        coalesce(activity_months.sales_activities, 0) as sales_activities,
        coalesce(activity_months.customer_facing_activities, 0) as customer_facing_activities,
        coalesce(activity_months.customer_facing_duration_seconds, 0) as customer_facing_duration_seconds,
        coalesce(activity_months.logged_duration_seconds, 0) as logged_duration_seconds,
        case when reps.rep_id is not null then coalesce(working_days.working_days, 0) end as working_days,
        quotas.quota_amount_reporting as quota_amount,
        case when months.is_current_period then trailing_bookings.trailing_bookings_amount end
            as trailing_bookings_amount,
        case when months.is_current_period then coalesce(trailing_bookings.trailing_bookings_won_count, 0) end
            as trailing_bookings_won_count,
        case when months.is_current_period then coalesce(trailing_activities.trailing_sales_activities, 0) end
            as trailing_sales_activities
    from grid
    inner join months
        on grid.month_start_date = months.month_start_date
    left join reps
        on grid.rep_id = reps.rep_id
    left join opportunity_months
        on
            grid.rep_id = opportunity_months.rep_id
            and grid.month_start_date = opportunity_months.month_start_date
    left join created_months
        on
            grid.rep_id = created_months.rep_id
            and grid.month_start_date = created_months.month_start_date
    left join activity_months
        on
            grid.rep_id = activity_months.rep_id
            and grid.month_start_date = activity_months.month_start_date
    left join working_days
        on grid.month_start_date = working_days.month_start_date
    left join quotas
        on
            grid.rep_id = quotas.rep_id
            and grid.month_start_date = quotas.month_start_date
    left join trailing_bookings
        on grid.rep_id = trailing_bookings.rep_id
    left join trailing_activities
        on grid.rep_id = trailing_activities.rep_id

),

ratios as (

    select
        *,
        {{ safe_divide('bookings_amount', 'bookings_won_count') }} as avg_deal_size,
        {{ safe_divide('renewal_bookings_amount', 'renewal_won_count') }} as renewal_avg_deal_size,
        {{ win_rate('won_count', 'lost_count') }} as win_rate,
        {{ win_rate('won_amount', 'lost_amount') }} as win_rate_amount,
        {{ cohort_share('cohort_won_count', 'opportunities_created') }} as cohort_win_rate,
        {{ cohort_share('cohort_open_count', 'opportunities_created') }} as cohort_open_share,
        {{ available_selling_hours('working_days') }} as available_selling_hours,
        {{ selling_time_share('customer_facing_duration_seconds', available_selling_hours('working_days')) }}
            as selling_time_share,
        {{ safe_divide('bookings_amount', 'quota_amount') }} as attainment,
        case when is_current_period then {{ quota_remaining('quota_amount', 'bookings_amount') }} end
            as quota_remaining_amount,
        {{ safe_divide('trailing_bookings_amount', 'trailing_bookings_won_count') }} as trailing_avg_deal_size,
        {{ safe_divide('trailing_sales_activities', 'trailing_bookings_won_count') }}
            as trailing_activities_per_won_deal,
        {{ is_rep_active_in_month('quota_amount', 'activity_count', 'won_count + lost_count') }}
            as is_active_in_month
    from measured

),

required as (

    select
        *,
        {{ safe_divide('quota_remaining_amount', 'trailing_avg_deal_size') }} as deals_needed
    from ratios

),

prior_months as (

    select
        required.*,
        required.is_quota_carrying and required.is_active_in_month as is_peer,
        cast({{ dbt.dateadd('month', -1, 'required.month_start_date') }} as date) as last_month_start_date,
        cast({{ dbt.dateadd('month', -12, 'required.month_start_date') }} as date) as last_year_start_date,
        {{ dbt.dateadd('month', -1, 'required.month_start_date') }} >= first_data_month.first_month_start_date
            as has_last_month,
        {{ dbt.dateadd('month', -12, 'required.month_start_date') }} >= first_data_month.first_month_start_date
            as has_last_year
    from required
    cross join first_data_month

),

compared as (

    {{ rep_period_comparison('prior_months', 'required', 'month', 'month_start_date') }}

),

ranked as (

    select
        *,
        {{ rep_peer_ranks('month_start_date') }},
        sum(bookings_amount) over (
            partition by rep_id, fiscal_year, fiscal_quarter
            order by month_start_date
            rows between unbounded preceding and current row
        ) as fiscal_quarter_bookings_amount,
        sum(bookings_amount) over (
            partition by rep_id, fiscal_year
            order by month_start_date
            rows between unbounded preceding and current row
        ) as fiscal_year_bookings_amount
    from compared

),

with_period_quotas as (

    select
        ranked.*,
        quarter_quotas.quota_amount as fiscal_quarter_quota_amount,
        year_quotas.quota_amount as fiscal_year_quota_amount
    from ranked
    left join quarter_quotas
        on
            ranked.rep_id = quarter_quotas.rep_id
            and ranked.fiscal_year = quarter_quotas.fiscal_year
            and ranked.fiscal_quarter = quarter_quotas.fiscal_quarter
    left join year_quotas
        on
            ranked.rep_id = year_quotas.rep_id
            and ranked.fiscal_year = year_quotas.fiscal_year

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
        role,
        fiscal_period_label,

        -- numerics: calendar
        fiscal_year,
        fiscal_quarter,
        fiscal_month,

        -- numerics: deals
        cast(bookings_amount as decimal(38, 6)) as bookings_amount,
        cast(bookings_won_count as integer) as bookings_won_count,
        cast(avg_deal_size as decimal(38, 6)) as avg_deal_size,
        cast(renewal_bookings_amount as decimal(38, 6)) as renewal_bookings_amount,
        cast(renewal_won_count as integer) as renewal_won_count,
        cast(renewal_avg_deal_size as decimal(38, 6)) as renewal_avg_deal_size,
        cast(won_count as integer) as won_count,
        cast(lost_count as integer) as lost_count,
        cast(won_amount as decimal(38, 6)) as won_amount,
        cast(lost_amount as decimal(38, 6)) as lost_amount,
        cast(win_rate as double) as win_rate,
        cast(win_rate_amount as double) as win_rate_amount,
        cast(won_cycle_days_mean as double) as won_cycle_days_mean,
        cast(won_cycle_days_median as double) as won_cycle_days_median,
        cast(lost_cycle_days_mean as double) as lost_cycle_days_mean,
        cast(lost_cycle_days_median as double) as lost_cycle_days_median,

        -- numerics: cohort of the opportunities created in the month
        cast(opportunities_created as bigint) as opportunities_created,
        cast(pipeline_created_amount as decimal(38, 6)) as pipeline_created_amount,
        cast(cohort_won_count as bigint) as cohort_won_count,
        cast(cohort_open_count as bigint) as cohort_open_count,
        cast(cohort_win_rate as double) as cohort_win_rate,
        cast(cohort_open_share as double) as cohort_open_share,

        -- numerics: activities
        cast(activity_count as integer) as activity_count,
        cast(calls as integer) as calls,
        cast(emails as integer) as emails,
        cast(meetings as integer) as meetings,
        cast(demos as integer) as demos,
        cast(sales_activities as integer) as sales_activities,
        cast(customer_facing_activities as integer) as customer_facing_activities,
        cast(customer_facing_duration_seconds as bigint) as customer_facing_duration_seconds,
        cast(logged_duration_seconds as bigint) as logged_duration_seconds,
        cast(working_days as bigint) as working_days,
        cast(available_selling_hours as double) as available_selling_hours,
        cast(selling_time_share as double) as selling_time_share,

        -- numerics: quota and required activity
        cast(quota_amount as decimal(38, 6)) as quota_amount,
        cast(attainment as double) as attainment,
        cast(quota_remaining_amount as decimal(38, 6)) as quota_remaining_amount,
        cast(trailing_avg_deal_size as decimal(38, 6)) as trailing_avg_deal_size,
        cast(trailing_activities_per_won_deal as double) as trailing_activities_per_won_deal,
        cast(deals_needed as double) as deals_needed,
        cast(deals_needed * trailing_activities_per_won_deal as double) as activities_needed,

        -- numerics: quarter and fiscal year attainment (bookings to the month / the period's quota)
        cast(fiscal_quarter_bookings_amount as decimal(38, 6)) as fiscal_quarter_bookings_amount,
        cast(fiscal_quarter_quota_amount as decimal(38, 6)) as fiscal_quarter_quota_amount,
        cast({{ safe_divide('fiscal_quarter_bookings_amount', 'fiscal_quarter_quota_amount') }} as double)
            as fiscal_quarter_attainment,
        cast(fiscal_year_bookings_amount as decimal(38, 6)) as fiscal_year_bookings_amount,
        cast(fiscal_year_quota_amount as decimal(38, 6)) as fiscal_year_quota_amount,
        cast({{ safe_divide('fiscal_year_bookings_amount', 'fiscal_year_quota_amount') }} as double)
            as fiscal_year_attainment,

        -- numerics: comparison with last month and the same month last year, rank among peers
        cast(peer_reps as bigint) as peer_reps,
        {{ period_comparison_columns('bookings_amount', 'month', 'decimal(38, 6)') }},
        {{ period_comparison_columns('pipeline_created_amount', 'month', 'decimal(38, 6)') }},
        {{ period_comparison_columns('sales_activities', 'month', 'bigint') }},
        {{ period_comparison_columns('win_rate', 'month', 'double') }},

        -- booleans
        is_quota_carrying,
        is_active_in_month,
        is_peer,
        {{ is_attainment_met('attainment') }} as is_attainment_met,
        is_current_period,

        -- dates
        month_start_date,
        month_end_date

    from with_period_quotas

)

select * from final
