{#- One row per live CRM price book entry (Salesforce PricebookEntry): a product's list price in
    one price book and currency; the latest version by system_modstamp, soft-deleted dropped. -#}
with

source as (

    {{ crm_current_records('pricebook_entry') }}

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
        {{ lineage_columns() }}

    from source

)

select * from renamed
