with

source as (

    select * from {{ source('billing', 'products') }}

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
        id as product_id,

        -- strings
        name as product_name,
        metadata,

        -- booleans
        active as is_active,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from ranked
    where version_rank = 1

),

final as (

    select * from renamed

)

select * from final
