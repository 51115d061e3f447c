{#- The historical win rates of each open stage, per month m, two of them (METRICS.md "weighted
    pipeline"), each from the trailing 4 quarters before m and only what was known before m, so the
    rate of a past month is what a forecast made then could have known:
    - stage_win_rate (reached stage, published for reference): among the opportunities closed in
      [m - 12 months, m), the share of those that reached the stage that were won. "Reached" =
      entered that stage or a later open stage (stage history), or was won (a won deal passed
      every stage);
    - close_month_stage_win_rate (weights the pipeline, int_pipeline_daily_weighted): among the
      opportunities open in the stage at the end of the first day of a month M in [m - 12 months,
      m) with a close date (as of that day) in M, the share won before m. A deal pushed from
      month to month counts once per month it started open in its close month. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

stage_history as (

    select * from {{ ref('int_opportunity_stage_history') }}

),

stage_mapping as (

    select * from {{ ref('stage_mapping') }}

),

calendar as (

    select * from {{ ref('int_calendar') }}

),

pipeline as (

    select * from {{ ref('int_pipeline_daily_state') }}

),

open_stages as (

    select
        stage_name,
        cast(stage_order as integer) as stage_order
    from stage_mapping
    where stage_category = 'open'

),

months as (

    select distinct
        calendar.month_start_date,
        cast({{ dbt.dateadd('month', -1 * var('stage_win_rate_window_months'), 'calendar.month_start_date') }} as date)
            as window_start_date
    from calendar
    where
        calendar.date_day >= (select min(opportunities.created_date) from opportunities)
        and calendar.date_day <= {{ as_of_date() }}

),

furthest_stage as (

    select
        opportunity_id,
        max(stage_order) as furthest_open_stage_order
    from stage_history
    where stage_category = 'open'
    group by opportunity_id

),

closed_opportunities as (

    select
        opportunities.opportunity_id,
        opportunities.close_date,
        opportunities.is_won,
        furthest_stage.furthest_open_stage_order
    from opportunities
    left join furthest_stage
        on opportunities.opportunity_id = furthest_stage.opportunity_id
    where opportunities.is_closed

),

reached as (

    select
        months.month_start_date,
        open_stages.stage_name,
        open_stages.stage_order,
        closed_opportunities.opportunity_id,
        closed_opportunities.is_won
    from months
    cross join open_stages
    inner join closed_opportunities
        on
            months.window_start_date <= closed_opportunities.close_date
            and months.month_start_date > closed_opportunities.close_date
            and (
                closed_opportunities.is_won
                or open_stages.stage_order <= closed_opportunities.furthest_open_stage_order
            )

),

close_month_starts as (

    -- open at the end of the first day of the month holding its close date (as of that day)
    select
        opportunity_id,
        stage_name,
        date_day as close_month_start_date
    from pipeline
    where
        extract(day from date_day) = 1
        and cast({{ dbt.date_trunc('month', 'close_date') }} as date) = date_day

),

close_month_counted as (

    select
        months.month_start_date,
        close_month_starts.stage_name,
        count(*) as close_month_opportunities,
        sum(
            case
                when opportunities.is_won and opportunities.close_date < months.month_start_date then 1
                else 0
            end
        ) as close_month_opportunities_won
    from months
    inner join close_month_starts
        on
            months.window_start_date <= close_month_starts.close_month_start_date
            and months.month_start_date > close_month_starts.close_month_start_date
    inner join opportunities
        on close_month_starts.opportunity_id = opportunities.opportunity_id
    group by months.month_start_date, close_month_starts.stage_name

),

counted as (

    select
        month_start_date,
        stage_name,
        count(*) as opportunities_reached,
        sum(case when is_won then 1 else 0 end) as opportunities_won
    from reached
    group by month_start_date, stage_name

),

final as (

    select
        -- dates
        months.month_start_date,

        -- strings
        open_stages.stage_name,

        -- numerics
        open_stages.stage_order,
        cast(coalesce(counted.opportunities_reached, 0) as integer) as opportunities_reached,
        cast(coalesce(counted.opportunities_won, 0) as integer) as opportunities_won,
        {{ safe_divide('counted.opportunities_won', 'counted.opportunities_reached') }} as stage_win_rate,
        cast(coalesce(close_month_counted.close_month_opportunities, 0) as integer) as close_month_opportunities,
        cast(coalesce(close_month_counted.close_month_opportunities_won, 0) as integer)
            as close_month_opportunities_won,
        {{ safe_divide('close_month_counted.close_month_opportunities_won',
            'close_month_counted.close_month_opportunities') }} as close_month_stage_win_rate

    from months
    cross join open_stages
    left join counted
        on
            months.month_start_date = counted.month_start_date
            and open_stages.stage_name = counted.stage_name
    left join close_month_counted
        on
            months.month_start_date = close_month_counted.month_start_date
            and open_stages.stage_name = close_month_counted.stage_name

)

select * from final
