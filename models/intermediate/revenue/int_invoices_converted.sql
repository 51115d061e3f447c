{#- One row per Stripe invoice (its latest export): amounts in the invoice currency and the total
    in the reporting currency at the average rate of the invoice's creation month (company time
    zone; NULL when no rate, never 1.0), and whether the invoice counts as invoiced revenue (not
    void, not draft). The billing marts read invoices here, not from staging.
    Incremental (docs/incremental.md): a run recomputes the invoices whose kept version (the
    latest landed, e.g. the export after it was paid or voided) landed in its window. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='invoice_id',
    on_schema_change='fail'
) }}
with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}
    {{- incremental_window_filter('landed_date') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

dated as (

    select
        *,
        {{ to_company_date('created_at') }} as created_date,
        cast({{ dbt.date_trunc('month', to_company_date('created_at')) }} as date) as created_month_start_date
    from invoices

),

final as (

    select
        -- ids
        dated.invoice_id,
        dated.customer_id,
        dated.subscription_id,

        -- strings
        dated.invoice_number,
        dated.status,
        dated.currency,

        -- numerics (major units of the invoice currency)
        dated.subtotal,
        dated.total_discount_amount,
        dated.tax,
        dated.total,
        dated.amount_due,
        dated.amount_paid,
        dated.amount_remaining,

        -- numerics (reporting currency, at the rate of the creation month)
        {{ to_reporting_currency('dated.total', 'fx') }} as total_reporting,

        -- booleans
        dated.status not in {{ non_revenue_invoice_statuses() }} as is_revenue,

        -- dates
        dated.created_date,
        dated.created_month_start_date,

        -- timestamps
        dated.created_at,
        dated.period_start_at,
        dated.period_end_at,
        dated.due_at,
        dated.paid_at,
        dated.loaded_at,

        -- lineage
        dated.landed_date

    from dated
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'dated.currency', 'dated.created_month_start_date') }}

)

select * from final
