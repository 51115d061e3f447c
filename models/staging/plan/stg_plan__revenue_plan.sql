with

source as (
    select * from {{ source('plan', 'revenue_plan') }}
),

renamed as (
    select
        -- strings
        upper(trim(currency)) as currency_code,

        -- numerics
        cast(plan_bookings as {{ dbt.type_numeric() }}) as plan_bookings,
        cast(plan_new_mrr as {{ dbt.type_numeric() }}) as plan_new_mrr,
        cast(plan_ending_mrr as {{ dbt.type_numeric() }}) as plan_ending_mrr,
        cast(plan_new_customers as bigint) as plan_new_customers,
        cast(plan_demo_requests as bigint) as plan_demo_requests,
        cast(plan_sqls as bigint) as plan_sqls,
        cast(plan_pipeline_created as {{ dbt.type_numeric() }}) as plan_pipeline_created,

        -- dates
        cast(month as date) as month_start_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['month']) }} as version_rank
    from source
),

final as (
    select
        month_start_date,
        plan_bookings,
        plan_new_mrr,
        plan_ending_mrr,
        plan_new_customers,
        plan_demo_requests,
        plan_sqls,
        plan_pipeline_created,
        currency_code,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
