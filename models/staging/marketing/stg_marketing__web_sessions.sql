{#- One row per web session: the latest version of stg_marketing__web_session_versions (macro
    latest_versions). -#}
with

latest as (
    {{ latest_versions(ref('stg_marketing__web_session_versions'), ['session_id']) }}
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
        loaded_at,
        landed_date
    from latest
)

select * from final
