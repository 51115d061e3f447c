{#- One row per live CRM activity: tasks (calls, emails, to-dos) and events (meetings, demos,
    internal) unioned and classified by the seed activity_classification (category call / email /
    meeting / demo / other, customer-facing or not). A source/type pair the seed does not know is
    category 'unmapped' and not customer-facing. The rep is the activity owner; the polymorphic
    who_id / what_id are split into lead, contact, opportunity and account ids by key prefix.
    Incremental (docs/incremental.md): a run recomputes the tasks and events with a version
    landed in its window (their latest version, wherever it landed; late activities are found
    by landing date, not activity date) and deletes those whose latest version is soft-deleted. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='activity_id',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}
        delete from {{ this }}
        where activity_id in (
            {{ keys_deleted_in_window(ref('stg_crm__task_versions'), 'task_id') }}
            union all
            {{ keys_deleted_in_window(ref('stg_crm__event_versions'), 'event_id') }}
        )
    {% endif %}"
) }}
-- depends_on: {{ ref('stg_crm__task_versions') }}
-- depends_on: {{ ref('stg_crm__event_versions') }}
{%- set task_versions = ref('stg_crm__task_versions') %}
{%- set event_versions = ref('stg_crm__event_versions') %}
{%- set changed_tasks = keys_landed_in_window(task_versions, ['task_id']) %}
{%- set changed_events = keys_landed_in_window(event_versions, ['event_id']) %}
with

tasks as (

    {{ kept_records(
        ref('stg_crm__tasks'), task_versions, ['task_id'], 'updated_at', 'is_deleted', keys_sql=changed_tasks
    ) }}

),

events as (

    {{ kept_records(
        ref('stg_crm__events'), event_versions, ['event_id'], 'updated_at', 'is_deleted', keys_sql=changed_events
    ) }}

),

activity_classification as (

    select * from {{ ref('activity_classification') }}

),

unioned as (

    select
        task_id as activity_id,
        'task' as activity_source,
        coalesce(task_type, task_subtype) as activity_type,
        owner_id,
        who_id,
        what_id,
        account_id,
        duration_seconds,
        activity_date,
        landed_date
    from tasks

    union all

    select
        event_id as activity_id,
        'event' as activity_source,
        event_type as activity_type,
        owner_id,
        who_id,
        what_id,
        account_id,
        duration_seconds,
        activity_date,
        landed_date
    from events

),

classified as (

    select
        unioned.*,
        coalesce(
            activity_classification.activity_category, '{{ var("unmapped_activity_category") }}'
        ) as activity_category,
        coalesce(cast(activity_classification.is_customer_facing as boolean), false) as is_customer_facing
    from unioned
    left join activity_classification
        on
            unioned.activity_source = activity_classification.activity_source
            and lower(trim(unioned.activity_type)) = lower(trim(activity_classification.activity_type))

),

final as (

    select
        -- ids
        activity_id,
        owner_id as rep_id,
        {{ crm_id_if_object('who_id', 'lead') }} as lead_id,
        {{ crm_id_if_object('who_id', 'contact') }} as contact_id,
        {{ crm_id_if_object('what_id', 'opportunity') }} as opportunity_id,
        coalesce(account_id, {{ crm_id_if_object('what_id', 'account') }}) as account_id,

        -- strings
        activity_source,
        activity_type,
        activity_category,

        -- numerics
        cast(duration_seconds as bigint) as duration_seconds,

        -- booleans
        is_customer_facing,
        {{ is_sales_activity('activity_category') }} as is_sales_activity,

        -- dates
        activity_date,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as activity_month_start_date,

        -- lineage
        landed_date

    from classified

)

select * from final
