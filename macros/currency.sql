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
    1.0) and the row is kept; the test has_fx_rate warns about it and the mart
    dq_fx_rates_missing lists it (macro fx_rates_missing_sql). An amount already in the
    reporting currency always finds its rate 1: int_fx_rates_monthly has that row for every
    month (see reporting_fx_rates_sql). -#}

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

{#- The months in which an amount in the reporting currency converts at 1 without any rate row:
    1900-01 through 2199-12 (3,600 months), wider than any business date the warehouse loads. -#}
{% macro fx_same_currency_months() -%}
    select
        cast({{ dbt.dateadd('month', 'generated_number - 1', "cast('1900-01-01' as date)") }} as date)
            as rate_month
    from ({{ dbt.generate_series(3600) }}) as month_numbers
{%- endmacro %}

{#- The monthly rates to the reporting currency: one row per month x currency. Rates to USD
    come from the landed reference table (stg_reference__fx_rates) where it has the month and
    currency, else from the bundled seed fx_rates; USD is 1 by definition (a landed or seeded
    USD row is not read). rate_to_reporting = rate_to_usd(currency) / rate_to_usd(reporting
    currency), same month, to 8 decimals; a month without a rate of the reporting currency has
    no rows for other currencies (their amounts convert to NULL). The reporting currency itself
    has rate 1 in every month of fx_same_currency_months, with or without a rate row. The one
    definition behind int_fx_rates_monthly and the test has_fx_rate (which computes it here,
    so that staging tests do not depend on an intermediate model). -#}
{% macro reporting_fx_rates_sql(landed_relation, seed_relation) -%}
    {%- set reporting_currency = var("reporting_currency", "USD") | upper -%}
    with

    landed as (
        select
            rate_month,
            currency_code,
            rate_to_usd
        from {{ landed_relation }}
        where currency_code <> 'USD'
    ),

    seeded as (
        select
            seed_rates.rate_month,
            upper(seed_rates.currency_code) as currency_code,
            seed_rates.rate_to_usd
        from {{ seed_relation }} as seed_rates
        where upper(seed_rates.currency_code) <> 'USD'
    ),

    same_currency_months as (
        {{ fx_same_currency_months() }}
    ),

    rates_to_usd as (
        select
            rate_month,
            currency_code,
            rate_to_usd,
            'landed' as rate_source
        from landed

        union all

        select
            seeded.rate_month,
            seeded.currency_code,
            seeded.rate_to_usd,
            'seed' as rate_source
        from seeded
        left join landed
            on
                seeded.rate_month = landed.rate_month
                and seeded.currency_code = landed.currency_code
        where landed.currency_code is null

        union all

        select
            rate_month,
            'USD' as currency_code,
            1 as rate_to_usd,
            'definition' as rate_source
        from same_currency_months
    ),

    reporting_rates as (
        select * from rates_to_usd
        where currency_code = '{{ reporting_currency }}'
    ),

    cross_rates as (
        select
            rates_to_usd.rate_month,
            rates_to_usd.currency_code,
            rates_to_usd.rate_to_usd,
            -- one unit of currency_code in the reporting currency, to 8 decimals
            cast(
                round(rates_to_usd.rate_to_usd / nullif(reporting_rates.rate_to_usd, 0), 8)
                as decimal(18, 8)
            ) as rate_to_reporting,
            rates_to_usd.rate_source
        from rates_to_usd
        inner join reporting_rates
            on rates_to_usd.rate_month = reporting_rates.rate_month
        where rates_to_usd.currency_code <> '{{ reporting_currency }}'
    ),

    same_currency as (
        select
            same_currency_months.rate_month,
            '{{ reporting_currency }}' as currency_code,
            reporting_rates.rate_to_usd,
            cast(1 as decimal(18, 8)) as rate_to_reporting,
            'same_currency' as rate_source
        from same_currency_months
        left join reporting_rates
            on same_currency_months.rate_month = reporting_rates.rate_month
    ),

    unioned as (
        select * from cross_rates
        union all
        select * from same_currency
    )

    select
        rate_month,
        currency_code,
        '{{ reporting_currency }}' as reporting_currency,
        cast(rate_to_usd as decimal(18, 6)) as rate_to_usd,
        rate_to_reporting,
        rate_source
    from unioned
{%- endmacro %}

{#- The rows of a relation whose non-null amount has no rate: exactly the amounts that
    to_reporting_currency() turns into NULL, found by the same join (fx_rate_join) on the same
    rates. fx_rates_relation is int_fx_rates_monthly or a CTE of reporting_fx_rates_sql.
    Used by the test has_fx_rate (row by row) and by fx_rates_missing_sql. -#}
{% macro amounts_without_fx_rate_sql(relation, amount, currency_column, date_column, fx_rates_relation) -%}
    select
        amounts.*,
        -- XXX: ISO 4217's code for 'no currency', for an amount whose currency is empty
        coalesce(upper({{ currency_column }}), 'XXX') as _fx_currency_code,
        cast({{ dbt.date_trunc('month', date_column) }} as date) as _fx_rate_month,
        {{ amount }} as _fx_amount
    from {{ relation }} as amounts
    left join {{ fx_rates_relation }} as fx
        on {{ fx_rate_join('fx', currency_column, date_column) }}
    where
        {{ amount }} is not null
        and fx.rate_to_reporting is null
{%- endmacro %}

{#- One row per currency x month whose amounts in `relation` have no rate, for the mart
    dq_fx_rates_missing: model_name names the model that converts them. Column expressions are
    evaluated on the relation (alias amounts); source_file is an optional expression naming the
    landing file of a row. -#}
{% macro fx_rates_missing_sql(
    model_name, relation, amount, currency_column, date_column, fx_rates_relation,
    source_file=none
) -%}
    select
        cast('{{ model_name }}' as {{ dbt.type_string() }}) as model_name,
        cast(_fx_currency_code as {{ dbt.type_string() }}) as currency_code,
        _fx_rate_month as rate_month,
        count(*) as row_count,
        cast(sum(_fx_amount) as decimal(38, 6)) as amount_total,
        cast('{{ var("reporting_currency", "USD") | upper }}' as {{ dbt.type_string() }})
            as reporting_currency,
        {%- if source_file %}
        cast(min({{ source_file }}) as {{ dbt.type_string() }}) as example_source_file
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as example_source_file
        {%- endif %}
    from (
        {{ amounts_without_fx_rate_sql(relation, amount, currency_column, date_column, fx_rates_relation) }}
    ) as missing
    group by _fx_currency_code, _fx_rate_month
{%- endmacro %}
