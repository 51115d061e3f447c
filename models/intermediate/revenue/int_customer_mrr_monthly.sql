{#- The month spine x customer grid: one row per billing customer and month, from the customer's
    first month with an active subscription item (a trial counts) to the month of as_of_date,
    with explicit zero months. Customer MRR for a month = the sum of its item MRR active on the
    month's measure date (int_subscription_items_normalized). Customers keep their revenue when
    no CRM account matches (match_method 'unmatched', segment 'unknown'). -#}
with

month_spine as (

    select * from {{ ref('int_revenue_month_spine') }}

),

item_months as (

    select * from {{ ref('int_subscription_items_normalized') }}

),

identity as (

    select * from {{ ref('int_customer_identity') }}

),

customer_item_months as (

    select
        customer_id,
        month_start_date,
        count(*) as active_item_count,
        -- one item without an FX rate makes the customer's month NULL: a test fails, the MRR is
        -- never understated silently
        case when count(*) = count(mrr) then sum(mrr) end as mrr
    from item_months
    group by customer_id, month_start_date

),

customer_first_months as (

    select
        customer_id,
        min(month_start_date) as first_month_start_date
    from customer_item_months
    group by customer_id

),

grid as (

    select
        customer_first_months.customer_id,
        month_spine.month_start_date,
        month_spine.month_end_date,
        month_spine.measure_date
    from customer_first_months
    inner join month_spine
        on customer_first_months.first_month_start_date <= month_spine.month_start_date

),

final as (

    select
        -- ids
        grid.customer_id,
        grid.month_start_date,
        identity.crm_account_id,

        -- strings
        coalesce(identity.match_method, 'unmatched') as match_method,
        coalesce(identity.segment, 'unknown') as segment,

        -- numerics
        -- a fixed-point type so that the MRR bridge adds up exactly
        cast(
            case
                when customer_item_months.customer_id is null then 0
                else customer_item_months.mrr
            end as {{ dbt.type_numeric() }}
        ) as mrr,
        coalesce(customer_item_months.active_item_count, 0) as active_item_count,

        -- dates
        grid.month_end_date,
        grid.measure_date

    from grid
    left join customer_item_months
        on
            grid.customer_id = customer_item_months.customer_id
            and grid.month_start_date = customer_item_months.month_start_date
    left join identity
        on grid.customer_id = identity.customer_id

)

select * from final
