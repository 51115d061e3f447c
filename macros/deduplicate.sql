{#- Staging keeps the latest version of each key: a record re-exported after an update, or a
    duplicated row, appears more than once in raw. Use as a column, then filter on it:
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    ... where version_rank = 1
    Ties on the updated column (and raw rows without one) go to the latest landing day (the day
    of the dated file), then the latest load, then the latest file and row: a dated file that
    arrives late (loaded after newer days) must not win over those newer days, so the landing
    day comes before the load time. lineage_prefix is '_' on raw columns (_landed_date,
    _loaded_at, _source_file, _source_row) and '' on a staging versions view, which names them
    landed_date, loaded_at, source_file, source_row. -#}
{% macro latest_version_rank(key_columns, updated_column=none, lineage_prefix='_') -%}
    {%- set lineage = [
        lineage_prefix ~ 'landed_date', lineage_prefix ~ 'loaded_at',
        lineage_prefix ~ 'source_file', lineage_prefix ~ 'source_row'
    ] -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by
            {%- if updated_column and updated_column not in lineage %} {{ updated_column }} desc nulls last,{% endif %}
            {{ lineage | join(' desc nulls last, ') }} desc nulls last
    )
{%- endmacro %}

{#- The kept version of every key of a staging versions view (stg_<source>__<entity>_versions,
    one row per raw row), or of a raw source table with lineage_prefix '_' (the staging views of
    the current state read it so): the latest by latest_version_rank. With deleted_column, a key whose
    kept version is soft-deleted is dropped (keep_deleted=true keeps it, flagged). With keys_sql
    (a select of the key columns), only those keys are ranked: the filter sits below the window,
    on the raw scan, so DuckDB reads only the versions of those keys. This is the one place where
    the staging views (over raw or over versions) and the incremental models pick the kept
    version: a staging model ranks nothing itself. -#}
{% macro latest_versions(
    versions_relation, key_columns, updated_column=none, deleted_column=none,
    keys_sql=none, keep_deleted=false, lineage_prefix=''
) -%}
    select {{ star_except(['version_rank']) }}
    from (
        select
            versions.*,
            {{ latest_version_rank(key_columns, updated_column, lineage_prefix=lineage_prefix) }} as version_rank
        from {{ versions_relation }} as versions
        {%- if keys_sql %}
        where ({{ key_columns | join(', ') }}) in ({{ keys_sql }})
        {%- endif %}
    ) as ranked
    where
        version_rank = 1
        {%- if deleted_column and not keep_deleted %}
        and not {{ deleted_column }}
        {%- endif %}
{%- endmacro %}

{#- Every column but these where the engine has a portable-enough form (DuckDB `* exclude`);
    elsewhere every column, the helper columns included (an extra column, never a wrong one). -#}
{% macro star_except(columns) -%}
    {{ return(adapter.dispatch('star_except', 'revops')(columns)) }}
{%- endmacro %}

{% macro default__star_except(columns) -%}
    *
{%- endmacro %}

{% macro duckdb__star_except(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{#- The lineage a staging view carries from its raw table, renamed without the underscore:
    loaded_at and landed_date on every view (freshness and the run window read them), and with
    record=true also source_file and source_row (the versions views, whose raw row an
    incremental model or a failing test traces back to its file and row). -#}
{% macro lineage_columns(record=false) -%}
    _loaded_at as loaded_at,
    _landed_date as landed_date
    {%- if record %},
    _source_file as source_file,
    _source_row as source_row
    {%- endif %}
{%- endmacro %}

{#- The current state of a CRM (Salesforce) object, read from its raw table: the latest version
    of each id by system_modstamp (the landing contract's updated_by), and an object whose latest
    version is soft-deleted (is_deleted) dropped. The one place that states the CRM convention
    for the staging views that read raw directly (the others read a versions view). Users are
    never soft-deleted (soft_deletes=false). -#}
{% macro crm_current_records(object_name, soft_deletes=true) -%}
    {{ latest_versions(
        source('crm', object_name), ['id'], 'system_modstamp',
        deleted_column=('coalesce(is_deleted, false)' if soft_deletes else none),
        lineage_prefix='_'
    ) }}
{%- endmacro %}

{#- The current state of a billing (Stripe) object, read from its raw table: the latest landed
    version of each id (Stripe objects carry no modification time, so the landing order decides:
    the landing contract's updated_by is _loaded_at). With deleted_column, an object whose latest
    export says deleted is dropped (customers). -#}
{% macro billing_current_records(object_name, deleted_column=none) -%}
    {{ latest_versions(
        source('billing', object_name), ['id'],
        deleted_column=deleted_column, lineage_prefix='_'
    ) }}
{%- endmacro %}
