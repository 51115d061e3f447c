{#- One row per opportunity x day on which it was open, from its creation (or the first day of the
    calendar) to as_of_date: the stage it was in at the end of that day (last stage entered on or
    before d), and its amount, close date, probability and forecast category as of d (from the
    opportunity history where present, else the current values). Closed = in a closed stage at the
    end of d; a reopened opportunity is open again from the reopen date. Amounts are converted at
    the created-month rate (the rule for open opportunities, opportunity_fx_date), and weighted by
    the CRM probability. The historical-win-rate weighting is int_pipeline_daily_weighted: the rates
    are learnt from this state on each month's first day (int_stage_win_rates_monthly).
    A table rebuilt by every run that moves as_of_date (an incremental version cost more than the
    whole: 11.0 s against 9.2 s at scale 1, issue 13). Everything that does not depend on the day
    is joined on intervals, and the expansion to days is the last join (see open_spans). -#}
{{ config(materialized='table') }}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

stage_history as (

    select * from {{ ref('int_opportunity_stage_history') }}

),

history as (

    select * from {{ ref('stg_crm__opportunity_history') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

calendar as (

    select * from {{ ref('int_calendar') }}

),

landed as (

    select
        opportunity_id,
        max(landed_date) as landed_date
    from stage_history
    group by opportunity_id

),

stage_events as (

    select
        opportunity_id,
        entered_at as event_at,
        1 as event_kind,
        stage_name,
        stage_order,
        stage_category,
        is_closed_stage,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        cast(null as date) as close_date,
        cast(null as {{ dbt.type_numeric() }}) as probability_pct,
        cast(null as {{ dbt.type_string() }}) as forecast_category
    from stage_history

),

value_events as (

    select
        history.opportunity_id,
        history.changed_at as event_at,
        0 as event_kind,
        cast(null as {{ dbt.type_string() }}) as stage_name,
        cast(null as integer) as stage_order,
        cast(null as {{ dbt.type_string() }}) as stage_category,
        cast(null as boolean) as is_closed_stage,
        cast(history.amount as {{ dbt.type_numeric() }}) as amount,
        history.close_date,
        cast(history.probability_pct as {{ dbt.type_numeric() }}) as probability_pct,
        history.forecast_category
    from history
    inner join opportunities
        on history.opportunity_id = opportunities.opportunity_id

),

events as (

    select * from stage_events
    union all
    select * from value_events

),

filled as (

    {%- set running = "over (partition by opportunity_id order by event_at, event_kind
        rows between unbounded preceding and current row)" %}
    {%- set whole = "over (partition by opportunity_id order by event_at, event_kind
        rows between unbounded preceding and unbounded following)" %}
    select
        opportunity_id,
        event_at,
        event_kind,
        {{ to_company_date('event_at') }} as event_date,
        -- a value change logged before the first stage entry takes the first stage
        coalesce(
            last_value(stage_name ignore nulls) {{ running }},
            first_value(stage_name ignore nulls) {{ whole }}
        ) as stage_name,
        coalesce(
            last_value(stage_order ignore nulls) {{ running }},
            first_value(stage_order ignore nulls) {{ whole }}
        ) as stage_order,
        coalesce(
            last_value(stage_category ignore nulls) {{ running }},
            first_value(stage_category ignore nulls) {{ whole }}
        ) as stage_category,
        coalesce(
            last_value(is_closed_stage ignore nulls) {{ running }},
            first_value(is_closed_stage ignore nulls) {{ whole }}
        ) as is_closed_stage,
        last_value(amount ignore nulls) {{ running }} as amount,
        last_value(close_date ignore nulls) {{ running }} as close_date,
        last_value(probability_pct ignore nulls) {{ running }} as probability_pct,
        last_value(forecast_category ignore nulls) {{ running }} as forecast_category
    from events

),

end_of_day as (

    -- the state at the end of each day on which something changed
    select
        *,
        row_number() over (
            partition by opportunity_id, event_date
            order by event_at desc, event_kind desc
        ) as rank_in_day
    from filled

),

intervals as (

    select
        opportunity_id,
        event_date as valid_from,
        cast({{ dbt.dateadd('day', -1,
            'lead(event_date) over (partition by opportunity_id order by event_date)') }} as date)
            as valid_to,
        stage_name,
        stage_order,
        stage_category,
        is_closed_stage,
        amount,
        close_date,
        probability_pct,
        forecast_category
    from end_of_day
    where rank_in_day = 1

),

open_spans as (

    -- each open interval with the opportunity's values and its conversion, clipped to the days
    -- it was open: from its creation to as_of_date. Everything that does not depend on the day is
    -- joined here, on intervals, so the day expansion below is the last step and streams into
    -- the table: joined after it, DuckDB built hash tables on the millions of expanded rows and
    -- ran out of memory at scale 10 (issue 13).
    select
        intervals.opportunity_id,
        intervals.stage_name,
        intervals.stage_order,
        intervals.stage_category,
        coalesce(intervals.amount, opportunities.amount) as amount,
        coalesce(intervals.close_date, opportunities.close_date) as close_date,
        coalesce(intervals.probability_pct, opportunities.probability_pct) as probability_pct,
        coalesce(intervals.forecast_category, opportunities.forecast_category) as forecast_category,
        opportunities.owner_id,
        opportunities.opportunity_type,
        opportunities.is_bookings,
        opportunities.currency_code,
        opportunities.created_date,
        landed.landed_date,
        case
            when intervals.valid_from > opportunities.created_date then intervals.valid_from
            else opportunities.created_date
        end as first_day,
        case
            when intervals.valid_to is null or intervals.valid_to > {{ as_of_date() }}
                then {{ as_of_date() }}
            else intervals.valid_to
        end as last_day
    from intervals
    inner join opportunities
        on intervals.opportunity_id = opportunities.opportunity_id
    inner join landed
        on intervals.opportunity_id = landed.opportunity_id
    where not intervals.is_closed_stage

),

converted_spans as (

    select
        open_spans.*,
        {{ to_reporting_currency('open_spans.amount', 'fx') }} as amount_reporting
    from open_spans
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'open_spans.currency_code',
            opportunity_fx_date('false', 'open_spans.close_date', 'open_spans.created_date')) }}
    where open_spans.first_day <= open_spans.last_day

),

months as (

    select distinct month_start_date
    from calendar

),

span_months as (

    -- the span with each month it touches: the day expansion below joins the calendar on the
    -- month (a hash join) instead of on the day range alone (a merge join, 25 times slower)
    select
        converted_spans.*,
        months.month_start_date
    from converted_spans
    inner join months
        on
            cast({{ dbt.date_trunc('month', 'converted_spans.first_day') }} as date)
            <= months.month_start_date
            and converted_spans.last_day >= months.month_start_date

),

final as (

    select
        -- ids
        span_months.opportunity_id,
        span_months.owner_id,

        -- strings
        span_months.stage_name,
        span_months.stage_category,
        span_months.opportunity_type,
        span_months.forecast_category,
        span_months.currency_code,

        -- numerics
        span_months.stage_order,
        span_months.probability_pct,
        span_months.amount,
        span_months.amount_reporting,
        span_months.amount_reporting * span_months.probability_pct / 100.0
            as crm_weighted_amount_reporting,

        -- booleans
        span_months.is_bookings,

        -- dates
        calendar.date_day,
        span_months.close_date,
        span_months.created_date,

        -- lineage: the latest landing of the opportunity and of its history rows
        span_months.landed_date

    from span_months
    inner join calendar
        on
            span_months.month_start_date = calendar.month_start_date
            and span_months.first_day <= calendar.date_day
            and span_months.last_day >= calendar.date_day

)

select * from final
