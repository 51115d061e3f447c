{#- One row per customer churn: a customer-month whose MRR movement is 'churn' (fct_mrr_movements:
    MRR > 0 on the previous month's measure date, 0 on this month's). churn_date is the day the
    cancellation took effect: the latest end (macro subscription_ended_at, in the company time
    zone) among the customer's subscriptions that were running on the previous month's last day
    and ended by this month's measure date; a churn with no such end (the MRR fell to 0 by a
    removed item, a trial or a full discount) is dated on the month's measure date
    (churn_date_basis says which). The cancellation request date (Stripe's canceled_at) is
    published beside it, and the cancellation reason and feedback of that subscription (Stripe
    cancellation_details). With its CRM account (fct_mrr_movements' match; dim_account's name). -#}
with

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

month_spine as (

    select * from {{ ref('int_revenue_month_spine') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

accounts as (

    select * from {{ ref('dim_account') }}

),

churns as (

    select
        movements.customer_id,
        movements.month_start_date,
        movements.month_end_date,
        month_spine.measure_date,
        movements.crm_account_id,
        movements.match_method,
        movements.segment,
        movements.churn_mrr
    from movements
    inner join month_spine
        on movements.month_start_date = month_spine.month_start_date
    where movements.movement_category = 'churn'

),

subscription_ends as (

    select
        subscription_id,
        customer_id,
        {{ to_company_date('started_at') }} as started_date,
        {{ to_company_date(subscription_ended_at('status', 'ended_at', 'cancel_at', 'canceled_at')) }}
            as ended_date,
        {{ to_company_date('canceled_at') }} as cancel_requested_date,
        cancellation_reason,
        cancellation_feedback
    from subscriptions
    -- as for MRR: an incomplete subscription never earned any
    where status not in ('incomplete', 'incomplete_expired')

),

ending_subscriptions as (

    -- the subscriptions running on the previous month's last day that ended in the month (by its
    -- measure date); the latest end is the churn's, ties broken by the larger subscription id
    select
        churns.customer_id,
        churns.month_start_date,
        subscription_ends.subscription_id,
        subscription_ends.ended_date,
        subscription_ends.cancel_requested_date,
        subscription_ends.cancellation_reason,
        subscription_ends.cancellation_feedback,
        row_number() over (
            partition by churns.customer_id, churns.month_start_date
            order by subscription_ends.ended_date desc, subscription_ends.subscription_id desc
        ) as end_rank
    from churns
    inner join subscription_ends
        on
            churns.customer_id = subscription_ends.customer_id
            and churns.month_start_date > subscription_ends.started_date
            and churns.month_start_date <= subscription_ends.ended_date
            and churns.measure_date >= subscription_ends.ended_date

),

final as (

    select
        -- ids
        churns.customer_id,
        churns.month_start_date,
        churns.crm_account_id,
        ending_subscriptions.subscription_id,

        -- strings
        accounts.account_name,
        churns.match_method,
        churns.segment,
        cast(
            case when ending_subscriptions.subscription_id is not null then 'subscription_end' else 'measure_date' end
            as {{ dbt.type_string() }}
        ) as churn_date_basis,
        cast(ending_subscriptions.cancellation_reason as {{ dbt.type_string() }}) as cancellation_reason,
        cast(ending_subscriptions.cancellation_feedback as {{ dbt.type_string() }}) as cancellation_feedback,

        -- numerics
        cast(churns.churn_mrr as decimal(38, 6)) as churn_mrr,

        -- dates
        cast(coalesce(ending_subscriptions.ended_date, churns.measure_date) as date) as churn_date,
        cast(ending_subscriptions.cancel_requested_date as date) as cancel_requested_date,
        churns.month_end_date

    from churns
    left join ending_subscriptions
        on
            churns.customer_id = ending_subscriptions.customer_id
            and churns.month_start_date = ending_subscriptions.month_start_date
            and ending_subscriptions.end_rank = 1
    left join accounts
        on churns.crm_account_id = accounts.account_id

)

select * from final
