{#- One row per live opportunity, the fact table of the sales marts: amounts in the deal currency
    and the reporting currency, status, sales cycle, fiscal period of the close date and the
    first- and last-touch marketing channels; its products (int_opportunity_products): the primary
    product (largest sold amount), the number of products and the list amount, NULL / 0 without
    line items. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

touches as (

    select * from {{ ref('int_opportunity_touches_attributed') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

opportunity_products as (

    select * from {{ ref('int_opportunity_products') }}

),

product_summary as (

    select
        opportunity_id,
        max(case when product_rank = 1 then product_id end) as primary_product_id,
        count(*) as product_count,
        -- null when a product has no list amount (a line without list price)
        case when count(list_amount) = count(*) then sum(list_amount) end as list_amount
    from opportunity_products
    group by opportunity_id

),

final as (

    select
        -- ids
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.owner_id,

        -- strings
        opportunities.opportunity_type,
        opportunities.stage_name,
        opportunities.stage_category,
        case
            when opportunities.is_won then 'won'
            when opportunities.is_lost then 'lost'
            else 'open'
        end as opportunity_status,
        opportunities.forecast_category,
        opportunities.currency_code,
        touches.first_touch_channel,
        touches.first_touch_campaign,
        touches.last_touch_channel,
        touches.last_touch_campaign,
        calendar.fiscal_period_label as close_fiscal_period_label,

        -- numerics
        opportunities.stage_order,
        cast(opportunities.probability_pct as double) as probability_pct,
        cast(opportunities.amount as decimal(38, 6)) as amount,
        cast(opportunities.amount_reporting as decimal(38, 6)) as amount_reporting,
        cast(opportunities.cycle_days as integer) as cycle_days,
        calendar.fiscal_year as close_fiscal_year,
        calendar.fiscal_quarter as close_fiscal_quarter,
        calendar.fiscal_month as close_fiscal_month,

        -- booleans
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.is_lost,
        opportunities.is_bookings,
        opportunities.is_reopened,

        -- dates
        opportunities.created_date,
        opportunities.cycle_start_date,
        opportunities.close_date,
        calendar.month_start_date as close_month_start_date,
        opportunities.fx_rate_date,

        -- products (appended: the columns above keep their positions)
        product_summary.primary_product_id,
        cast(coalesce(product_summary.product_count, 0) as integer) as product_count,
        cast(product_summary.list_amount as decimal(38, 6)) as list_amount

    from opportunities
    left join touches
        on opportunities.opportunity_id = touches.opportunity_id
    left join calendar
        on opportunities.close_date = calendar.date_day
    left join product_summary
        on opportunities.opportunity_id = product_summary.opportunity_id

)

select * from final
