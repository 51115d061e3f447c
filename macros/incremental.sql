{#- Incremental runs (docs/incremental.md). A run may carry a partition window, the vars
    partition_start and partition_end (ISO dates, inclusive): incremental models then recompute
    the keys whose kept version landed in the window (landed_date = the raw _landed_date of the
    version staging keeps). Without the vars they recompute the keys landed on or after the
    latest landed_date already in the model (the last day built is redone, which is harmless).
    The kept version is always the latest across ALL raw rows; the window only chooses which
    keys to recompute, so an older window re-run after newer ones brings no old version back. -#}

{#- The run's window as {'start': 'YYYY-MM-DD', 'end': 'YYYY-MM-DD'}, or none without the vars.
    Both vars or neither; start <= end. -#}
{% macro partition_window() -%}
    {%- set start = run_setting('partition_start', 'REVOPS_PARTITION_START') -%}
    {%- set end = run_setting('partition_end', 'REVOPS_PARTITION_END') -%}
    {%- if start is none and end is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if start is none or end is none -%}
        {{ exceptions.raise_compiler_error(
            "set both partition_start and partition_end, or neither (got "
            ~ start ~ ", " ~ end ~ ")") }}
    {%- endif -%}
    {%- set start = start | string | trim -%}
    {%- set end = end | string | trim -%}
    {%- for value in [start, end] -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
            {{ exceptions.raise_compiler_error("partition dates must be YYYY-MM-DD, got " ~ value) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if start > end -%}
        {{ exceptions.raise_compiler_error("partition_start " ~ start ~ " is after partition_end " ~ end) }}
    {%- endif -%}
    {{ return({'start': start, 'end': end}) }}
{%- endmacro %}

{#- The rows of an incremental run, as a boolean SQL expression on a landed-date column: inside
    the window when the run has one, else on or after the latest landed_date of the model
    ({{ this }}; all rows when it is empty). Use only when is_incremental(). -#}
{% macro landed_window_predicate(column, this_column='landed_date') -%}
    {%- set window = partition_window() -%}
    {%- if window -%}
        ({{ column }} between cast('{{ window.start }}' as date) and cast('{{ window.end }}' as date))
    {%- else -%}
        ({{ column }} >= coalesce((select max({{ this_column }}) from {{ this }}), cast('1900-01-01' as date)))
    {%- endif -%}
{%- endmacro %}

{#- `where <landed_window_predicate>` in an incremental run, nothing otherwise. -#}
{% macro incremental_window_filter(column, this_column='landed_date') -%}
    {%- if is_incremental() %}
    where {{ landed_window_predicate(column, this_column) }}
    {%- endif -%}
{%- endmacro %}

{#- The keys of a staging versions view with a version landed in the run's window: the keys an
    incremental model recomputes (a select of the key columns; only when is_incremental()). The
    filter is on the raw scan, so DuckDB skips the row groups outside the window. -#}
{% macro keys_landed_in_window(versions_relation, key_columns, landed_column='landed_date', this_column='landed_date') -%}
    select {{ key_columns | join(', ') }}
    from {{ versions_relation }}
    where {{ landed_window_predicate(landed_column, this_column) }}
{%- endmacro %}

{#- A post_hook that deletes from the model the keys whose kept version is now soft-deleted, among
    the keys landed in the run's window (staging drops them, so recomputing alone would leave the
    old row behind). sources: a list of [versions relation, versions key column, updated column,
    deleted column]; model_key: the model's column holding that key. A key deleted and restored
    (a later live version) is kept. Renders nothing outside incremental runs. -#}
{% macro delete_soft_deleted_keys(model_key, sources) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ model_key }} in (
        {%- for source in sources %}
            select {{ source[1] }} from (
                {{ latest_versions(
                    source[0], [source[1]], source[2], source[3],
                    keys_sql=keys_landed_in_window(source[0], [source[1]]), keep_deleted=true
                ) }}
            ) as latest
            where {{ source[3] }}
            {%- if not loop.last %}
            union all
            {%- endif %}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- Incremental strategy replace_scope: delete+insert whose delete covers the model's whole
    recompute scope rather than only the keys it recomputed, so rows that are gone (an item with
    one month less) disappear too. The model names, in config replace_scope, a macro that takes
    an alias of the model's existing rows and returns the scope as a boolean SQL expression; it
    is rendered here at run time and evaluated after the new rows are computed (the temp
    relation) and before any existing row is touched. Every new row must lie in the scope. -#}
{% macro get_incremental_replace_scope_sql(arg_dict) -%}
    {%- set scope_macro = config.get('replace_scope') -%}
    {%- if not scope_macro -%}
        {{ exceptions.raise_compiler_error("incremental_strategy replace_scope needs config replace_scope (a macro name)") }}
    {%- endif -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }} as existing
    where {{ context[scope_macro]('existing') }};

    insert into {{ arg_dict['target_relation'] }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }}
    from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
