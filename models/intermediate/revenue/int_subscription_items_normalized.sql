{#- One row per subscription item x month in which the item is active on the month's measure
    date (int_revenue_month_spine): item created on/before it and not ended on/before it, its
    subscription started on/before it and not ended on/before it. A subscription without an end
    stays active; a cancel_at in the future is not an end. The price and quantity are those in
    force on the measure date (int_subscription_item_periods): a price or seat change on the
    same item changes MRR from the month of its landing day on, never before. Item MRR = unit
    price x quantity normalised to a month (normalize_to_monthly), less the discount active on the
    measure date (never below 0), 0 inside a trial, converted to the reporting currency at the
    month's rate. One-time prices and prorations are billing, not MRR.
    A table rebuilt by every run: an item-month can vanish (a backdated cancellation, as_of_date
    moved), so an incremental run had to replace a scope wider than its keys, which no standard
    strategy expresses; its inputs (item periods, billing staging) are read whole either way. -#}
{{ config(materialized='table') }}
with

month_spine as (

    select * from {{ ref('int_revenue_month_spine') }}

),

item_periods as (

    select * from {{ ref('int_subscription_item_periods') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

prices as (

    select * from {{ ref('stg_billing__prices') }}

),

discounts as (

    select * from {{ ref('stg_billing__discounts') }}

),

coupons as (

    select * from {{ ref('stg_billing__coupons') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

subscription_windows as (

    select
        subscription_id,
        customer_id,
        status as subscription_status,
        {{ to_company_date('started_at') }} as started_date,
        {{ to_company_date(subscription_ended_at('status', 'ended_at', 'cancel_at', 'canceled_at')) }}
            as ended_date,
        {{ to_company_date('trial_started_at') }} as trial_started_date,
        {{ to_company_date('trial_ended_at') }} as trial_ended_date,
        landed_date
    from subscriptions
    -- an incomplete subscription never had a successful first payment: it never earned MRR
    where status not in ('incomplete', 'incomplete_expired')

),

recurring_items as (

    select
        item_periods.subscription_item_id,
        item_periods.subscription_id,
        subscription_windows.customer_id,
        item_periods.price_id,
        prices.product_id,
        prices.currency,
        subscription_windows.subscription_status,
        prices.recurring_interval,
        prices.recurring_interval_count,
        item_periods.quantity,
        prices.unit_amount,
        {{ to_company_date('item_periods.created_at') }} as created_date,
        {{ to_company_date('item_periods.ended_at') }} as ended_date,
        item_periods.valid_from_date,
        item_periods.valid_to_date,
        subscription_windows.started_date as subscription_started_date,
        subscription_windows.ended_date as subscription_ended_date,
        subscription_windows.trial_started_date,
        subscription_windows.trial_ended_date,
        greatest(
            item_periods.landed_date, subscription_windows.landed_date, prices.landed_date
        ) as landed_date
    from item_periods
    inner join subscription_windows
        on item_periods.subscription_id = subscription_windows.subscription_id
    inner join prices
        on item_periods.price_id = prices.price_id
    where prices.is_recurring

),

item_months as (

    select
        recurring_items.*,
        month_spine.month_start_date,
        month_spine.month_end_date,
        month_spine.measure_date,
        coalesce(
            recurring_items.trial_ended_date > month_spine.measure_date
            and coalesce(recurring_items.trial_started_date <= month_spine.measure_date, true),
            false
        ) as is_trial,
        {{ normalize_to_monthly(
            'recurring_items.unit_amount * recurring_items.quantity',
            'recurring_items.recurring_interval',
            'recurring_items.recurring_interval_count'
        ) }} as list_mrr_native
    from recurring_items
    inner join month_spine
        on
            recurring_items.created_date <= month_spine.measure_date
            and coalesce(recurring_items.ended_date > month_spine.measure_date, true)
            and coalesce(recurring_items.valid_from_date <= month_spine.measure_date, true)
            and coalesce(recurring_items.valid_to_date > month_spine.measure_date, true)
            and recurring_items.subscription_started_date <= month_spine.measure_date
            and coalesce(recurring_items.subscription_ended_date > month_spine.measure_date, true)

),

converted as (

    select
        item_months.*,
        fx.rate_to_reporting,
        {{ to_reporting_currency('item_months.list_mrr_native', 'fx') }} as list_mrr
    from item_months
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'item_months.currency', 'item_months.month_start_date') }}

),

discount_windows as (

    select
        discounts.discount_id,
        discounts.coupon_id,
        discounts.customer_id,
        discounts.subscription_id,
        coupons.percent_off,
        coupons.amount_off,
        coupons.currency as coupon_currency,
        greatest(discounts.landed_date, coupons.landed_date) as landed_date,
        {{ to_company_date('discounts.started_at') }} as started_date,
        -- a repeating coupon exported without an end ends duration_in_months after its start
        coalesce(
            {{ to_company_date('discounts.ended_at') }},
            case
                when coupons.duration = 'repeating'
                    then cast({{ dbt.dateadd(
                        'month', 'coupons.duration_in_months', to_company_date('discounts.started_at')
                    ) }} as date)
            end
        ) as ended_date
    from discounts
    inner join coupons
        on discounts.coupon_id = coupons.coupon_id
    -- a once-only coupon reduces one invoice: billing, not recurring revenue
    where coalesce(coupons.duration, 'forever') != 'once'

),

subscription_months as (

    select distinct
        subscription_id,
        customer_id,
        month_start_date,
        measure_date
    from converted

),

subscription_month_discounts as (

    -- the discount in force on the measure date: the subscription's own before a customer-wide
    -- one (as Stripe applies them), then the latest started
    select
        subscription_months.subscription_id,
        subscription_months.month_start_date,
        discount_windows.discount_id,
        discount_windows.coupon_id,
        discount_windows.percent_off,
        discount_windows.amount_off,
        discount_windows.coupon_currency,
        discount_windows.landed_date,
        row_number() over (
            partition by subscription_months.subscription_id, subscription_months.month_start_date
            order by
                case when discount_windows.subscription_id is not null then 0 else 1 end,
                discount_windows.started_date desc,
                discount_windows.discount_id asc
        ) as discount_rank
    from subscription_months
    inner join discount_windows
        on
            (
                subscription_months.subscription_id = discount_windows.subscription_id
                or (
                    discount_windows.subscription_id is null
                    and subscription_months.customer_id = discount_windows.customer_id
                )
            )
            and subscription_months.measure_date >= discount_windows.started_date
            and coalesce(subscription_months.measure_date < discount_windows.ended_date, true)

),

discounted as (

    select
        converted.*,
        subscription_month_discounts.discount_id,
        subscription_month_discounts.coupon_id,
        subscription_month_discounts.percent_off,
        subscription_month_discounts.landed_date as discount_landed_date,
        -- amount_off is per invoice of the subscription: normalised like the price, converted
        -- at the month's rate, and shared among the subscription's items by list MRR
        {{ normalize_to_monthly(
            'subscription_month_discounts.amount_off',
            'converted.recurring_interval',
            'converted.recurring_interval_count'
        ) }}
        * coupon_fx.rate_to_reporting
        * {{ safe_divide(
            'converted.list_mrr',
            'sum(converted.list_mrr) over (partition by converted.subscription_id, converted.month_start_date)'
        ) }} as amount_off_share
    from converted
    left join subscription_month_discounts
        on
            converted.subscription_id = subscription_month_discounts.subscription_id
            and converted.month_start_date = subscription_month_discounts.month_start_date
            and subscription_month_discounts.discount_rank = 1
    left join fx_rates as coupon_fx
        on {{ fx_rate_join(
            'coupon_fx',
            'coalesce(subscription_month_discounts.coupon_currency, converted.currency)',
            'converted.month_start_date'
        ) }}

),

discount_amounts as (

    select
        *,
        case
            when percent_off is not null then list_mrr * percent_off / 100
            when amount_off_share is not null then least(list_mrr, amount_off_share)
            else 0
        end as discount_mrr
    from discounted

),

final as (

    select
        -- ids
        subscription_item_id,
        month_start_date,
        subscription_id,
        customer_id,
        price_id,
        product_id,
        discount_id,
        coupon_id,

        -- strings
        subscription_status,
        currency,
        recurring_interval,

        -- numerics
        recurring_interval_count,
        quantity,
        unit_amount,
        -- amounts fixed-point (6 decimals) from here on, so that sums reconcile exactly
        cast(list_mrr_native as {{ dbt.type_numeric() }}) as list_mrr_native,
        rate_to_reporting,
        cast(list_mrr as {{ dbt.type_numeric() }}) as list_mrr,
        cast(case when is_trial then 0 else discount_mrr end as {{ dbt.type_numeric() }}) as discount_mrr,
        cast(
            case when is_trial then 0 else greatest(list_mrr - discount_mrr, 0) end as {{ dbt.type_numeric() }}
        ) as mrr,

        -- booleans
        is_trial,

        -- dates
        month_end_date,
        measure_date,

        -- lineage: the latest landing of the item, its subscription, price and discount in force
        greatest(landed_date, coalesce(discount_landed_date, landed_date)) as landed_date

    from discount_amounts

)

select * from final
