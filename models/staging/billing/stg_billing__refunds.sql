with

source as (

    {{ billing_current_records('refunds') }}

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
        {{ lineage_columns() }}

    from source

)

select * from renamed
