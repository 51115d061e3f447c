{#- No revenue is dropped between the layers: for every month, the sum of item MRR
    (int_subscription_items_normalized) = the sum of customer MRR (int_customer_mrr_monthly)
    = the published MRR of mart_revenue_monthly (segment 'All'), to the cent. -#}
with

items as (

    select * from {{ ref('int_subscription_items_normalized') }}

),

customer_months as (

    select * from {{ ref('int_customer_mrr_monthly') }}

),

revenue as (

    select * from {{ ref('mart_revenue_monthly') }}

),

item_totals as (

    select
        month_start_date,
        sum(mrr) as item_mrr
    from items
    group by month_start_date

),

customer_totals as (

    select
        month_start_date,
        sum(mrr) as customer_mrr
    from customer_months
    group by month_start_date

),

published as (

    select
        month_start_date,
        mrr as published_mrr
    from revenue
    where segment = 'All'

)

select
    published.month_start_date,
    published.published_mrr,
    customer_totals.customer_mrr,
    item_totals.item_mrr
from published
left join customer_totals
    on published.month_start_date = customer_totals.month_start_date
left join item_totals
    on published.month_start_date = item_totals.month_start_date
where
    abs(published.published_mrr - coalesce(customer_totals.customer_mrr, 0)) >= 0.01
    or abs(published.published_mrr - coalesce(item_totals.item_mrr, 0)) >= 0.01
