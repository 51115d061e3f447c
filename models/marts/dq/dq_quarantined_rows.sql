{#- Rows ingestion kept out of raw because a value broke the landing contract, counted per
    source file, raw table, column and problem. -#}
with

quarantine as (
    select * from {{ ref('stg_meta__quarantine') }}
),

final as (
    select
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(table_name as {{ dbt.type_string() }}) as table_name,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(problem_kind as {{ dbt.type_string() }}) as problem,
        cast(count(*) as {{ dbt.type_bigint() }}) as row_count,
        cast(min(raw_value) as {{ dbt.type_string() }}) as example_raw_value,
        cast(max(landed_date) as date) as landed_date
    from quarantine
    group by
        source_file,
        table_name,
        column_name,
        problem_kind
)

select * from final
