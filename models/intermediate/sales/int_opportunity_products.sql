{#- One row per live opportunity x product on it (its line items of that product summed): the
    sold amount and the list amount, in the deal currency and the reporting currency, and the
    product's rank on the opportunity (1 = the primary product: the largest sold amount, ties by
    product id). Line amount = total_price, else quantity x sales price less the discount
    percent; list amount = quantity x the line's list price, else the price book entry's. Lines
    of a deleted opportunity or without a product are left out. Converted at the opportunity's
    FX date (close date if closed, else created date), like its amount. -#}
with

line_items as (

    select * from {{ ref('stg_crm__opportunity_line_items') }}

),

pricebook_entries as (

    select * from {{ ref('stg_crm__pricebook_entries') }}

),

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

priced_lines as (

    select
        line_items.opportunity_id,
        line_items.product_id,
        line_items.quantity,
        coalesce(
            line_items.total_price,
            line_items.quantity * line_items.sales_price * (1 - coalesce(line_items.discount_pct, 0) / 100)
        ) as line_amount,
        line_items.quantity * coalesce(line_items.list_price, pricebook_entries.list_price)
            as line_list_amount
    from line_items
    left join pricebook_entries
        on line_items.pricebook_entry_id = pricebook_entries.pricebook_entry_id
    where line_items.product_id is not null

),

opportunity_products as (

    select
        opportunity_id,
        product_id,
        count(*) as line_count,
        sum(quantity) as quantity,
        sum(line_amount) as amount,
        -- null when a line has no list price: a partial list amount would overstate realisation
        case when count(line_list_amount) = count(*) then sum(line_list_amount) end as list_amount
    from priced_lines
    group by opportunity_id, product_id

),

final as (

    select
        -- ids
        opportunity_products.opportunity_id,
        opportunity_products.product_id,

        -- strings
        opportunities.currency_code,

        -- numerics
        cast(opportunity_products.line_count as integer) as line_count,
        opportunity_products.quantity,
        cast(opportunity_products.amount as {{ dbt.type_numeric() }}) as amount,
        cast(opportunity_products.list_amount as {{ dbt.type_numeric() }}) as list_amount,
        cast({{ to_reporting_currency('opportunity_products.amount', 'fx') }} as {{ dbt.type_numeric() }})
            as amount_reporting,
        cast({{ to_reporting_currency('opportunity_products.list_amount', 'fx') }} as {{ dbt.type_numeric() }})
            as list_amount_reporting,
        cast(row_number() over (
            partition by opportunity_products.opportunity_id
            order by
                opportunity_products.amount desc nulls last,
                opportunity_products.product_id asc
        ) as integer) as product_rank,

        -- dates
        opportunities.fx_rate_date

    from opportunity_products
    inner join opportunities
        on opportunity_products.opportunity_id = opportunities.opportunity_id
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'opportunities.currency_code', 'opportunities.fx_rate_date') }}

)

select * from final
