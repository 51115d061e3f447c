with

source as (

    {{ billing_current_records('subscriptions') }}

),

renamed as (

    select
        -- ids
        id as subscription_id,
        customer_id,

        -- strings
        lower(status) as status,
        upper(currency) as currency,
        metadata,
        nullif(lower(trim(cancellation_reason)), '') as cancellation_reason,
        nullif(lower(trim(cancellation_feedback)), '') as cancellation_feedback,

        -- booleans
        coalesce(cancel_at_period_end, false) as is_cancel_at_period_end,

        -- timestamps
        {{ epoch_to_timestamp('created') }} as created_at,
        {{ epoch_to_timestamp('start_date') }} as started_at,
        {{ epoch_to_timestamp('current_period_start') }} as current_period_start_at,
        {{ epoch_to_timestamp('current_period_end') }} as current_period_end_at,
        {{ epoch_to_timestamp('trial_start') }} as trial_started_at,
        {{ epoch_to_timestamp('trial_end') }} as trial_ended_at,
        {{ epoch_to_timestamp('cancel_at') }} as cancel_at,
        {{ epoch_to_timestamp('canceled_at') }} as canceled_at,
        {{ epoch_to_timestamp('ended_at') }} as ended_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
