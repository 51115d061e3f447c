{#- One row per Stripe invoice line item (its latest export), with its invoice's customer, status
    and creation month, and the line amount (negative for credits) in the reporting currency at
    the rate of the invoice's creation month (NULL when no rate or no invoice, never 1.0).
    Incremental (docs/incremental.md): a run recomputes the lines whose kept version landed in
    its window and the lines of the invoices recomputed in it (int_invoices_converted), so a line
    follows its invoice's later status. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='invoice_line_item_id',
    on_schema_change='fail'
) }}
with

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

line_items as (

    select * from {{ ref('stg_billing__invoice_line_items') }}
    {%- if is_incremental() %}
    where
        {{ landed_window_predicate('landed_date') }}
        or invoice_id in (
            select invoices.invoice_id from invoices
            where {{ landed_window_predicate('invoices.landed_date') }}
        )
    {%- endif %}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        -- ids
        line_items.invoice_line_item_id,
        line_items.invoice_id,
        invoices.customer_id,
        line_items.subscription_id,
        line_items.subscription_item_id,
        line_items.price_id,

        -- strings
        line_items.line_item_type,
        line_items.currency,
        line_items.description,
        invoices.status as invoice_status,

        -- numerics (major units of the line currency; amount is negative for credits)
        line_items.quantity,
        line_items.amount,
        line_items.discount_amount,
        {{ to_reporting_currency('line_items.amount', 'fx') }} as amount_reporting,

        -- booleans
        line_items.is_proration,
        coalesce(invoices.is_revenue, false) as is_revenue,

        -- dates
        invoices.created_month_start_date as invoice_month_start_date,

        -- timestamps
        line_items.period_start_at,
        line_items.period_end_at,
        line_items.loaded_at,

        -- lineage: the later of the line's and its invoice's landing
        greatest(line_items.landed_date, coalesce(invoices.landed_date, line_items.landed_date)) as landed_date

    from line_items
    left join invoices
        on line_items.invoice_id = invoices.invoice_id
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'line_items.currency', 'invoices.created_month_start_date') }}

)

select * from final
