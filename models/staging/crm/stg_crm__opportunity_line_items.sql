{#- One row per live CRM opportunity line item (Salesforce OpportunityLineItem): a product on an
    opportunity, amounts in the opportunity's currency; the latest version by system_modstamp,
    soft-deleted dropped. -#}
with

source as (

    {{ crm_current_records('opportunity_line_item') }}

),

renamed as (

    select
        -- ids
        id as line_item_id,
        opportunity_id,
        product_2_id as product_id,
        pricebook_entry_id,

        -- numerics
        quantity,
        unit_price as sales_price,
        list_price,
        total_price,
        discount as discount_pct,

        -- dates
        service_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
