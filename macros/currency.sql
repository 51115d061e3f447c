{#- Currency conversion: the one rule every model uses to publish an amount in the reporting
    currency (var reporting_currency). Rates are monthly averages (int_fx_rates_monthly); an
    amount is converted at the rate of its transaction month. Usage:

        fx_rates as (select * from {{ ref('int_fx_rates_monthly') }}),
        ...
        select {{ to_reporting_currency('o.amount', 'fx') }} as amount_reporting
        from opportunities as o
        left join fx_rates as fx
            on {{ fx_rate_join('fx', 'o.currency_code', 'o.close_date') }}

    Always a LEFT join: an amount whose currency or month has no rate converts to NULL (never at
    1.0) and the row is kept, so the generic test has_fx_rate reports it. -#}

{#- The amount in the reporting currency, given the alias of the joined FX rate row. -#}
{% macro to_reporting_currency(amount, fx_alias='fx') -%}
    ({{ amount }} * {{ fx_alias }}.rate_to_reporting)
{%- endmacro %}

{#- Join condition to int_fx_rates_monthly: same currency (upper-cased) and the calendar month
    of the transaction date or timestamp. -#}
{% macro fx_rate_join(fx_alias, currency_column, date_column) -%}
    {{ fx_alias }}.currency_code = upper({{ currency_column }})
    and {{ fx_alias }}.rate_month = cast({{ dbt.date_trunc('month', date_column) }} as date)
{%- endmacro %}

{#- The monthly rates to the reporting currency, from the seed of rates to USD: one row per month
    x currency, rate_to_reporting = rate_to_usd(currency) / rate_to_usd(reporting currency), same
    month, to 8 decimals; a month without a rate of the reporting currency has no rows. The one
    definition behind int_fx_rates_monthly and the test has_fx_rate (which reads the seed
    through it, so that staging tests do not depend on an intermediate model). -#}
{% macro reporting_fx_rates_sql(fx_rates_relation) -%}
    {%- set reporting_currency = var("reporting_currency", "USD") | upper -%}
    select
        fx_rates.rate_month,
        fx_rates.currency_code,
        '{{ reporting_currency }}' as reporting_currency,
        fx_rates.rate_to_usd,
        -- one unit of currency_code in the reporting currency, to 8 decimals
        cast(
            round(fx_rates.rate_to_usd / nullif(reporting_rates.rate_to_usd, 0), 8)
            as decimal(18, 8)
        ) as rate_to_reporting
    from {{ fx_rates_relation }} as fx_rates
    inner join {{ fx_rates_relation }} as reporting_rates
        on
            fx_rates.rate_month = reporting_rates.rate_month
            and reporting_rates.currency_code = '{{ reporting_currency }}'
{%- endmacro %}
