{{ config(materialized='table') }}

{#- Each landing day of each source table and the rows it brought (macro source_landings_sql).
    dq_source_freshness reads the last landing day up to as_of_date from it, so a rerun of a
    past day is measured against what had landed by then. -#}
with

landings as (

    {{ source_landings_sql() }}

),

final as (

    select
        system,
        source_table,
        landed_date,
        cast(landed_rows as bigint) as landed_rows
    from landings

)

select * from final
