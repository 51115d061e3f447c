with

source as (

    select * from {{ source('billing', 'refunds') }}

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
        id as refund_id,
        charge_id,

        -- strings
        lower(status) as status,
        lower(reason) as reason,
        upper(currency) as currency,

        -- numerics (major units of currency)
        {{ minor_to_major_units('amount', 'currency') }} as amount,

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
