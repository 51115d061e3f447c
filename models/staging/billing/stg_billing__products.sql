with

source as (

    {{ billing_current_records('products') }}

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
        {{ lineage_columns() }}

    from source

)

select * from renamed
