with

source as (

    select * from {{ source('billing', 'invoices') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id']) }} as version_rank
    from source

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
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from ranked
    where version_rank = 1

),

final as (

    select * from renamed

)

select * from final
