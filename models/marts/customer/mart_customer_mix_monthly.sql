{#- Customer mix by industry and size band (METRICS.md "Customer"): one row per month x industry x
    size_band with at least one active customer (MRR > 0 on the month's measure date,
    int_customer_mrr_monthly). Industry and size band are those of the matched CRM account in
    dim_account (size band: macro employee_size_band); a customer without a matched live account,
    or whose account has no industry / employee count, falls under 'unknown', so no revenue is
    dropped: the mix MRR of a month sums to the 'All' MRR of mart_revenue_monthly. -#}
with

customer_months as (

    select * from {{ ref('int_customer_mrr_monthly') }}

),

accounts as (

    select * from {{ ref('dim_account') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

active_customers as (

    select
        customer_months.month_start_date,
        customer_months.month_end_date,
        customer_months.customer_id,
        customer_months.mrr,
        coalesce(nullif(trim(accounts.industry), ''), 'unknown') as industry,
        coalesce(accounts.size_band, 'unknown') as size_band
    from customer_months
    left join accounts
        on customer_months.crm_account_id = accounts.account_id
    where customer_months.mrr > 0

),

mix as (

    select
        month_start_date,
        month_end_date,
        industry,
        size_band,
        count(*) as active_customers,
        sum(mrr) as mrr
    from active_customers
    group by month_start_date, month_end_date, industry, size_band

),

with_totals as (

    select
        *,
        sum(active_customers) over (partition by month_start_date) as month_active_customers,
        sum(mrr) over (partition by month_start_date) as month_mrr
    from mix

),

final as (

    select
        -- keys
        cast(with_totals.month_start_date as date) as month_start_date,
        cast(with_totals.industry as {{ dbt.type_string() }}) as industry,
        cast(with_totals.size_band as {{ dbt.type_string() }}) as size_band,

        -- fiscal calendar
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.fiscal_month as integer) as fiscal_month,

        -- numerics
        cast(with_totals.active_customers as integer) as active_customers,
        cast(with_totals.mrr as decimal(38, 6)) as mrr,
        cast(12 * with_totals.mrr as decimal(38, 6)) as arr,
        cast(
            {{ safe_divide('with_totals.active_customers', 'with_totals.month_active_customers') }} as double
        ) as share_of_customers,
        cast({{ safe_divide('with_totals.mrr', 'with_totals.month_mrr') }} as double) as share_of_mrr,

        -- dates
        cast(with_totals.month_end_date as date) as month_end_date

    from with_totals
    left join dim_date
        on with_totals.month_start_date = dim_date.date_day

)

select * from final
