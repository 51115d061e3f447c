{#- The historical win rate of each open stage, per month m: among the opportunities closed in the
    trailing 4 quarters before m (close_date in [m - 12 months, m)), the share of those that
    reached the stage that were won. "Reached" = entered that stage or a later open stage (stage
    history), or was won (a won deal passed every stage). Only information closed before m is
    used, so the rate of a past month is what a forecast made then could have known. -#}
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
        {{ safe_divide('counted.opportunities_won', 'counted.opportunities_reached') }} as stage_win_rate

    from months
    cross join open_stages
    left join counted
        on
            months.month_start_date = counted.month_start_date
            and open_stages.stage_name = counted.stage_name

)

select * from final
