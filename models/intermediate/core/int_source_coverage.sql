{{ config(materialized='table') }}

{#- What the landing holds: one row per source table (macro coverage_source_tables, where each
    table's business date is named), with its row count and date range. An absent system is
    zero rows here, never an error. -#}
with

coverage as (

    {{ source_coverage_sql() }}

),

final as (

    select
        system,
        source_table,
        table_role,
        cast(row_count as bigint) as row_count,
        row_count > 0 as is_present,
        first_date,
        last_date,
        latest_event_date,
        last_landed_date,
        cast(coalesce(last_landed_rows, 0) as bigint) as last_landed_rows
    from coverage

)

select * from final
