{#- One row per live CRM product (Salesforce Product2): the latest version by system_modstamp,
    soft-deleted dropped. -#}
with

source as (

    {{ crm_current_records('product_2') }}

),

renamed as (

    select
        -- ids
        id as product_id,

        -- strings
        name as product_name,
        product_code,
        family as product_family,

        -- booleans
        is_active,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
