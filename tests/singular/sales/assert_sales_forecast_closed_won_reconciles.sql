{#- The forecast mart's closed-won bookings, summed over every month and rep, must equal the won
    bookings of fct_opportunities closed on or before as_of_date (no row lost or doubled by the
    month x rep grid). Returns a row when they differ by more than a cent. -#}
with

forecast as (

    select * from {{ ref('mart_forecast_monthly') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

forecast_total as (

    select
        coalesce(sum(closed_won_amount), 0) as closed_won_amount,
        coalesce(sum(closed_won_count), 0) as closed_won_count
    from forecast

),

opportunity_total as (

    select
        coalesce(sum(amount_reporting), 0) as closed_won_amount,
        count(*) as closed_won_count
    from opportunities
    where
        is_won
        and is_bookings
        and close_date <= {{ as_of_date() }}

)

select
    forecast_total.closed_won_amount as forecast_closed_won_amount,
    opportunity_total.closed_won_amount as opportunity_closed_won_amount,
    forecast_total.closed_won_count as forecast_closed_won_count,
    opportunity_total.closed_won_count as opportunity_closed_won_count
from forecast_total
cross join opportunity_total
where
    abs(forecast_total.closed_won_amount - opportunity_total.closed_won_amount) > 0.01
    or forecast_total.closed_won_count != opportunity_total.closed_won_count
