with

source as (

    {{ billing_current_records('invoices') }}

),

renamed as (

    select
        -- ids
        id as invoice_id,
        customer_id,
        subscription_id,

        -- strings
        number as invoice_number,
        lower(status) as status,
        upper(currency) as currency,

        -- numerics (major units of currency)
        {{ minor_to_major_units('subtotal', 'currency') }} as subtotal,
        {{ minor_to_major_units('total_discount_amount', 'currency') }} as total_discount_amount,
        {{ minor_to_major_units('tax', 'currency') }} as tax,
        {{ minor_to_major_units('total', 'currency') }} as total,
        {{ minor_to_major_units('amount_due', 'currency') }} as amount_due,
        {{ minor_to_major_units('amount_paid', 'currency') }} as amount_paid,
        {{ minor_to_major_units('amount_remaining', 'currency') }} as amount_remaining,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        {{ epoch_to_timestamp('period_start') }} as period_start_at,
        {{ epoch_to_timestamp('period_end') }} as period_end_at,
        {{ epoch_to_timestamp('due_date') }} as due_at,
        {{ epoch_to_timestamp('paid_at') }} as paid_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
