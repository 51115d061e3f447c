{#- The sales forecast per fiscal month x rep (owner), in the reporting currency, on bookings
    (new business + expansion, is_bookings_type) as quotas are:
    - closed-won to date (close date in the month, on or before as_of_date);
    - open pipeline at as_of_date closing in the month (its close date as of as_of_date), weighted
      by the close-month stage win rate (int_pipeline_daily_weighted),
      by the CRM probability, and split by forecast category;
      months that ended before as_of_date have no pipeline (the period is over);
    - forecast = closed-won + weighted pipeline; quota, quota remaining and pipeline coverage;
    - backtest: the forecast as made at the end of the month's first day (closed-won on that day +
      the weighted pipeline open that day with a close date in the month, both as of that day)
      against the month's actual closed-won, for months that have started; for complete months its
      error, bias and absolute percentage error (macros forecast_bias and
      forecast_absolute_percentage_error). -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

pipeline as (

    select * from {{ ref('int_pipeline_daily_weighted') }}

),

rep_quotas as (

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

closed_won as (

    select
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as month_start_date,
        opportunities.owner_id,
        sum(opportunities.amount_reporting) as closed_won_amount,
        sum(
            case
                when extract(day from opportunities.close_date) = 1
                    then opportunities.amount_reporting
                else 0
            end
        ) as closed_won_first_day_amount,
        count(*) as closed_won_count
    from opportunities
    cross join as_of
    where
        opportunities.is_won
        and opportunities.is_bookings
        and opportunities.close_date <= as_of.as_of_date
    group by 1, 2

),

current_pipeline as (

    select
        cast({{ dbt.date_trunc('month', 'pipeline.close_date') }} as date) as month_start_date,
        pipeline.owner_id,
        count(*) as open_pipeline_count,
        sum(pipeline.amount_reporting) as open_pipeline_amount,
        sum(pipeline.weighted_amount_reporting) as weighted_pipeline_amount,
        sum(pipeline.crm_weighted_amount_reporting) as crm_weighted_pipeline_amount,
        sum(case when pipeline.forecast_category = 'Commit' then pipeline.amount_reporting else 0 end)
            as commit_pipeline_amount,
        sum(case when pipeline.forecast_category = 'Best Case' then pipeline.amount_reporting else 0 end)
            as best_case_pipeline_amount
    from pipeline
    cross join as_of
    where
        pipeline.date_day = as_of.as_of_date
        and pipeline.is_bookings
        and pipeline.close_date >= as_of.as_of_month_start_date
    group by 1, 2

),

first_day_pipeline as (

    select
        cast({{ dbt.date_trunc('month', 'pipeline.date_day') }} as date) as month_start_date,
        pipeline.owner_id,
        sum(pipeline.weighted_amount_reporting) as backtest_weighted_pipeline_amount
    from pipeline
    where
        pipeline.date_day = cast({{ dbt.date_trunc('month', 'pipeline.date_day') }} as date)
        and cast({{ dbt.date_trunc('month', 'pipeline.close_date') }} as date) = pipeline.date_day
        and pipeline.is_bookings
    group by 1, 2

),

quotas_converted as (

    select
        month_start_date,
        rep_id as owner_id,
        sum(quota_amount_reporting) as quota_amount
    from rep_quotas
    group by 1, 2

),

keys as (

    select
        month_start_date,
        owner_id
    from closed_won
    union
    select
        month_start_date,
        owner_id
    from current_pipeline
    union
    select
        month_start_date,
        owner_id
    from first_day_pipeline
    union
    select
        month_start_date,
        owner_id
    from quotas_converted

),

joined as (

    select
        keys.month_start_date,
        keys.owner_id,
        as_of.as_of_date,
        keys.month_start_date <= as_of.as_of_date as has_started,
        cast({{ dbt.last_day('keys.month_start_date', 'month') }} as date) <= as_of.as_of_date as is_complete,
        cast(coalesce(closed_won.closed_won_count, 0) as integer) as closed_won_count,
        cast(coalesce(closed_won.closed_won_amount, 0) as decimal(38, 6)) as closed_won_amount,
        cast(coalesce(closed_won.closed_won_first_day_amount, 0) as decimal(38, 6))
            as closed_won_first_day_amount,
        cast(coalesce(current_pipeline.open_pipeline_count, 0) as integer) as open_pipeline_count,
        cast(coalesce(current_pipeline.open_pipeline_amount, 0) as decimal(38, 6)) as open_pipeline_amount,
        cast(coalesce(current_pipeline.weighted_pipeline_amount, 0) as decimal(38, 6)) as weighted_pipeline_amount,
        cast(coalesce(current_pipeline.crm_weighted_pipeline_amount, 0) as decimal(38, 6))
            as crm_weighted_pipeline_amount,
        cast(coalesce(current_pipeline.commit_pipeline_amount, 0) as decimal(38, 6)) as commit_pipeline_amount,
        cast(coalesce(current_pipeline.best_case_pipeline_amount, 0) as decimal(38, 6)) as best_case_pipeline_amount,
        cast(coalesce(first_day_pipeline.backtest_weighted_pipeline_amount, 0) as decimal(38, 6))
            as backtest_weighted_pipeline_amount,
        cast(quotas_converted.quota_amount as decimal(38, 6)) as quota_amount,
        cast(
            {{ quota_remaining('quotas_converted.quota_amount', 'closed_won.closed_won_amount') }}
            as decimal(38, 6)
        ) as quota_remaining_amount
    from keys
    cross join as_of
    left join closed_won
        on
            keys.month_start_date = closed_won.month_start_date
            and keys.owner_id is not distinct from closed_won.owner_id
    left join current_pipeline
        on
            keys.month_start_date = current_pipeline.month_start_date
            and keys.owner_id is not distinct from current_pipeline.owner_id
    left join first_day_pipeline
        on
            keys.month_start_date = first_day_pipeline.month_start_date
            and keys.owner_id is not distinct from first_day_pipeline.owner_id
    left join quotas_converted
        on
            keys.month_start_date = quotas_converted.month_start_date
            and keys.owner_id is not distinct from quotas_converted.owner_id

),

final as (

    select
        -- dates
        joined.month_start_date,
        calendar.month_end_date,

        -- ids
        joined.owner_id,

        -- strings
        calendar.fiscal_period_label,

        -- numerics
        calendar.fiscal_year,
        calendar.fiscal_quarter,
        calendar.fiscal_month,
        joined.closed_won_count,
        joined.closed_won_amount,
        joined.open_pipeline_count,
        joined.open_pipeline_amount,
        joined.weighted_pipeline_amount,
        joined.crm_weighted_pipeline_amount,
        joined.commit_pipeline_amount,
        joined.best_case_pipeline_amount,
        cast(joined.closed_won_amount + joined.weighted_pipeline_amount as decimal(38, 6)) as forecast_amount,
        cast(joined.closed_won_amount + joined.crm_weighted_pipeline_amount as decimal(38, 6))
            as crm_forecast_amount,
        cast(joined.closed_won_amount + joined.commit_pipeline_amount as decimal(38, 6))
            as commit_forecast_amount,
        cast(
            joined.closed_won_amount + joined.commit_pipeline_amount + joined.best_case_pipeline_amount
            as decimal(38, 6)
        ) as best_case_forecast_amount,
        joined.quota_amount,
        joined.quota_remaining_amount,
        cast({{ safe_divide('joined.open_pipeline_amount', 'joined.quota_remaining_amount') }} as double)
            as pipeline_coverage,
        case when joined.has_started then joined.backtest_weighted_pipeline_amount end
            as backtest_weighted_pipeline_amount,
        cast(
            case
                when joined.has_started
                    then joined.closed_won_first_day_amount + joined.backtest_weighted_pipeline_amount
            end as decimal(38, 6)
        ) as backtest_forecast_amount,
        cast(
            case
                when joined.is_complete
                    then joined.closed_won_amount
                        - (joined.closed_won_first_day_amount + joined.backtest_weighted_pipeline_amount)
            end as decimal(38, 6)
        ) as backtest_error_amount,
        cast(
            case
                when joined.is_complete
                    then {{ forecast_bias(
                        'joined.closed_won_first_day_amount + joined.backtest_weighted_pipeline_amount',
                        'joined.closed_won_amount') }}
            end as double
        ) as backtest_bias,
        cast(
            case
                when joined.is_complete
                    then {{ forecast_absolute_percentage_error(
                        'joined.closed_won_first_day_amount + joined.backtest_weighted_pipeline_amount',
                        'joined.closed_won_amount') }}
            end as double
        ) as backtest_absolute_percentage_error,

        -- booleans
        joined.is_complete as is_complete_month,
        joined.month_start_date = cast({{ dbt.date_trunc('month', 'joined.as_of_date') }} as date)
            as is_current_month,

        -- dates
        joined.as_of_date

    from joined
    left join calendar
        on joined.month_start_date = calendar.date_day

)

select * from final
