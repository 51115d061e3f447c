{#- The daily open pipeline (int_pipeline_daily_state) weighted by the historical win rate of its
    stage for deals still open in that stage at the start of their close month, the rate of the
    month of the day (int_stage_win_rates_monthly.close_month_stage_win_rate; METRICS.md "weighted
    pipeline"). The reached-stage rate is carried beside it for reference, never to weight. A stage
    without a rate contributes nothing. A view: the state is the table, this only joins a small
    rate table to it. -#}
{{ config(materialized='view') }}
with

pipeline as (

    select * from {{ ref('int_pipeline_daily_state') }}

),

win_rates as (

    select * from {{ ref('int_stage_win_rates_monthly') }}

),

final as (

    select
        -- ids
        pipeline.opportunity_id,
        pipeline.owner_id,

        -- strings
        pipeline.stage_name,
        pipeline.stage_category,
        pipeline.opportunity_type,
        pipeline.forecast_category,
        pipeline.currency_code,

        -- numerics
        pipeline.stage_order,
        pipeline.probability_pct,
        pipeline.amount,
        pipeline.amount_reporting,
        win_rates.stage_win_rate,
        win_rates.close_month_stage_win_rate,
        pipeline.amount_reporting * win_rates.close_month_stage_win_rate as weighted_amount_reporting,
        pipeline.crm_weighted_amount_reporting,

        -- booleans
        pipeline.is_bookings,

        -- dates
        pipeline.date_day,
        pipeline.close_date,
        pipeline.created_date,
        pipeline.landed_date

    from pipeline
    left join win_rates
        on
            win_rates.month_start_date = cast({{ dbt.date_trunc('month', 'pipeline.date_day') }} as date)
            and pipeline.stage_name = win_rates.stage_name

)

select * from final
