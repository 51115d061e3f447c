{#- Conversions that staging applies to source values, and nowhere else. -#}

{#- Unix epoch seconds (Stripe) to a UTC timestamp without time zone. -#}
{% macro epoch_to_timestamp(column) -%}
    {{ return(adapter.dispatch('epoch_to_timestamp', 'revops')(column)) }}
{%- endmacro %}

{% macro default__epoch_to_timestamp(column) -%}
    cast(to_timestamp({{ column }}) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__epoch_to_timestamp(column) -%}
    make_timestamp(cast({{ column }} as bigint) * 1000000)
{%- endmacro %}

{#- Minor units to major units for the given currency column, as an exact decimal (a float here
    would break the MRR bridge's exact equality), by the currency's exponent as Stripe counts
    it: zero-decimal currencies (JPY, KRW, ...) are already in major units (/1), three-decimal
    ones (BHD, JOD, KWD, OMR, TND) are in thousandths (/1000), every other currency in
    hundredths (/100; also ISK, HUF, TWD, which Stripe's API carries with two decimals). Any case
    of the code. The one conversion of every billing staging model. -#}
{% macro minor_to_major_units(amount, currency) -%}
    cast(
        cast({{ amount }} as {{ dbt.type_numeric() }})
        / case
            when upper({{ currency }}) in ('BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA',
                'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF') then 1
            when upper({{ currency }}) in ('BHD', 'JOD', 'KWD', 'OMR', 'TND') then 1000
            else 100
        end
        as {{ dbt.type_numeric() }}
    )
{%- endmacro %}

{#- The upper-case currency of a CRM amount. A Salesforce org without multi-currency exports no
    CurrencyIsoCode at all: when the column is empty in every row of the table, the amounts are
    in var crm_default_currency. A blank cell among currencies stays NULL (listed in
    dq_fx_rates_missing as XXX), never guessed. -#}
{% macro crm_currency_code(column) -%}
    coalesce(
        upper(trim({{ column }})),
        case when max({{ column }}) over () is null then upper('{{ var("crm_default_currency") }}') end
    )
{%- endmacro %}

{#- Micros (Google Ads cost_micros) to major units. -#}
{% macro micros_to_major_units(amount) -%}
    cast(cast({{ amount }} as {{ dbt.type_numeric() }}) / 1000000 as {{ dbt.type_numeric() }})
{%- endmacro %}

{#- One string field of a JSON object held as text. -#}
{% macro json_extract_text(column, key) -%}
    {{ return(adapter.dispatch('json_extract_text', 'revops')(column, key)) }}
{%- endmacro %}

{% macro default__json_extract_text(column, key) -%}
    json_extract_path_text({{ column }}, '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_extract_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}
