{#- Per month, the MRR of mart_customer_mix_monthly summed over industry x size band equals the
    'All' MRR of mart_revenue_monthly exactly (no revenue dropped by the account join, unmatched
    customers included under 'unknown'), and so do the active customer counts. A month missing on
    one side counts as 0 there. The shares of every month add up to 1. -#}
{{ config(tags=['reconciliation']) }}

with

customer_mix as (
    select * from {{ ref('mart_customer_mix_monthly') }}
),

revenue_monthly as (
    select * from {{ ref('mart_revenue_monthly') }}
),

mix_by_month as (
    select
        month_start_date,
        sum(mrr) as mrr,
        sum(active_customers) as active_customers,
        sum(share_of_customers) as share_of_customers,
        sum(share_of_mrr) as share_of_mrr
    from customer_mix
    group by month_start_date
),

revenue_total as (
    select
        month_start_date,
        mrr,
        active_customers
    from revenue_monthly
    where segment = 'All'
)

select
    coalesce(mix_by_month.month_start_date, revenue_total.month_start_date) as month_start_date,
    mix_by_month.mrr as mix_mrr,
    revenue_total.mrr as revenue_mrr,
    mix_by_month.active_customers as mix_active_customers,
    revenue_total.active_customers as revenue_active_customers,
    mix_by_month.share_of_customers,
    mix_by_month.share_of_mrr
from mix_by_month
full outer join revenue_total
    on mix_by_month.month_start_date = revenue_total.month_start_date
where
    coalesce(mix_by_month.mrr, 0) != coalesce(revenue_total.mrr, 0)
    or coalesce(mix_by_month.active_customers, 0) != coalesce(revenue_total.active_customers, 0)
    or abs(mix_by_month.share_of_customers - 1) > 0.000001
    or abs(mix_by_month.share_of_mrr - 1) > 0.000001
