{#- No churn is dropped or counted twice on the way to the reasons: for every month, the churned
    customers and churned MRR of mart_churn_reasons_monthly (all reasons) = those of
    mart_revenue_monthly (segment 'All'), to the cent; a month with churn in one and not the
    other fails too. -#}
with

reasons as (

    select * from {{ ref('mart_churn_reasons_monthly') }}

),

revenue as (

    select * from {{ ref('mart_revenue_monthly') }}

),

reason_totals as (

    select
        month_start_date,
        sum(churned_customers) as churned_customers,
        sum(churned_mrr) as churned_mrr
    from reasons
    group by month_start_date

),

published as (

    select
        month_start_date,
        churned_customers,
        churn_mrr
    from revenue
    where segment = 'All'

)

select
    published.month_start_date,
    published.churned_customers,
    reason_totals.churned_customers as reason_churned_customers,
    published.churn_mrr,
    reason_totals.churned_mrr as reason_churned_mrr
from published
full outer join reason_totals
    on published.month_start_date = reason_totals.month_start_date
where
    coalesce(published.churned_customers, 0) != coalesce(reason_totals.churned_customers, 0)
    or abs(coalesce(published.churn_mrr, 0) - coalesce(reason_totals.churned_mrr, 0)) >= 0.01
