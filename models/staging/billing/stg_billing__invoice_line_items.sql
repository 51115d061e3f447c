with

source as (

    {{ billing_current_records('invoice_line_items') }}

),

renamed as (

    select
        -- ids
        id as invoice_line_item_id,
        invoice_id,
        subscription_id,
        subscription_item_id,
        price_id,

        -- strings
        -- API 2025-03-31.basil and later land parent.type: its values name the same two kinds
        case lower(type)
            when 'subscription_item_details' then 'subscription'
            when 'invoice_item_details' then 'invoiceitem'
            else lower(type)
        end as line_item_type,
        upper(currency) as currency,
        description,

        -- numerics (major units of currency; amount is negative for credits)
        quantity,
        {{ minor_to_major_units('amount', 'currency') }} as amount,
        {{ minor_to_major_units('discount_amount', 'currency') }} as discount_amount,

        -- booleans
        coalesce(proration, false) as is_proration,

        -- timestamps
        {{ epoch_to_timestamp('period_start') }} as period_start_at,
        {{ epoch_to_timestamp('period_end') }} as period_end_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
