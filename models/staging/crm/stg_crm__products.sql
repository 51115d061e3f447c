{#- One row per live CRM product (Salesforce Product2): the latest version by system_modstamp,
    soft-deleted dropped. -#}
with

source as (

    {{ latest_versions(
        source('crm', 'product_2'), ['id'], 'system_modstamp',
        deleted_column='coalesce(is_deleted, false)', lineage_prefix='_'
    ) }}

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
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from source

),

final as (

    select * from renamed

)

select * from final
