{#- One row per marketing touchpoint: every web session and every form submission, stitched to a
    lead or not, with its channel from its own UTM pair (seeds/channel_mapping, source_type utm,
    decided in int_channel_values; no UTM = Direct; an unknown pair = Unknown).
    Incremental (docs/incremental.md): a run recomputes the sessions and forms with a version
    landed in its window (their latest version; late sessions are found by landing date). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='touchpoint_id',
    on_schema_change='fail'
) }}
-- depends_on: {{ ref('stg_marketing__web_session_versions') }}
-- depends_on: {{ ref('stg_marketing__form_submission_versions') }}
{%- set session_versions = ref('stg_marketing__web_session_versions') %}
{%- set form_versions = ref('stg_marketing__form_submission_versions') %}
{%- set changed_sessions = keys_landed_in_window(session_versions, ['session_id']) %}
{%- set changed_forms = keys_landed_in_window(form_versions, ['submission_id']) %}
with

web_sessions as (
    {{ kept_records(ref('stg_marketing__web_sessions'), session_versions, ['session_id'], keys_sql=changed_sessions) }}
),

form_submissions as (
    {{ kept_records(ref('stg_marketing__form_submissions'), form_versions, ['submission_id'], keys_sql=changed_forms) }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

sessions as (
    select
        -- ids
        'session:' || session_id as touchpoint_id,
        session_id as source_record_id,
        anonymous_id,
        cast(null as {{ dbt.type_string() }}) as email_hash,

        -- strings
        'web_session' as touchpoint_type,
        cast(null as {{ dbt.type_string() }}) as form_name,
        utm_source,
        utm_medium,
        utm_campaign,

        -- booleans
        false as is_demo_request,

        -- timestamps
        started_at as touch_at,

        -- lineage
        landed_date
    from web_sessions
),

forms as (
    select
        -- ids
        'form:' || submission_id as touchpoint_id,
        submission_id as source_record_id,
        anonymous_id,
        email_hash,

        -- strings
        'form_submission' as touchpoint_type,
        form_name,
        utm_source,
        utm_medium,
        utm_campaign,

        -- booleans
        is_demo_request,

        -- timestamps
        submitted_at as touch_at,

        -- lineage
        landed_date
    from form_submissions
),

unioned as (
    select * from sessions
    union all
    select * from forms
),

final as (
    select
        -- ids
        unioned.touchpoint_id,
        unioned.source_record_id,
        unioned.anonymous_id,
        unioned.email_hash,

        -- strings
        unioned.touchpoint_type,
        unioned.form_name,
        unioned.utm_source,
        unioned.utm_medium,
        unioned.utm_campaign,
        {{ utm_channel_key('unioned.utm_source', 'unioned.utm_medium') }} as utm_key,
        coalesce(utm_channels.channel, '{{ var("unknown_channel") }}') as channel,

        -- booleans
        unioned.is_demo_request,

        -- dates
        {{ to_company_date('unioned.touch_at') }} as touch_date,

        -- timestamps
        unioned.touch_at,

        -- lineage
        unioned.landed_date
    from unioned
    left join channel_values as utm_channels
        on
            utm_channels.source_type = 'utm'
            and {{ utm_channel_key('unioned.utm_source', 'unioned.utm_medium') }} = utm_channels.source_value
)

select * from final
