{#- Calendar rules, in one place: the fiscal calendar (var fiscal_year_start_month, 1-12) and the
    company time zone (var company_timezone). A fiscal year is named by the calendar year in
    which it ENDS: with start month 2, 2026-02-01 .. 2027-01-31 is FY2027; with start month 1 the
    fiscal year is the calendar year. All macros take a date expression. -#}

{% macro fiscal_start_month() -%}
    {%- set start_month = var('fiscal_year_start_month', 1) | int -%}
    {%- if start_month < 1 or start_month > 12 -%}
        {{ exceptions.raise_compiler_error("fiscal_year_start_month must be 1-12, got " ~ start_month) }}
    {%- endif -%}
    {{ return(start_month) }}
{%- endmacro %}

{#- Month of the fiscal year, 1-12 (1 = the start month). -#}
{% macro fiscal_month(date_expr) -%}
    {%- set start_month = fiscal_start_month() -%}
    cast(mod(cast(extract(month from {{ date_expr }}) as integer) + {{ 12 - start_month }}, 12) + 1 as integer)
{%- endmacro %}

{#- Fiscal quarter, 1-4. -#}
{% macro fiscal_quarter(date_expr) -%}
    cast(floor(({{ fiscal_month(date_expr) }} - 1) / 3) + 1 as integer)
{%- endmacro %}

{#- Fiscal year, named by the calendar year in which it ends. -#}
{% macro fiscal_year(date_expr) -%}
    {%- set start_month = fiscal_start_month() -%}
    {%- if start_month == 1 -%}
        cast(extract(year from {{ date_expr }}) as integer)
    {%- else -%}
        cast(extract(year from {{ date_expr }}) as integer)
        + case when extract(month from {{ date_expr }}) >= {{ start_month }} then 1 else 0 end
    {%- endif -%}
{%- endmacro %}

{#- First day of the fiscal year containing the date. -#}
{% macro fiscal_year_start_date(date_expr) -%}
    {{ fiscal_period_start_date(date_expr, 12) }}
{%- endmacro %}

{#- First day of the fiscal quarter containing the date. -#}
{% macro fiscal_quarter_start_date(date_expr) -%}
    {{ fiscal_period_start_date(date_expr, 3) }}
{%- endmacro %}

{#- First day of the fiscal period of `months` months (3: quarter, 12: year) containing the date:
    its month goes back to the period's first fiscal month. -#}
{% macro fiscal_period_start_date(date_expr, months) -%}
    cast({{ dbt.dateadd('month',
        '-1 * mod(' ~ fiscal_month(date_expr) ~ ' - 1, ' ~ months ~ ')',
        dbt.date_trunc('month', date_expr)) }} as date)
{%- endmacro %}

{#- Label of the fiscal quarter, e.g. 'FY2026-Q1'. -#}
{% macro fiscal_period_label(date_expr) -%}
    'FY' || cast({{ fiscal_year(date_expr) }} as {{ dbt.type_string() }})
    || '-Q' || cast({{ fiscal_quarter(date_expr) }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- A UTC timestamp as local time in the company time zone (var company_timezone, default UTC).
    Business dates are taken from this: cast({{ to_company_timezone('ts') }} as date). -#}
{% macro to_company_timezone(timestamp_expr) -%}
    {%- set tz = var('company_timezone', 'UTC') -%}
    {%- if tz | upper == 'UTC' -%}
        {{ timestamp_expr }}
    {%- else -%}
        {{ return(adapter.dispatch('to_company_timezone', 'revops')(timestamp_expr, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__to_company_timezone(timestamp_expr, tz) -%}
    cast(({{ timestamp_expr }} at time zone 'UTC') at time zone '{{ tz }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The business date of a UTC timestamp: its calendar date in the company time zone. -#}
{% macro to_company_date(timestamp_expr) -%}
    cast({{ to_company_timezone(timestamp_expr) }} as date)
{%- endmacro %}

{#- A week (Monday start) is complete once its last day, the Sunday, is on or before as_of_date. -#}
{% macro is_complete_week(week_start_date) -%}
    {{ dbt.dateadd('day', 6, week_start_date) }} <= {{ as_of_date() }}
{%- endmacro %}

{#- The periods a mart reports on: every distinct period start (week_start_date, month_start_date
    of dim_date) with a day from the first data day through as_of_date, so a period without data
    in between is still a row. -#}
{% macro periods_through_as_of(dim_date, period_start_column, first_date) -%}
    select distinct {{ dim_date }}.{{ period_start_column }}
    from {{ dim_date }}
    where
        {{ dim_date }}.date_day >= ({{ first_date }})
        and {{ dim_date }}.date_day <= {{ as_of_date() }}
{%- endmacro %}

{#- True for the month of as_of_date (the month still running), given the month's first day. -#}
{% macro is_as_of_month(month_start_date) -%}
    {{ month_start_date }} = cast({{ dbt.date_trunc('month', as_of_date()) }} as date)
{%- endmacro %}
