{#- Staging keeps the latest version of each key: a record re-exported after an update, or a
    duplicated row, appears more than once in raw. Use as a column, then filter on it:
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    ... where version_rank = 1 -#}
{% macro latest_version_rank(key_columns, updated_column=none) -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by
            {%- if updated_column and updated_column != '_loaded_at' %} {{ updated_column }} desc nulls last,{% endif %}
            _loaded_at desc, _source_file desc, _source_row desc
    )
{%- endmacro %}
