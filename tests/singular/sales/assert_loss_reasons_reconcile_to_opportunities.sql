{#- Every closed-lost deal is in the loss reasons once: per month of close date (up to
    as_of_date), the count and amount of mart_loss_reasons_monthly (all reasons and competitors)
    = those of the closed-lost opportunities of fct_opportunities, to the cent. -#}
with

reasons as (

    select * from {{ ref('mart_loss_reasons_monthly') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

reason_totals as (

    select
        month_start_date,
        sum(lost_opportunities) as lost_opportunities,
        sum(lost_amount) as lost_amount
    from reasons
    group by month_start_date

),

lost_totals as (

    select
        cast({{ dbt.date_trunc('month', 'close_date') }} as date) as month_start_date,
        count(*) as lost_opportunities,
        sum(amount_reporting) as lost_amount
    from opportunities
    where
        is_lost
        and close_date <= {{ as_of_date() }}
    group by cast({{ dbt.date_trunc('month', 'close_date') }} as date)

)

select
    lost_totals.month_start_date,
    lost_totals.lost_opportunities,
    reason_totals.lost_opportunities as reason_lost_opportunities,
    lost_totals.lost_amount,
    reason_totals.lost_amount as reason_lost_amount
from lost_totals
full outer join reason_totals
    on lost_totals.month_start_date = reason_totals.month_start_date
where
    coalesce(lost_totals.lost_opportunities, 0) != coalesce(reason_totals.lost_opportunities, 0)
    or abs(coalesce(lost_totals.lost_amount, 0) - coalesce(reason_totals.lost_amount, 0)) >= 0.01
