{#- "Today" for every model. The var as_of_date (YYYY-MM-DD) wins, else REVOPS_AS_OF_DATE (read
    at run time only); when neither is set, the latest date present in the loaded data
    (int_as_of_date), so re-running a past day with its as_of_date reproduces that day's numbers.
    No model calls current_date. The ref is taken in both cases, so a model's dependencies do not
    change with the setting. -#}
{% macro as_of_date() -%}
    {%- set default_relation = ref('int_as_of_date') -%}
    {%- set value = as_of_date_setting() -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- else -%}
        (select as_of_date from {{ default_relation }})
    {%- endif -%}
{%- endmacro %}

{#- The run's as_of_date setting (var as_of_date, else REVOPS_AS_OF_DATE at run time) as
    'YYYY-MM-DD', or none: "today" then comes from the data (int_as_of_date). -#}
{% macro as_of_date_setting() -%}
    {{ return(run_date_setting('as_of_date', 'REVOPS_AS_OF_DATE')) }}
{%- endmacro %}
