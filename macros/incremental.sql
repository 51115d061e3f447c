{#- Incremental runs (docs/incremental.md). A run may carry a partition window (ISO dates,
    inclusive): incremental models then recompute the keys with a version landed in it. Without
    one they recompute the keys landed on or after the latest landed_date already in the model.
    The kept version is always the latest across ALL raw rows; the window only chooses which
    keys to recompute, so an older window re-run after newer ones brings no old version back. -#}

{#- A date setting of the run: the var (a developer's --vars) wins, else the environment
    variable, read only when dbt executes (never while parsing, so dbt does not record it as a
    parse input and a new value keeps partial parsing). Unset or empty = none. -#}
{% macro run_date_setting(var_name, env_name) -%}
    {%- set value = var(var_name, none) -%}
    {%- if value is not none and value | string | trim == '' -%}
        {%- set value = none -%}
    {%- endif -%}
    {%- if value is none and execute -%}
        {%- set value = env_var(env_name, '') | trim or none -%}
    {%- endif -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
        {{ exceptions.raise_compiler_error(
            var_name ~ " (var or " ~ env_name ~ ") must be a date YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The run's window as {'start': 'YYYY-MM-DD', 'end': 'YYYY-MM-DD'}, or none: the vars
    partition_start / partition_end, else REVOPS_PARTITION_START / REVOPS_PARTITION_END (at run
    time only). Both or neither; start <= end. -#}
{% macro partition_window() -%}
    {%- set start = run_date_setting('partition_start', 'REVOPS_PARTITION_START') -%}
    {%- set end = run_date_setting('partition_end', 'REVOPS_PARTITION_END') -%}
    {%- if start is none and end is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if start is none or end is none -%}
        {{ exceptions.raise_compiler_error(
            "set both partition_start and partition_end (or REVOPS_PARTITION_START and "
            ~ "REVOPS_PARTITION_END), or neither (got " ~ start ~ ", " ~ end ~ ")") }}
    {%- endif -%}
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

{#- The records an incremental model reads from a source entity: on an incremental run, the kept
    version (latest_versions) of only the keys it recomputes (keys_sql) from the staging versions
    view; on a full build, the staging view of the current state, which keeps the same version.
    The one place of that switch, so an incremental run reads what a full refresh reads. -#}
{% macro kept_records(
    current_relation, versions_relation, key_columns, updated_column=none, deleted_column=none,
    keys_sql=none
) -%}
    {%- if is_incremental() %}
        {{ latest_versions(versions_relation, key_columns, updated_column, deleted_column, keys_sql=keys_sql) }}
    {%- else %}
        select * from {{ current_relation }}
    {%- endif %}
{%- endmacro %}

{#- The keys of a staging versions view landed in the run's window whose latest version is
    soft-deleted (a select of the key). Staging drops them, so recomputing alone would leave their
    old rows behind: an incremental model deletes them in its post_hook. A key deleted and
    restored (a later live version) is not one. Only when is_incremental(). -#}
{% macro keys_deleted_in_window(versions_relation, key_column, updated_column='updated_at', deleted_column='is_deleted') -%}
    select latest.{{ key_column }}
    from (
        {{ latest_versions(
            versions_relation, [key_column], updated_column, deleted_column,
            keys_sql=keys_landed_in_window(versions_relation, [key_column]), keep_deleted=true
        ) }}
    ) as latest
    where latest.{{ deleted_column }}
{%- endmacro %}
