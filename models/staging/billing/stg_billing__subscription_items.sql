with

source as (

    select * from {{ source('billing', 'subscription_items') }}

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
        id as subscription_item_id,
        subscription_id,
        price_id,

        -- numerics
        coalesce(quantity, 1) as quantity,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        {{ epoch_to_timestamp('ended_at') }} as ended_at,
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from ranked
    where version_rank = 1

),

final as (

    select * from renamed

)

select * from final
