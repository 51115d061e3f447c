{#- A ratio whose denominator is 0 (or NULL) is NULL: never 0, never an error. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}
