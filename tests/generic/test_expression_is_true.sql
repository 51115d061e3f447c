{#- Fails on every row where the boolean SQL expression is false or null. With column_name the
    expression is prefixed by the column: `expression: ">= 0"` on column spend tests spend >= 0. -#}
{% test expression_is_true(model, expression, column_name=none) %}

    select *
    from {{ model }}
    where not coalesce(
        {%- if column_name %} ({{ column_name }} {{ expression }}){% else %} ({{ expression }}){% endif %},
        false
    )

{% endtest %}
