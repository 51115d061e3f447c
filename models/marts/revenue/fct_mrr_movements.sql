{#- One row per customer x month with MRR at the start or the end of the month: the MRR bridge
    of the customer-month and its movement category (macro mrr_movement_category). All-zero
    months (before a reactivation, after a churn) are not published. Movement amounts are
    positive magnitudes; mrr_change carries the sign (negative for contraction and churn). -#}
with

customer_months as (

    select * from {{ ref('int_customer_mrr_monthly') }}

),

with_history as (

    select
        *,
        coalesce(
            lag(mrr) over (partition by customer_id order by month_start_date),
            0
        ) as starting_mrr,
        coalesce(
            max(case when mrr > 0 then 1 else 0 end) over (
                partition by customer_id
                order by month_start_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as has_earlier_active_month
    from customer_months

),

classified as (

    select
        *,
        {{ mrr_movement_category('starting_mrr', 'mrr', 'has_earlier_active_month') }} as movement_category
    from with_history
    where starting_mrr > 0 or mrr > 0

),

final as (

    select
        -- ids
        customer_id,
        month_start_date,
        crm_account_id,

        -- strings
        match_method,
        segment,
        movement_category,

        -- numerics (fixed point: the bridge adds up exactly)
        cast(starting_mrr as decimal(38, 6)) as starting_mrr,
        cast(case when movement_category = 'new' then mrr else 0 end as decimal(38, 6)) as new_mrr,
        cast(
            case when movement_category = 'reactivation' then mrr else 0 end as decimal(38, 6)
        ) as reactivation_mrr,
        cast(
            case when movement_category = 'expansion' then mrr - starting_mrr else 0 end
            as decimal(38, 6)
        ) as expansion_mrr,
        cast(
            case when movement_category = 'contraction' then starting_mrr - mrr else 0 end
            as decimal(38, 6)
        ) as contraction_mrr,
        cast(
            case when movement_category = 'churn' then starting_mrr else 0 end as decimal(38, 6)
        ) as churn_mrr,
        cast(mrr as decimal(38, 6)) as ending_mrr,
        cast(mrr - starting_mrr as decimal(38, 6)) as mrr_change,

        -- dates
        month_end_date

    from classified

)

select * from final
