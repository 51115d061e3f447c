with

source as (

    {{ billing_current_records('discounts') }}

),

renamed as (

    select
        -- ids
        id as discount_id,
        coupon_id,
        customer_id,
        subscription_id,

        -- timestamps
        {{ epoch_to_timestamp('"start"') }} as started_at,
        {{ epoch_to_timestamp('"end"') }} as ended_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
