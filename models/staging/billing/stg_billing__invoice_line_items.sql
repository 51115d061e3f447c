with

source as (

    select * from {{ source('billing', 'invoice_line_items') }}

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
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from ranked
    where version_rank = 1

),

final as (

    select * from renamed

)

select * from final
