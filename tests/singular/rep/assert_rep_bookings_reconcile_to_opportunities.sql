{#- Bookings, renewals and won / lost counts of mart_sales_rep_monthly summed over reps equal, month
    by month, the closed opportunities of fct_opportunities (close date up to as_of_date; an
    opportunity without a type is new business, METRICS.md): no deal is dropped or
    double-counted by the rep x month grid. Fails on every month that differs. -#}
with

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

mart_totals as (

    select
        month_start_date,
        sum(bookings_amount) as bookings_amount,
        sum(renewal_bookings_amount) as renewal_bookings_amount,
        sum(won_count) as won_count,
        sum(lost_count) as lost_count
    from rep_months
    group by month_start_date

),

fact_totals as (

    select
        cast({{ dbt.date_trunc('month', 'close_date') }} as date) as month_start_date,
        sum(
            case
                when is_won and coalesce(opportunity_type, 'New Business') in ('New Business', 'Expansion')
                    then amount_reporting
                else 0
            end
        ) as bookings_amount,
        sum(case when is_won and opportunity_type = 'Renewal' then amount_reporting else 0 end)
            as renewal_bookings_amount,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(case when is_lost then 1 else 0 end) as lost_count
    from opportunities
    where
        is_closed
        and close_date <= {{ as_of_date() }}
    group by cast({{ dbt.date_trunc('month', 'close_date') }} as date)

),

final as (

    select
        coalesce(mart_totals.month_start_date, fact_totals.month_start_date) as month_start_date,
        mart_totals.bookings_amount as mart_bookings_amount,
        fact_totals.bookings_amount as fact_bookings_amount,
        mart_totals.renewal_bookings_amount as mart_renewal_bookings_amount,
        fact_totals.renewal_bookings_amount as fact_renewal_bookings_amount,
        mart_totals.won_count as mart_won_count,
        fact_totals.won_count as fact_won_count,
        mart_totals.lost_count as mart_lost_count,
        fact_totals.lost_count as fact_lost_count
    from mart_totals
    full outer join fact_totals
        on mart_totals.month_start_date = fact_totals.month_start_date

)

select *
from final
where
    abs(coalesce(mart_bookings_amount, 0) - coalesce(fact_bookings_amount, 0)) > 0.005
    or abs(coalesce(mart_renewal_bookings_amount, 0) - coalesce(fact_renewal_bookings_amount, 0)) > 0.005
    or coalesce(mart_won_count, 0) != coalesce(fact_won_count, 0)
    or coalesce(mart_lost_count, 0) != coalesce(fact_lost_count, 0)
