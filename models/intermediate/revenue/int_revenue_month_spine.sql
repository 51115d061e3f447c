{#- One row per calendar month from the earliest month present in the billing data (first
    subscription start or item creation, never a fixed date) to the month of as_of_date.
    MRR of a month is measured on its measure_date: the last day of the month, except for the
    month of as_of_date, which is measured on as_of_date itself: a subscription that ends later
    in the current month is not churn yet, and nothing dated after "today" is counted. -#}
with recursive

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

subscription_items as (

    select * from {{ ref('stg_billing__subscription_items') }}

),

data_dates as (

    select {{ to_company_date('started_at') }} as data_date from subscriptions
    union all
    select {{ to_company_date('created_at') }} as data_date from subscription_items

),

bounds as (

    select
        cast({{ dbt.date_trunc('month', 'min(data_date)') }} as date) as first_month,
        cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as last_month,
        {{ as_of_date() }} as as_of_date
    from data_dates

),

months as (

    select
        first_month as month_start_date,
        last_month,
        as_of_date
    from bounds
    where first_month <= last_month

    union all

    select
        cast({{ dbt.dateadd('month', 1, 'month_start_date') }} as date) as month_start_date,
        last_month,
        as_of_date
    from months
    where month_start_date < last_month

),

final as (

    select
        -- dates
        month_start_date,
        cast({{ dbt.last_day('month_start_date', 'month') }} as date) as month_end_date,
        least(cast({{ dbt.last_day('month_start_date', 'month') }} as date), as_of_date) as measure_date,

        -- booleans
        month_start_date = last_month as is_as_of_month

    from months

)

select * from final
