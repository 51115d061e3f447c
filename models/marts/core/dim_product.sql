{#- One row per live CRM product (Salesforce Product2): name, code, family and whether it can be
    sold. Empty for a CRM without products. -#}
with

products as (

    select * from {{ ref('stg_crm__products') }}

),

final as (

    select
        -- ids
        product_id,

        -- strings
        product_name,
        product_code,
        product_family,

        -- booleans
        coalesce(is_active, true) as is_active,

        -- timestamps
        created_at

    from products

)

select * from final
