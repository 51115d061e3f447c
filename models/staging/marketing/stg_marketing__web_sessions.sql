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
        _loaded_at as loaded_at,
        {{ latest_version_rank(['session_id']) }} as version_rank
    from source
),

final as (
    select
        session_id,
        anonymous_id,
        landing_page,
        referrer,
        utm_source,
        utm_medium,
        utm_campaign,
        device_type,
        country,
        pageviews,
        started_date,
        started_at,
        loaded_at
    from renamed
    where version_rank = 1
)

select * from final
