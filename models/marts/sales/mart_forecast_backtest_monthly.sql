{#- The forecast backtest of the whole company per month (METRICS.md "sales forecast for period
    P"): the sum over reps of mart_forecast_monthly's backtest (the forecast as made at the end of
    the month's first day) against the month's closed-won bookings, with the bias and absolute
    percentage error of each complete month, and over the trailing 12 complete months ending with
    the month: the bias of their sums and the mean of their absolute percentage errors (MAPE).
    Months that have started only. -#}
with

forecast as (

    select * from {{ ref('mart_forecast_monthly') }}

),

company as (

    select
        month_start_date,
        max(month_end_date) as month_end_date,
        max(fiscal_period_label) as fiscal_period_label,
        max(fiscal_year) as fiscal_year,
        max(fiscal_quarter) as fiscal_quarter,
        max(fiscal_month) as fiscal_month,
        sum(backtest_forecast_amount) as backtest_forecast_amount,
        sum(closed_won_amount) as closed_won_amount,
        max(case when is_complete_month then 1 else 0 end) = 1 as is_complete_month,
        max(as_of_date) as as_of_date
    from forecast
    group by month_start_date
    having count(backtest_forecast_amount) > 0

),

scored as (

    select
        *,
        case
            when is_complete_month
                then {{ forecast_absolute_percentage_error('backtest_forecast_amount', 'closed_won_amount') }}
        end as absolute_percentage_error
    from company

),

trailing_window as (

    select
        scored.month_start_date,
        count(window_months.absolute_percentage_error) as trailing_months_scored,
        sum(window_months.backtest_forecast_amount) as trailing_forecast_amount,
        sum(window_months.closed_won_amount) as trailing_closed_won_amount,
        avg(window_months.absolute_percentage_error) as trailing_mape
    from scored
    inner join scored as window_months
        on
            scored.month_start_date >= window_months.month_start_date
            and cast({{ dbt.dateadd('month', -11, 'scored.month_start_date') }} as date)
            <= window_months.month_start_date
            and window_months.is_complete_month
    where scored.is_complete_month
    group by scored.month_start_date

),

final as (

    select
        -- dates
        scored.month_start_date,
        scored.month_end_date,

        -- strings
        scored.fiscal_period_label,

        -- numerics
        scored.fiscal_year,
        scored.fiscal_quarter,
        scored.fiscal_month,
        cast(scored.backtest_forecast_amount as decimal(38, 6)) as backtest_forecast_amount,
        cast(scored.closed_won_amount as decimal(38, 6)) as closed_won_amount,
        cast(
            case when scored.is_complete_month then scored.closed_won_amount - scored.backtest_forecast_amount end
            as decimal(38, 6)
        ) as backtest_error_amount,
        cast(
            case
                when scored.is_complete_month
                    then {{ forecast_bias('scored.backtest_forecast_amount', 'scored.closed_won_amount') }}
            end as double
        ) as backtest_bias,
        cast(scored.absolute_percentage_error as double) as backtest_absolute_percentage_error,
        cast(trailing_window.trailing_months_scored as bigint) as trailing_12_months_scored,
        cast(
            {{ forecast_bias(
                'trailing_window.trailing_forecast_amount', 'trailing_window.trailing_closed_won_amount') }}
            as double
        ) as backtest_bias_trailing_12_months,
        cast(trailing_window.trailing_mape as double) as backtest_mape_trailing_12_months,

        -- booleans
        scored.is_complete_month,

        -- dates
        scored.as_of_date

    from scored
    left join trailing_window
        on scored.month_start_date = trailing_window.month_start_date

)

select * from final
