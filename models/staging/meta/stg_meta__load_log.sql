with

source as (
    select * from {{ source('meta', 'load_log') }}
),

renamed as (
    select
        -- ids
        cast(file as {{ dbt.type_string() }}) as file,
        cast(sha256 as {{ dbt.type_string() }}) as sha256,
        cast({{ adapter.quote('table') }} as {{ dbt.type_string() }}) as table_name,

        -- strings
        cast(status as {{ dbt.type_string() }}) as status,
        cast(error as {{ dbt.type_string() }}) as error,

        -- numerics
        cast(rows_in as {{ dbt.type_bigint() }}) as rows_in,
        cast(rows_loaded as {{ dbt.type_bigint() }}) as rows_loaded,
        cast(rows_quarantined as {{ dbt.type_bigint() }}) as rows_quarantined,

        -- dates and timestamps
        cast(loaded_at as {{ dbt.type_timestamp() }}) as attempted_at,
        cast(landed_date as date) as landed_date
    from source
)

select * from renamed
