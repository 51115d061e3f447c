{#- Fails when the column holds no non-null value at all, so an empty (or all-null) table cannot
    pass silently the way unique / not_null do on zero rows. A model that declares the landing
    tables it needs (config meta `requires`: 'system.table' entries, 'a|b' for either) is only
    required to hold a value when each of them has landed rows: a system a team does not have
    leaves its marts empty without failing the build, and a present system's empty result still
    fails. -#}
{% test at_least_one(model, column_name) %}

    {%- set required = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.alias == model.identifier
                and node.schema == model.schema -%}
                {%- do required.extend(node.config.get('meta', {}).get('requires', [])) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}

    select n_values
    from (
        select count({{ column_name }}) as n_values
        from {{ model }}
    ) as counted
    where n_values = 0
    {%- for requirement in required %}
        and (
            {%- for table in requirement.split('|') %}
            {%- set parts = table.strip().split('.') %}
            exists (select 1 from {{ source(parts[0], parts[1]) }})
            {%- if not loop.last %} or {% endif %}
            {%- endfor %}
        )
    {%- endfor %}

{% endtest %}
