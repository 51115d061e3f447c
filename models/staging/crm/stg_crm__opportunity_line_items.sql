{#- One row per live CRM opportunity line item (Salesforce OpportunityLineItem): a product on an
    opportunity, amounts in the opportunity's currency; the latest version by system_modstamp,
    soft-deleted dropped. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'opportunity_line_item') }}

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
        _loaded_at as loaded_at,
        _landed_date as landed_date

    from source
    where
        version_rank = 1
        and not coalesce(is_deleted, false)

),

final as (

    select * from renamed

)

select * from final
