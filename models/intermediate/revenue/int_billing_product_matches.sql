{#- One row per billing (Stripe) product: the CRM product it matches and how.
    1. explicit: metadata.salesforce_product_id, only when that CRM product is live;
    2. name: the one live CRM product whose name equals the billing product's (trimmed,
       case-insensitive); a name two CRM products share matches neither;
    3. unmatched: no CRM product. -#}
with

billing_products as (

    select * from {{ ref('stg_billing__products') }}

),

crm_products as (

    select * from {{ ref('stg_crm__products') }}

),

crm_names as (

    select
        lower(trim(product_name)) as name_key,
        min(product_id) as product_id
    from crm_products
    group by lower(trim(product_name))
    having count(*) = 1

),

explicit_ids as (

    select
        product_id,
        nullif(trim({{ json_extract_text('metadata', 'salesforce_product_id') }}), '') as crm_product_id
    from billing_products

),

final as (

    select
        -- ids
        billing_products.product_id,
        coalesce(explicit_match.product_id, crm_names.product_id) as crm_product_id,

        -- strings
        billing_products.product_name,
        case
            when explicit_match.product_id is not null then 'explicit'
            when crm_names.product_id is not null then 'name'
            else 'unmatched'
        end as match_method

    from billing_products
    left join explicit_ids
        on billing_products.product_id = explicit_ids.product_id
    left join crm_products as explicit_match
        on explicit_ids.crm_product_id = explicit_match.product_id
    left join crm_names
        on lower(trim(billing_products.product_name)) = crm_names.name_key

)

select * from final
