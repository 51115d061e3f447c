{#- One row per match method (explicit, domain, unmatched) plus match_method = 'All': how many
    billing customers, and how much MRR of the as_of month, are matched to a CRM account, and
    by which method. Coverage = share of customers (and of MRR) whose method is not
    'unmatched'; shares are NULL when there is nothing to share. -#}
with

identity as (

    select * from {{ ref('int_customer_identity') }}

),

customer_months as (

    select * from {{ ref('int_customer_mrr_monthly') }}

),

month_spine as (

    select * from {{ ref('int_revenue_month_spine') }}

),

methods as (

    select 'explicit' as match_method
    union all
    select 'domain' as match_method
    union all
    select 'unmatched' as match_method

),

as_of_month as (

    select month_start_date
    from month_spine
    where is_as_of_month

),

latest_mrr as (

    select
        customer_months.customer_id,
        customer_months.match_method,
        customer_months.mrr
    from customer_months
    inner join as_of_month
        on customer_months.month_start_date = as_of_month.month_start_date

),

customers_by_method as (

    select
        match_method,
        count(*) as customers,
        count(case when has_unknown_metadata_account_id then 1 end) as customers_with_unknown_crm_id
    from identity
    group by match_method

),

mrr_by_method as (

    select
        match_method,
        count(case when mrr > 0 then 1 end) as active_customers,
        sum(mrr) as mrr
    from latest_mrr
    group by match_method

),

per_method as (

    select
        methods.match_method,
        coalesce(customers_by_method.customers, 0) as customers,
        coalesce(customers_by_method.customers_with_unknown_crm_id, 0) as customers_with_unknown_crm_id,
        coalesce(mrr_by_method.active_customers, 0) as active_customers,
        coalesce(mrr_by_method.mrr, 0) as mrr
    from methods
    left join customers_by_method
        on methods.match_method = customers_by_method.match_method
    left join mrr_by_method
        on methods.match_method = mrr_by_method.match_method

),

with_total as (

    select * from per_method
    union all
    select
        'All' as match_method,
        sum(customers) as customers,
        sum(customers_with_unknown_crm_id) as customers_with_unknown_crm_id,
        sum(active_customers) as active_customers,
        sum(mrr) as mrr
    from per_method

),

totals as (

    select
        sum(customers) as customers,
        sum(case when match_method != 'unmatched' then customers else 0 end) as matched_customers,
        sum(mrr) as mrr,
        sum(case when match_method != 'unmatched' then mrr else 0 end) as matched_mrr
    from per_method

),

final as (

    select
        -- keys
        with_total.match_method,

        -- counts
        cast(with_total.customers as integer) as customers,
        cast(with_total.customers_with_unknown_crm_id as integer) as customers_with_unknown_crm_id,
        cast(with_total.active_customers as integer) as active_customers,

        -- amounts
        cast(with_total.mrr as decimal(38, 6)) as mrr,

        -- shares of the total ('All': share matched by any method)
        {{ safe_divide(
            "case when with_total.match_method = 'All' then totals.matched_customers"
            ~ " else with_total.customers end",
            'totals.customers'
        ) }} as customer_share,
        {{ safe_divide(
            "case when with_total.match_method = 'All' then totals.matched_mrr"
            ~ " else with_total.mrr end",
            'totals.mrr'
        ) }} as mrr_share,

        -- dates
        as_of_month.month_start_date as as_of_month_start_date

    from with_total
    cross join totals
    left join as_of_month
        on true

)

select * from final
