{#- One row per cohort month x months since: a cohort is the customers whose first month with
    MRR > 0 (first-paid month) is cohort_month; months_since 0 is that month itself. Logo
    retention = cohort customers with MRR > 0 / cohort size; MRR retention = the cohort's MRR /
    its MRR in month 0 (expansion can lift it above 1). -#}
with

customer_months as (

    select * from {{ ref('int_customer_mrr_monthly') }}

),

first_paid as (

    select
        customer_id,
        min(month_start_date) as cohort_month
    from customer_months
    where mrr > 0
    group by customer_id

),

cohort_months as (

    select
        first_paid.cohort_month,
        customer_months.customer_id,
        customer_months.mrr,
        cast(
            {{ dbt.datediff('first_paid.cohort_month', 'customer_months.month_start_date', 'month') }}
            as integer
        ) as months_since
    from customer_months
    inner join first_paid
        on customer_months.customer_id = first_paid.customer_id
    where customer_months.month_start_date >= first_paid.cohort_month

),

aggregated as (

    select
        cohort_month,
        months_since,
        count(case when mrr > 0 then 1 end) as customers_active,
        sum(mrr) as mrr
    from cohort_months
    group by cohort_month, months_since

),

with_cohort_size as (

    select
        aggregated.*,
        first_value(aggregated.customers_active) over (
            partition by aggregated.cohort_month order by aggregated.months_since
        ) as cohort_customers,
        first_value(aggregated.mrr) over (
            partition by aggregated.cohort_month order by aggregated.months_since
        ) as cohort_starting_mrr
    from aggregated

),

final as (

    select
        -- keys
        cohort_month,
        months_since,

        -- numerics
        cast(cohort_customers as integer) as cohort_customers,
        cast(customers_active as integer) as customers_active,
        {{ safe_divide('customers_active', 'cohort_customers') }} as logo_retention,
        cast(cohort_starting_mrr as decimal(38, 6)) as cohort_starting_mrr,
        cast(mrr as decimal(38, 6)) as mrr,
        {{ safe_divide('mrr', 'cohort_starting_mrr') }} as mrr_retention,

        -- dates
        cast({{ dbt.dateadd('month', 'months_since', 'cohort_month') }} as date) as month_start_date

    from with_cohort_size

)

select * from final
