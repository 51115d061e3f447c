{#- The actuals the plan is measured against, per business day up to as_of_date. Grain: one row
    per date_day with at least one booking or new customer.
    bookings       closed-won opportunities of the bookings types (new business + expansion,
                   macro is_bookings_type via int_opportunities.is_bookings) by close date, in the
                   reporting currency at the close month's rate; renewals are not bookings.
    new customers  accounts whose first closed-won opportunity closed that day
                   (int_account_first_won), the "new customer acquired" of CAC. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

account_first_won as (

    select * from {{ ref('int_account_first_won') }}

),

bookings as (

    select
        close_date as date_day,
        count(*) as bookings_count,
        sum(amount_reporting) as bookings
    from opportunities
    where
        is_won
        and is_bookings
        and close_date <= {{ as_of_date() }}
    group by close_date

),

new_customers as (

    select
        first_won_date as date_day,
        count(*) as new_customers
    from account_first_won
    where first_won_date <= {{ as_of_date() }}
    group by first_won_date

),

final as (

    select
        -- dates
        coalesce(bookings.date_day, new_customers.date_day) as date_day,

        -- numerics
        coalesce(bookings.bookings, 0) as bookings,
        coalesce(bookings.bookings_count, 0) as bookings_count,
        coalesce(new_customers.new_customers, 0) as new_customers

    from bookings
    full outer join new_customers
        on bookings.date_day = new_customers.date_day

)

select * from final
