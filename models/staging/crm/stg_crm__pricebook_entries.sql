{#- One row per live CRM price book entry (Salesforce PricebookEntry): a product's list price in
    one price book and currency; the latest version by system_modstamp, soft-deleted dropped. -#}
with

source as (

    {{ latest_versions(
        source('crm', 'pricebook_entry'), ['id'], 'system_modstamp',
        deleted_column='coalesce(is_deleted, false)', lineage_prefix='_'
    ) }}

),

renamed as (

    select
        -- ids
        id as pricebook_entry_id,
        pricebook_2_id as pricebook_id,
        product_2_id as product_id,

        -- strings
        {{ crm_currency_code('currency_iso_code') }} as currency_code,

        -- numerics
        unit_price as list_price,

        -- booleans
        is_active,
        use_standard_price,

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
