with

source as (

    {{ billing_current_records('prices') }}

),

typed as (

    select
        *,
        coalesce(lower(type) = 'recurring', recurring_interval is not null) as is_recurring_price
    from source

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
        {{ lineage_columns() }}

    from typed

)

select * from renamed
