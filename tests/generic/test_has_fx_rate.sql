{#- Fails on every row whose non-null amount has no FX rate for its currency and month, i.e. an
    amount that to_reporting_currency() would turn into NULL (it never converts at 1.0).
    Applies to raw-currency models (staging) as well as to converted ones. The rates are those
    of int_fx_rates_monthly, computed here from the seed by the same macro, so that a test on a
    staging model does not read an intermediate model. -#}
{% test has_fx_rate(model, column_name, currency_column, date_column) %}

    with

    fx_rates as (
        {{ reporting_fx_rates_sql(ref('fx_rates')) }}
    ),

    amounts as (
        select * from {{ model }}
        where {{ column_name }} is not null
    )

    select amounts.*
    from amounts
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'amounts.' ~ currency_column, 'amounts.' ~ date_column) }}
    where fx.rate_to_reporting is null

{% endtest %}
