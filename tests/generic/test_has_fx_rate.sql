{#- Returns every row whose non-null amount has no FX rate for its currency and month, i.e. an
    amount that to_reporting_currency() turns into NULL (it never converts at 1.0). Applies to
    raw-currency models (staging) as well as to converted ones. Severity warn by default (here,
    for every use): a missing rate does not stop the day; the mart dq_fx_rates_missing lists
    what is missing (model, currency, month). The rates are those of int_fx_rates_monthly (landed rates, else
    the seed; the reporting currency at 1 in every month), computed here by the same macro so
    that a test on a staging model does not read an intermediate model. -#}
{% test has_fx_rate(model, column_name, currency_column, date_column) %}

    {{ config(severity='warn') }}

    with

    fx_rates as (
        {{ reporting_fx_rates_sql(ref('stg_reference__fx_rates'), ref('fx_rates')) }}
    )

    {{ amounts_without_fx_rate_sql(
        model, 'amounts.' ~ column_name, 'amounts.' ~ currency_column,
        'amounts.' ~ date_column, 'fx_rates'
    ) }}

{% endtest %}
