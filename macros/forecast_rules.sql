{#- Forecast accuracy rules, each defined once (METRICS.md "sales forecast for period P"), used by
    mart_forecast_monthly and mart_forecast_backtest_monthly. -#}

{#- Bias of a forecast against its actual: forecast / actual - 1 (positive = too high); NULL when
    the actual is 0 or NULL. -#}
{% macro forecast_bias(forecast_amount, actual_amount) -%}
    ({{ safe_divide(forecast_amount, actual_amount) }} - 1)
{%- endmacro %}

{#- Absolute percentage error of a forecast: |forecast / actual - 1|; NULL when the actual is 0. -#}
{% macro forecast_absolute_percentage_error(forecast_amount, actual_amount) -%}
    abs({{ forecast_bias(forecast_amount, actual_amount) }})
{%- endmacro %}
