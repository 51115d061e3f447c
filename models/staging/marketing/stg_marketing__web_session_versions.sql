{#- Every landed version of every web session: one row per raw row, renamed and cast.
    stg_marketing__web_sessions keeps the latest version of each session from here (macro
    latest_versions); incremental models read the versions of only the sessions landed in their
    window. -#}
with

source as (
    select * from {{ source('marketing', 'web_sessions') }}
),

renamed as (
    select
        -- ids
        cast(session_id as {{ dbt.type_string() }}) as session_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,

        -- strings
        landing_page,
        referrer,
        nullif(lower(trim(utm_source)), '') as utm_source,
        nullif(lower(trim(utm_medium)), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,
        device_type,
        country,

        -- numerics
        cast(pageviews as bigint) as pageviews,

        -- dates
        {{ to_company_date('started_at') }} as started_date,

        -- timestamps
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,

        -- lineage
        {{ lineage_columns(record=true) }}
    from source
)

select * from renamed
