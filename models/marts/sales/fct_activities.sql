{#- One row per live CRM activity (task or event): category, customer-facing flag, rep, date,
    fiscal period, logged duration and the related lead, contact, opportunity and account.
    Incremental (docs/incremental.md): a run with a window rewrites the activities of
    int_activities_classified landed in it (the only rows that run changed there) and deletes the
    ones no longer there; without a window it rewrites every activity. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='activity_id',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}
        delete from {{ this }}
        where activity_id not in (select activity_id from {{ ref('int_activities_classified') }})
    {% endif %}"
) }}
with

activities as (

    select * from {{ ref('int_activities_classified') }}
    {%- if is_incremental() and partition_window() %}
    where {{ landed_window_predicate('landed_date') }}
    {%- endif %}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

final as (

    select
        -- ids
        activities.activity_id,
        activities.rep_id,
        activities.lead_id,
        activities.contact_id,
        activities.opportunity_id,
        activities.account_id,

        -- strings
        activities.activity_source,
        activities.activity_type,
        activities.activity_category,
        calendar.fiscal_period_label,

        -- numerics
        activities.duration_seconds,
        calendar.fiscal_year,
        calendar.fiscal_quarter,
        calendar.fiscal_month,

        -- booleans
        activities.is_customer_facing,
        activities.is_sales_activity,

        -- dates
        activities.activity_date,
        activities.activity_month_start_date

    from activities
    left join calendar
        on activities.activity_date = calendar.date_day

)

select * from final
