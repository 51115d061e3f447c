with

source as (

    select * from {{ source('billing', 'charges') }}

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
        id as charge_id,
        customer_id,
        invoice_id,

        -- strings
        lower(status) as status,
        upper(currency) as currency,
        failure_code,

        -- numerics (major units of currency)
        {{ minor_to_major_units('amount', 'currency') }} as amount,
        {{ minor_to_major_units('amount_refunded', 'currency') }} as amount_refunded,

        -- booleans
        coalesce(paid, false) as is_paid,
        coalesce(refunded, false) as is_refunded,

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
