with

source as (
    {{ latest_versions(source('plan', 'revenue_plan'), ['month'], lineage_prefix='_') }}
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
        {{ lineage_columns() }}
    from source
)

select * from renamed
