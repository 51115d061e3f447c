with

source as (

    {{ billing_current_records('coupons') }}

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
        {{ lineage_columns() }}

    from source

)

select * from renamed
