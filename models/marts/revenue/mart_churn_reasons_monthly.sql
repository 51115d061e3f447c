{#- Why customers leave (METRICS.md "churn reasons"). Grain: one row per churn month x
    cancellation reason x cancellation feedback with at least one churned customer: the customers
    churned in the month (fct_customer_churns, the churn movements of fct_mrr_movements) and the
    MRR they took, by the Stripe cancellation_details of the subscription whose end dated the
    churn; 'unknown' where Stripe gives none (or no subscription ended). Shares are of the
    month's churned customers and churned MRR, so the month's rows add up to
    mart_revenue_monthly's churned_customers and churn_mrr (segment 'All'). -#}
with

churns as (

    select * from {{ ref('fct_customer_churns') }}

),

grouped as (

    select
        month_start_date,
        coalesce(cancellation_reason, 'unknown') as cancellation_reason,
        coalesce(cancellation_feedback, 'unknown') as cancellation_feedback,
        count(*) as churned_customers,
        sum(churn_mrr) as churned_mrr
    from churns
    group by month_start_date, coalesce(cancellation_reason, 'unknown'), coalesce(cancellation_feedback, 'unknown')

),

with_totals as (

    select
        *,
        sum(churned_customers) over (partition by month_start_date) as month_churned_customers,
        sum(churned_mrr) over (partition by month_start_date) as month_churned_mrr
    from grouped

),

final as (

    select
        -- keys
        cast(month_start_date as date) as month_start_date,
        cast(cancellation_reason as {{ dbt.type_string() }}) as cancellation_reason,
        cast(cancellation_feedback as {{ dbt.type_string() }}) as cancellation_feedback,

        -- counts and amounts (reporting currency)
        cast(churned_customers as bigint) as churned_customers,
        cast(churned_mrr as decimal(38, 6)) as churned_mrr,

        -- shares of the month's churn
        cast({{ safe_divide('churned_customers', 'month_churned_customers') }} as double)
            as share_of_churned_customers,
        cast({{ safe_divide('churned_mrr', 'month_churned_mrr') }} as double) as share_of_churned_mrr,

        -- dates
        cast({{ dbt.last_day('month_start_date', 'month') }} as date) as month_end_date

    from with_totals

)

select * from final
