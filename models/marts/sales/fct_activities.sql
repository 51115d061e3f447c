{#- One row per live CRM activity (task or event): category, customer-facing flag, rep, date,
    fiscal period, logged duration and the related lead, contact, opportunity and account. -#}
with

activities as (

    select * from {{ ref('int_activities_classified') }}

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
