{#- The daily open pipeline (int_pipeline_daily_state) weighted by the historical win rate of its
    stage for the month of the day (int_stage_win_rates_monthly), conditioned on whether the deal
    is in (or past) its close month on that day: then the rate of deals still open in that stage at
    the start of their close month, else the rate of deals that reached the stage. A stage without
    the rate it needs contributes nothing (METRICS.md "weighted pipeline"). A view: the state is
    the table, this only joins a small rate table to it. -#}
{{ config(materialized='view') }}
with

pipeline as (

    select * from {{ ref('int_pipeline_daily_state') }}

),

win_rates as (

    select * from {{ ref('int_stage_win_rates_monthly') }}

),

classified as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        close_date < cast({{ dbt.dateadd('month', 1, dbt.date_trunc('month', 'date_day')) }} as date)
            as is_in_close_month
    from pipeline

),

final as (

    select
        -- ids
        classified.opportunity_id,
        classified.owner_id,

        -- strings
        classified.stage_name,
        classified.stage_category,
        classified.opportunity_type,
        classified.forecast_category,
        classified.currency_code,

        -- numerics
        classified.stage_order,
        classified.probability_pct,
        classified.amount,
        classified.amount_reporting,
        win_rates.stage_win_rate,
        win_rates.close_month_stage_win_rate,
        case
            when classified.is_in_close_month then win_rates.close_month_stage_win_rate
            else win_rates.stage_win_rate
        end as applied_win_rate,
        classified.amount_reporting * case
            when classified.is_in_close_month then win_rates.close_month_stage_win_rate
            else win_rates.stage_win_rate
        end as weighted_amount_reporting,
        classified.crm_weighted_amount_reporting,

        -- booleans
        classified.is_bookings,
        coalesce(classified.is_in_close_month, false) as is_in_close_month,

        -- dates
        classified.date_day,
        classified.close_date,
        classified.created_date,
        classified.landed_date

    from classified
    left join win_rates
        on
            classified.month_start_date = win_rates.month_start_date
            and classified.stage_name = win_rates.stage_name

)

select * from final
