with

source as (

    select * from {{ source('billing', 'prices') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id']) }} as version_rank
    from source

),

typed as (

    select
        *,
        coalesce(lower(type) = 'recurring', recurring_interval is not null) as is_recurring_price
    from ranked
    where version_rank = 1

),

renamed as (

    select
        -- ids
        id as price_id,
        product_id,

        -- strings
        nickname as price_nickname,
        lower(type) as price_type,
        upper(currency) as currency,
        lower(recurring_interval) as recurring_interval,

        -- numerics
        {{ minor_to_major_units('unit_amount', 'currency') }} as unit_amount,
        case
            when is_recurring_price then coalesce(recurring_interval_count, 1)
        end as recurring_interval_count,

        -- booleans
        is_recurring_price as is_recurring,
        active as is_active,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from typed

),

final as (

    select * from renamed

)

select * from final
