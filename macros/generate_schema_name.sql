{#- Custom schemas are used as given (staging, intermediate, marts), not prefixed with the
    target schema: BI tools and the ingestion layer rely on the exact names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
