{#- The freshness SLA of every landing table, as the sources YAML declares it (dbt's `freshness`
    warn_after / error_after, the thresholds `dbt source freshness` applies), read from dbt's
    graph at run time: one row per source table with warn_after_days and error_after_days (a
    count of hours or minutes as a fraction of a day; NULL where the source declares none).
    The ingestion log (source meta) is not a landing table. At parse time: no rows. -#}
{% macro source_freshness_sla_sql() -%}
    {%- set per_day = {'minute': 1440, 'hour': 24, 'day': 1} -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for src in graph.sources.values() if src.source_name != 'meta' -%}
            {%- set limits = [] -%}
            {%- for level in ['warn_after', 'error_after'] -%}
                {%- set after = (src.freshness or {}).get(level) or {} -%}
                {%- if after.get('count') is not none and after.get('period') in per_day -%}
                    {%- do limits.append(after['count'] / per_day[after['period']]) -%}
                {%- else -%}
                    {%- do limits.append(none) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do rows.append((src.source_name, src.name, limits[0], limits[1])) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for system, table, warn_days, error_days in rows | sort %}
    select
        cast('{{ system }}' as {{ dbt.type_string() }}) as system,
        cast('{{ table }}' as {{ dbt.type_string() }}) as source_table,
        cast({{ 'null' if warn_days is none else warn_days }} as double) as warn_after_days,
        cast({{ 'null' if error_days is none else error_days }} as double) as error_after_days
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as double) as warn_after_days,
        cast(null as double) as error_after_days
    where 1 = 0
    {%- endfor %}
{%- endmacro %}
