{#- Fails on every row whose value is not an ISO 4217 currency code as staging writes it: three
    upper-case letters A-Z (any currency: the FX rates decide whether it converts). Portable SQL:
    no regular expression. -#}
{% test currency_code(model, column_name) %}

    select *
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            length({{ column_name }}) <> 3
            or translate({{ column_name }}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '') <> ''
        )

{% endtest %}
