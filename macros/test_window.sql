{#- Data tests scoped to the run's window (docs/incremental.md, "Tests in a daily run").
    A test whose `where` config holds the placeholder __landed_in_window__ checks, in a run with
    a partition window, only the rows with landed_date in that window; without a window (a full
    build, a full refresh, a plain `dbt build`) the placeholder is true and the test checks every
    row. dbt renders a yml `where` at parse time, without the project's macros, so the placeholder
    is replaced here, when the test runs: this overrides dbt's get_where_subquery (the approach
    dbt's documentation gives for run-time `where` logic). Any other `where` works as in dbt. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- if '__landed_in_window__' in where -%}
        {#- with a window, the incremental models' own predicate on it (macros/incremental.sql) -#}
        {%- if partition_window() -%}
            {%- set predicate = landed_window_predicate('landed_date') -%}
        {%- else -%}
            {%- set predicate = '(1 = 1)' -%}
        {%- endif -%}
        {%- set where = where | replace('__landed_in_window__', predicate) -%}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
{%- endmacro %}
