{#- "Today" for every model. The var as_of_date (YYYY-MM-DD) wins; when it is not set, the
    latest date present in the loaded data (int_as_of_date) is used, so re-running a past day
    with --vars '{as_of_date: ...}' reproduces that day's numbers. No model calls current_date.
    The ref is taken in both cases, so a model's dependencies do not change with the var (the
    Dagster asset graph is built from a manifest parsed without it). -#}
{% macro as_of_date() -%}
    {%- set default_relation = ref('int_as_of_date') -%}
    {%- set value = run_setting('as_of_date', 'REVOPS_AS_OF_DATE') -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- else -%}
        (select as_of_date from {{ default_relation }})
    {%- endif -%}
{%- endmacro %}
