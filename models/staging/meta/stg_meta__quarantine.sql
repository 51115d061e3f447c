with

source as (
    select * from {{ source('meta', 'quarantine') }}
),

renamed as (
    select
        -- ids
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast({{ adapter.quote('table') }} as {{ dbt.type_string() }}) as table_name,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,

        -- strings
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(problem as {{ dbt.type_string() }}) as problem,
        cast(raw_value as {{ dbt.type_string() }}) as raw_value,
        -- the problem without the quoted value ("'abc' is not a decimal number" ->
        -- "is not a decimal number"), so that rows failing the same check share it
        cast(
            coalesce(trim(replace(problem, {{ dbt.concat(["''''", 'raw_value', "''''"]) }}, '')), problem)
            as {{ dbt.type_string() }}
        ) as problem_kind,

        -- dates and timestamps
        cast(quarantined_at as {{ dbt.type_timestamp() }}) as quarantined_at,
        cast(landed_date as date) as landed_date
    from source
)

select * from renamed
