{#- Open pipeline per day x stage x rep (owner), over the last var pipeline_daily_window_days
    (default 400) days up to as_of_date: the full daily history stays in int_pipeline_daily_state.
    Weighted by int_pipeline_daily_weighted at the close-month rate of the stage; the reached-stage
    rate is published beside it. -#}
{%- set window_days = var('pipeline_daily_window_days', 400) | int -%}
with

pipeline as (

    select * from {{ ref('int_pipeline_daily_weighted') }}

),

windowed as (

    select *
    from pipeline
    where date_day > cast({{ dbt.dateadd('day', -1 * window_days, as_of_date()) }} as date)

),

final as (

    select
        -- dates
        date_day,

        -- ids
        owner_id,

        -- strings
        stage_name,

        -- numerics
        max(stage_order) as stage_order,
        cast(max(stage_win_rate) as double) as stage_win_rate,
        cast(max(close_month_stage_win_rate) as double) as close_month_stage_win_rate,
        cast(count(*) as integer) as open_count,
        cast(sum(amount_reporting) as decimal(38, 6)) as open_amount,
        cast(sum(weighted_amount_reporting) as decimal(38, 6)) as weighted_amount,
        cast(sum(crm_weighted_amount_reporting) as decimal(38, 6)) as crm_weighted_amount,
        cast(sum(case when is_bookings then amount_reporting else 0 end) as decimal(38, 6)) as open_bookings_amount

    from windowed
    group by date_day, owner_id, stage_name

)

select * from final
