{% snapshot snap_billing__subscriptions %}

{#- SCD2 history of Stripe subscriptions, from staging (the latest exported version of each).
    Changes are detected on the business columns (not on loaded_at, which changes with every
    export); a subscription that disappears from staging gets a closing row (hard deletes). -#}
{{ config(
    unique_key='subscription_id',
    strategy='check',
    check_cols=[
        'customer_id', 'status', 'currency', 'is_cancel_at_period_end', 'started_at',
        'current_period_start_at', 'current_period_end_at', 'trial_started_at', 'trial_ended_at',
        'cancel_at', 'canceled_at', 'ended_at'
    ],
    hard_deletes='new_record',
) }}

    select
        subscription_id,
        customer_id,
        status,
        currency,
        is_cancel_at_period_end,
        created_at,
        started_at,
        current_period_start_at,
        current_period_end_at,
        trial_started_at,
        trial_ended_at,
        cancel_at,
        canceled_at,
        ended_at,
        loaded_at
    from {{ ref('stg_billing__subscriptions') }}

{% endsnapshot %}
