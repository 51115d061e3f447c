{#- The recompute scope of the incremental model int_subscription_items_normalized (subscription
    item x month), docs/incremental.md. An item-month depends on its item, subscription, price,
    the discount (and coupon) in force on the measure date, and, through an amount-off discount
    shared by list MRR, on the other items of its subscription that month; the measure date of
    the as_of month is as_of_date itself. A run therefore recomputes:
      - every month of the subscriptions touched by a change landed in the window, and of the
        subscriptions that held a changed item, discount or coupon in the months already built;
      - every item in the months from the earlier of the as_of month and the latest month already
        built (the last run's as_of month, measured on its as_of_date) onward.
    Months before that are final: measured on their last day, they change only through their
    subscription. The strategy replace_scope deletes the whole scope (an item-month that is gone
    must go) and inserts the recomputed rows. Use only when is_incremental(). -#}

{#- Subscriptions touched by a change landed in the run's window (kept versions in staging;
    for items every version, since an item's earlier versions date its price and quantity
    history: a late file dated before the kept version still changes past months):
    subscriptions, their items, the prices their items have or had, their discounts (a customer-wide discount
    touches every subscription of the customer) and the discounts' coupons; plus the
    subscriptions that held a changed item, discount or coupon in the rows already built. -#}
{% macro item_months_recomputed_subscriptions_sql() -%}
    {%- set subscriptions = ref('stg_billing__subscriptions') -%}
    {%- set item_versions = ref('stg_billing__subscription_item_versions') -%}
    {%- set prices = ref('stg_billing__prices') -%}
    {%- set discounts = ref('stg_billing__discounts') -%}
    {%- set coupons = ref('stg_billing__coupons') -%}
    select changed_subscriptions.subscription_id
    from {{ subscriptions }} as changed_subscriptions
    where {{ landed_window_predicate('changed_subscriptions.landed_date') }}
    union
    select changed_items.subscription_id
    from {{ item_versions }} as changed_items
    where {{ landed_window_predicate('changed_items.landed_date') }}
    union
    select priced_items.subscription_id
    from {{ item_versions }} as priced_items
    inner join {{ prices }} as changed_prices
        on priced_items.price_id = changed_prices.price_id
    where {{ landed_window_predicate('changed_prices.landed_date') }}
    union
    select discounted.subscription_id
    from {{ subscriptions }} as discounted
    inner join {{ discounts }} as changed_discounts
        on
            discounted.subscription_id = changed_discounts.subscription_id
            or (changed_discounts.subscription_id is null and discounted.customer_id = changed_discounts.customer_id)
    left join {{ coupons }} as discount_coupons
        on changed_discounts.coupon_id = discount_coupons.coupon_id
    where
        {{ landed_window_predicate('changed_discounts.landed_date') }}
        or {{ landed_window_predicate('discount_coupons.landed_date') }}
    union
    select existing.subscription_id
    from {{ this }} as existing
    where
        existing.subscription_item_id in ({{ item_months_changed_items_sql() }})
        or existing.discount_id in (
            select changed_discounts.discount_id from {{ discounts }} as changed_discounts
            where {{ landed_window_predicate('changed_discounts.landed_date') }}
        )
        or existing.coupon_id in (
            select changed_coupons.coupon_id from {{ coupons }} as changed_coupons
            where {{ landed_window_predicate('changed_coupons.landed_date') }}
        )
{%- endmacro %}

{#- The subscription items with a version landed in the run's window (any version, the kept one
    or an earlier one landed late). -#}
{% macro item_months_changed_items_sql() -%}
    select changed_items.subscription_item_id
    from {{ ref('stg_billing__subscription_item_versions') }} as changed_items
    where {{ landed_window_predicate('changed_items.landed_date') }}
{%- endmacro %}

{#- The first month every item is recomputed in: the earlier of the as_of month and the latest
    month already built (a scalar subquery). -#}
{% macro item_months_recompute_from_sql() -%}
    (
        select
            least(
                cast({{ dbt.date_trunc('month', as_of_date()) }} as date),
                coalesce(max(existing.month_start_date), cast('1900-01-01' as date))
            )
        from {{ this }} as existing
    )
{%- endmacro %}

{#- The scope replaced by a run, over the model's existing rows (alias): the rows of the
    recomputed subscriptions and of the changed items, and every row from the first recomputed
    month on. Every row the run computes lies in it. -#}
{% macro item_months_replace_scope(alias) -%}
    (
        {{ alias }}.subscription_id in ({{ item_months_recomputed_subscriptions_sql() }})
        or {{ alias }}.subscription_item_id in ({{ item_months_changed_items_sql() }})
        or {{ alias }}.month_start_date >= {{ item_months_recompute_from_sql() }}
    )
{%- endmacro %}
