{#- Which landing tables the warehouse holds and which marts each one feeds: one row per source
    table, present or not, so a team sees at a glance why a mart is empty. -#}
with

coverage as (

    select * from {{ ref('int_source_coverage') }}

),

fed_marts as (

    {{ source_mart_pairs_sql() }}

),

feeds as (

    select
        system,
        source_table,
        {{ dbt.listagg('mart_name', "', '", 'order by mart_name') }} as feeds_marts
    from fed_marts
    group by system, source_table

),

final as (

    select
        cast(coverage.system as {{ dbt.type_string() }}) as system,
        cast(coverage.source_table as {{ dbt.type_string() }}) as source_table,
        cast(coverage.is_present as boolean) as is_present,
        cast(coverage.row_count as bigint) as row_count,
        cast(coverage.first_date as date) as first_date,
        cast(coverage.last_date as date) as last_date,
        cast(coverage.last_landed_date as date) as last_landed_date,
        cast(coalesce(feeds.feeds_marts, '') as {{ dbt.type_string() }}) as feeds_marts
    from coverage
    left join feeds
        on
            coverage.system = feeds.system
            and coverage.source_table = feeds.source_table

)

select * from final
