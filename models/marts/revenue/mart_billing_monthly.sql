{#- One row per calendar month (company time zone) up to the as_of month: billed and collected
    revenue in the reporting currency, each amount converted at its own transaction month.
    invoiced = invoice totals by invoice creation month, void and draft invoices excluded;
    collected = succeeded charges by charge month (cash received, with or without an invoice);
    refunded = refunds by refund month, failed and canceled refunds excluded;
    net_collected = collected - refunded. -#}
with

month_spine as (

    select * from {{ ref('int_revenue_month_spine') }}

),

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

charges as (

    select * from {{ ref('stg_billing__charges') }}

),

refunds as (

    select * from {{ ref('stg_billing__refunds') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

as_of as (

    select cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as as_of_month

),

billing_events as (

    select
        'invoice' as event_type,
        currency,
        total as amount,
        cast({{ dbt.date_trunc('month', to_company_date('created_at')) }} as date) as month_start_date
    from invoices
    where status not in {{ non_revenue_invoice_statuses() }}

    union all

    select
        case when status = 'succeeded' then 'charge' else 'failed_charge' end as event_type,
        currency,
        amount,
        cast({{ dbt.date_trunc('month', to_company_date('created_at')) }} as date) as month_start_date
    from charges

    union all

    select
        'refund' as event_type,
        currency,
        amount,
        cast({{ dbt.date_trunc('month', to_company_date('created_at')) }} as date) as month_start_date
    from refunds
    where coalesce(status, 'succeeded') not in ('failed', 'canceled')

),

converted as (

    select
        billing_events.event_type,
        billing_events.month_start_date,
        {{ to_reporting_currency('billing_events.amount', 'fx') }} as amount_reporting
    from billing_events
    inner join as_of
        on billing_events.month_start_date <= as_of.as_of_month
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'billing_events.currency', 'billing_events.month_start_date') }}

),

months as (

    select month_start_date from month_spine
    union
    select month_start_date from converted

),

aggregated as (

    select
        month_start_date,
        -- a NULL amount (no FX rate) makes its month NULL, never understated: a test warns and
        -- dq_fx_rates_missing names the currency and month
        case
            when count(case when event_type = 'invoice' and amount_reporting is null then 1 end) = 0
                then coalesce(sum(case when event_type = 'invoice' then amount_reporting end), 0)
        end as invoiced,
        case
            when count(case when event_type = 'charge' and amount_reporting is null then 1 end) = 0
                then coalesce(sum(case when event_type = 'charge' then amount_reporting end), 0)
        end as collected,
        case
            when count(case when event_type = 'refund' and amount_reporting is null then 1 end) = 0
                then coalesce(sum(case when event_type = 'refund' then amount_reporting end), 0)
        end as refunded,
        count(case when event_type = 'invoice' then 1 end) as invoice_count,
        count(case when event_type = 'charge' then 1 end) as charge_count,
        count(case when event_type = 'failed_charge' then 1 end) as failed_charge_count,
        count(case when event_type = 'refund' then 1 end) as refund_count
    from converted
    group by month_start_date

),

final as (

    select
        -- keys
        months.month_start_date,

        -- amounts in the reporting currency
        cast(
            coalesce(aggregated.invoiced, case when aggregated.month_start_date is null then 0 end)
            as decimal(38, 6)
        ) as invoiced,
        cast(
            coalesce(aggregated.collected, case when aggregated.month_start_date is null then 0 end)
            as decimal(38, 6)
        ) as collected,
        cast(
            coalesce(aggregated.refunded, case when aggregated.month_start_date is null then 0 end)
            as decimal(38, 6)
        ) as refunded,
        cast(
            coalesce(aggregated.collected, case when aggregated.month_start_date is null then 0 end)
            - coalesce(aggregated.refunded, case when aggregated.month_start_date is null then 0 end)
            as decimal(38, 6)
        ) as net_collected,

        -- counts
        cast(coalesce(aggregated.invoice_count, 0) as integer) as invoice_count,
        cast(coalesce(aggregated.charge_count, 0) as integer) as charge_count,
        cast(coalesce(aggregated.failed_charge_count, 0) as integer) as failed_charge_count,
        cast(coalesce(aggregated.refund_count, 0) as integer) as refund_count

    from months
    left join aggregated
        on months.month_start_date = aggregated.month_start_date

)

select * from final
