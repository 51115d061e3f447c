with

source as (

    select * from {{ source('billing', 'coupons') }}

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
        id as coupon_id,

        -- strings
        name as coupon_name,
        upper(currency) as currency,
        lower(duration) as duration,

        -- numerics (percent_off stays a percent, 0-100)
        cast(percent_off as {{ dbt.type_numeric() }}) as percent_off,
        {{ minor_to_major_units('amount_off', 'currency') }} as amount_off,
        duration_in_months,

        -- booleans
        valid as is_valid,

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
