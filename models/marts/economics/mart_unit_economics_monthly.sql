{#- Grain: one row per calendar month with billing or marketing data, up to the month of
    as_of_date. Acquisition cost and new customers come from the 'All' row of
    mart_marketing_channel_monthly (ad spend, team cost, first closed-won accounts, paid and
    fully loaded CAC: defined there once); ARPA, logo churn and new customers' MRR from the 'All'
    segment of mart_revenue_monthly. LTV, LTV:CAC and CAC payback: macros ltv (lifetime capped
    at var ltv_lifetime_cap_months) and cac_payback_months (var gross_margin); LTV:CAC and payback are published on paid CAC and on
    fully loaded CAC, each named for the CAC it divides by. Every ratio is NULL on a zero
    denominator. -#}
with

marketing_monthly as (

    select * from {{ ref('mart_marketing_channel_monthly') }}

),

revenue_monthly as (

    select * from {{ ref('mart_revenue_monthly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

acquisition as (

    select
        month_start_date,
        ad_spend,
        programme_cost,
        team_cost,
        new_customers,
        paid_cac,
        fully_loaded_cac
    from marketing_monthly
    where is_total

),

revenue as (

    select
        month_start_date,
        active_customers,
        arpa,
        logo_churn_rate,
        -- the trailing 3-month mean of the monthly rates (this month and the two before; months
        -- without a rate are skipped)
        avg(logo_churn_rate) over (
            order by month_start_date
            rows between 2 preceding and current row
        ) as logo_churn_rate_3m,
        new_customers as billing_new_customers,
        new_mrr,
        {{ safe_divide('new_mrr', 'new_customers') }} as new_customer_arpa
    from revenue_monthly
    where segment = 'All'

),

months as (

    select month_start_date from acquisition
    union
    select month_start_date from revenue

),

joined as (

    select
        months.month_start_date,
        acquisition.ad_spend,
        acquisition.programme_cost,
        acquisition.team_cost,
        acquisition.new_customers,
        acquisition.paid_cac,
        acquisition.fully_loaded_cac,
        revenue.active_customers,
        revenue.arpa,
        revenue.logo_churn_rate,
        revenue.logo_churn_rate_3m,
        revenue.billing_new_customers,
        revenue.new_mrr,
        revenue.new_customer_arpa,
        {{ expected_lifetime_months('revenue.logo_churn_rate_3m') }} as expected_lifetime_months,
        -- rounded as published, so LTV:CAC divides the LTV a reader sees
        cast({{ ltv('revenue.arpa', 'revenue.logo_churn_rate_3m') }} as decimal(38, 6)) as ltv
    from months
    left join acquisition
        on months.month_start_date = acquisition.month_start_date
    left join revenue
        on months.month_start_date = revenue.month_start_date
    where months.month_start_date <= {{ as_of_date() }}

),

final as (

    select
        -- keys
        cast(joined.month_start_date as date) as month_start_date,

        -- fiscal calendar
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.fiscal_month as integer) as fiscal_month,

        -- acquisition cost (reporting currency)
        cast(joined.ad_spend as decimal(38, 6)) as ad_spend,
        cast(joined.team_cost as decimal(38, 6)) as team_cost,
        cast(joined.new_customers as bigint) as new_customers,
        cast(joined.paid_cac as decimal(38, 6)) as paid_cac,
        cast(joined.fully_loaded_cac as decimal(38, 6)) as fully_loaded_cac,

        -- customer value
        cast(joined.active_customers as integer) as active_customers,
        cast(joined.arpa as decimal(38, 6)) as arpa,
        cast(joined.logo_churn_rate as double) as logo_churn_rate,
        cast(joined.logo_churn_rate_3m as double) as logo_churn_rate_3m,
        cast({{ var('gross_margin', 0.8) }} as double) as gross_margin,
        cast(joined.expected_lifetime_months as double) as expected_lifetime_months,
        cast(joined.ltv as decimal(38, 6)) as ltv,
        -- LTV:CAC on each CAC, named for the CAC it divides by (METRICS.md "LTV:CAC, CAC payback")
        cast({{ safe_divide('joined.ltv', 'joined.paid_cac') }} as double) as ltv_to_paid_cac,
        cast({{ safe_divide('joined.ltv', 'joined.fully_loaded_cac') }} as double)
            as ltv_to_fully_loaded_cac,

        -- payback
        cast(joined.billing_new_customers as integer) as billing_new_customers,
        cast(joined.new_mrr as decimal(38, 6)) as new_mrr,
        cast(joined.new_customer_arpa as decimal(38, 6)) as new_customer_arpa,
        cast({{ cac_payback_months('joined.paid_cac', 'joined.new_customer_arpa') }} as double)
            as paid_cac_payback_months,
        cast({{ cac_payback_months('joined.fully_loaded_cac', 'joined.new_customer_arpa') }} as double)
            as fully_loaded_cac_payback_months,

        -- added after the columns above (the BI contract keeps column order)
        cast(joined.programme_cost as decimal(38, 6)) as programme_cost

    from joined
    left join dim_date
        on joined.month_start_date = dim_date.date_day

)

select * from final
