{#- One row per billing (Stripe) product x month with recurring revenue: list MRR (unit price x
    quantity normalised to a month), the discounts in force, realised MRR after them, and the
    realisation ratio, from int_subscription_items_normalized (the MRR engine's own rules: items
    active on the month's measure date, discounts there, in reporting currency). Items in trial
    earn no MRR and are left out of list MRR too, so the two compare like for like. Each billing
    product carries the CRM product it matches (int_billing_product_matches). -#}
with

item_months as (

    select * from {{ ref('int_subscription_items_normalized') }}

),

matches as (

    select * from {{ ref('int_billing_product_matches') }}

),

aggregated as (

    select
        product_id,
        month_start_date,
        count(distinct subscription_id) as subscriptions,
        sum(list_mrr) as list_mrr,
        sum(discount_mrr) as discount_mrr,
        sum(mrr) as mrr
    from item_months
    where not is_trial
    group by product_id, month_start_date

),

final as (

    select
        -- ids
        aggregated.product_id,
        matches.crm_product_id,

        -- strings
        matches.product_name,
        coalesce(matches.match_method, 'unmatched') as match_method,

        -- numerics
        cast(aggregated.subscriptions as integer) as subscriptions,
        cast(aggregated.list_mrr as decimal(38, 6)) as list_mrr,
        cast(aggregated.discount_mrr as decimal(38, 6)) as discount_mrr,
        cast(aggregated.mrr as decimal(38, 6)) as mrr,
        cast({{ safe_divide('aggregated.mrr', 'aggregated.list_mrr') }} as double) as mrr_realisation,

        -- dates
        aggregated.month_start_date

    from aggregated
    left join matches
        on aggregated.product_id = matches.product_id

)

select * from final
