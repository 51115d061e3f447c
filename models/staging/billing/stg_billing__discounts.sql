with

source as (

    select * from {{ source('billing', 'discounts') }}

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
        id as discount_id,
        coupon_id,
        customer_id,
        subscription_id,

        -- timestamps
        {{ epoch_to_timestamp('"start"') }} as started_at,
        {{ epoch_to_timestamp('"end"') }} as ended_at,
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from ranked
    where version_rank = 1

),

final as (

    select * from renamed

)

select * from final
