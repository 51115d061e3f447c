{#- One row per CRM product x close month in which at least one opportunity carrying the product
    closed (on or before as_of_date): counts, win rate, mean won sales cycle, won and list
    amounts of the product's lines, average deal size, price realisation and the won deals above
    list. An opportunity with two products counts once under each. Rules reused from the sales
    marts: is_won / is_lost / is_bookings / cycle_days of int_opportunities, safe_divide. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

opportunity_products as (

    select * from {{ ref('int_opportunity_products') }}

),

products as (

    select * from {{ ref('dim_product') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

closed_product_deals as (

    select
        opportunity_products.product_id,
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as month_start_date,
        opportunities.opportunity_id,
        opportunities.is_won,
        opportunities.is_lost,
        opportunities.is_bookings,
        opportunities.cycle_days,
        opportunity_products.amount_reporting,
        opportunity_products.list_amount_reporting,
        coalesce(opportunity_products.amount > opportunity_products.list_amount, false) as is_above_list
    from opportunity_products
    inner join opportunities
        on opportunity_products.opportunity_id = opportunities.opportunity_id
    cross join as_of
    where
        opportunities.is_closed
        and opportunities.close_date <= as_of.as_of_date

),

aggregated as (

    select
        product_id,
        month_start_date,
        count(*) as closed_count,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_lost then 1 else 0 end) as lost_count,
        avg(case when is_won then cycle_days end) as won_cycle_days_mean,
        sum(case when is_won then amount_reporting end) as won_amount,
        sum(case when is_won then list_amount_reporting end) as won_list_amount,
        -- realisation compares like with like: sold and list amounts of the priced lines only
        sum(case when is_won and list_amount_reporting is not null then amount_reporting end)
            as won_priced_amount,
        sum(case when is_won and is_bookings then amount_reporting else 0 end) as bookings_amount,
        sum(case when is_won and is_bookings then 1 else 0 end) as bookings_won_count,
        sum(case when is_won and is_above_list then 1 else 0 end) as won_above_list_count
    from closed_product_deals
    group by product_id, month_start_date

),

final as (

    select
        -- ids
        aggregated.product_id,

        -- strings
        products.product_name,
        products.product_family,

        -- numerics
        cast(aggregated.closed_count as integer) as closed_count,
        cast(aggregated.won_count as integer) as won_count,
        cast(aggregated.lost_count as integer) as lost_count,
        cast({{ win_rate('aggregated.won_count', 'aggregated.lost_count') }} as double) as win_rate,
        cast(aggregated.won_cycle_days_mean as double) as won_cycle_days_mean,
        cast(aggregated.won_amount as decimal(38, 6)) as won_amount,
        cast(aggregated.won_list_amount as decimal(38, 6)) as won_list_amount,
        cast({{ safe_divide('aggregated.won_priced_amount', 'aggregated.won_list_amount') }} as double)
            as price_realisation,
        cast(aggregated.bookings_amount as decimal(38, 6)) as bookings_amount,
        cast(aggregated.bookings_won_count as integer) as bookings_won_count,
        cast({{ safe_divide('aggregated.bookings_amount', 'aggregated.bookings_won_count') }} as decimal(38, 6))
            as avg_deal_size,
        cast(aggregated.won_above_list_count as integer) as won_above_list_count,
        cast({{ safe_divide('aggregated.won_above_list_count', 'aggregated.won_count') }} as double)
            as share_won_above_list,

        -- dates
        aggregated.month_start_date

    from aggregated
    left join products
        on aggregated.product_id = products.product_id

)

select * from final
