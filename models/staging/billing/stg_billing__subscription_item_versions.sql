{#- Every landed version of every Stripe subscription item: one row per raw row, renamed and
    cast (quantity 1 when not given). Stripe changes the price or the quantity of an item in
    place (same id) on an upgrade, a downgrade or a seat change, so the versions are the item's
    price and quantity history: int_subscription_item_periods dates them, and
    stg_billing__subscription_items keeps the latest version of each item from here (macro
    latest_versions). -#}
with

source as (

    select * from {{ source('billing', 'subscription_items') }}

),

renamed as (

    select
        -- ids
        id as subscription_item_id,
        subscription_id,
        price_id,

        -- numerics
        coalesce(quantity, 1) as quantity,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        {{ epoch_to_timestamp('ended_at') }} as ended_at,

        -- lineage
        {{ lineage_columns(record=true) }}

    from source

)

select * from renamed
