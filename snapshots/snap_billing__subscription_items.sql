{% snapshot snap_billing__subscription_items %}

{#- SCD2 history of Stripe subscription items (price and quantity changes, removals), from
    staging. Changes are detected on the business columns, not on loaded_at; an item that
    disappears from staging gets a closing row (hard deletes). -#}
{{ config(
    unique_key='subscription_item_id',
    strategy='check',
    check_cols=['subscription_id', 'price_id', 'quantity', 'created_at', 'ended_at'],
    hard_deletes='new_record',
) }}

    select
        subscription_item_id,
        subscription_id,
        price_id,
        quantity,
        created_at,
        ended_at,
        loaded_at
    from {{ ref('stg_billing__subscription_items') }}

{% endsnapshot %}
