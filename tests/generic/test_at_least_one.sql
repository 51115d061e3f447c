{#- Fails when the column holds no non-null value at all, so an empty (or all-null) table cannot
    pass silently the way unique / not_null do on zero rows. -#}
{% test at_least_one(model, column_name) %}

    select n_values
    from (
        select count({{ column_name }}) as n_values
        from {{ model }}
    ) as counted
    where n_values = 0

{% endtest %}
