{#- One row per Stripe subscription item: the latest version of
    stg_billing__subscription_item_versions (macro latest_versions). -#}
with

latest as (

    {{ latest_versions(ref('stg_billing__subscription_item_versions'), ['subscription_item_id']) }}

),

final as (

    select
        -- ids
        subscription_item_id,
        subscription_id,
        price_id,

        -- numerics
        quantity,

        -- timestamps
        created_at,
        ended_at,
        loaded_at,
        landed_date

    from latest

)

select * from final
