{#- Data tests of the rows a run wrote (docs/incremental.md, "Tests in a daily run"). Each
    <test>_in_window is dbt's (or the project's) <test> on window_rows(model): in a run with a
    partition window, the rows with landed_date in it; in a run without one, or a full refresh
    (the model was rebuilt whole), every row. The window is read when the test runs. -#}

{#- The relation under test restricted to the run's window (see above). -#}
{% macro window_rows(model) -%}
    {%- set window = partition_window() if execute else none -%}
    {%- if window and not flags.FULL_REFRESH -%}
        (
            select * from {{ model }}
            where landed_date between cast('{{ window.start }}' as date) and cast('{{ window.end }}' as date)
        ) as rows_in_window
    {%- else -%}
        {{ model }}
    {%- endif -%}
{%- endmacro %}

{% test not_null_in_window(model, column_name) %}
    {{ adapter.dispatch('test_not_null', 'dbt')(window_rows(model), column_name) }}
{% endtest %}

{% test unique_in_window(model, column_name) %}
    {{ adapter.dispatch('test_unique', 'dbt')(window_rows(model), column_name) }}
{% endtest %}

{% test accepted_values_in_window(model, column_name, values, quote=true) %}
    {{ adapter.dispatch('test_accepted_values', 'dbt')(window_rows(model), column_name, values, quote) }}
{% endtest %}

{% test relationships_in_window(model, column_name, to, field) %}
    {{ adapter.dispatch('test_relationships', 'dbt')(window_rows(model), column_name, to, field) }}
{% endtest %}

{% test accepted_range_in_window(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {{ test_accepted_range(window_rows(model), column_name, min_value, max_value, inclusive) }}
{% endtest %}

{% test currency_code_in_window(model, column_name) %}
    {{ test_currency_code(window_rows(model), column_name) }}
{% endtest %}

{% test unique_combination_of_columns_in_window(model, combination_of_columns) %}
    {{ test_unique_combination_of_columns(window_rows(model), combination_of_columns) }}
{% endtest %}
