with

source as (

    {{ billing_current_records('charges') }}

),

renamed as (

    select
        -- ids
        id as charge_id,
        customer_id,
        invoice_id,

        -- strings
        lower(status) as status,
        upper(currency) as currency,
        failure_code,

        -- numerics (major units of currency)
        {{ minor_to_major_units('amount', 'currency') }} as amount,
        {{ minor_to_major_units('amount_refunded', 'currency') }} as amount_refunded,

        -- booleans
        coalesce(paid, false) as is_paid,
        coalesce(refunded, false) as is_refunded,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
