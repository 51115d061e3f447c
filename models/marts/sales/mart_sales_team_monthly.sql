{#- One row per month (calendar month with its fiscal period): the company-level rep metrics that
    need every rep at once, rolled up from mart_sales_rep_monthly: bookings, revenue per rep
    (bookings / quota-carrying reps active in the month) and the share of reps at or above 100% of
    quota (among quota-carrying reps with a quota > 0 in the month). -#}
with

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

aggregated as (

    select
        month_start_date,
        month_end_date,
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        fiscal_period_label,
        is_current_period,
        sum(bookings_amount) as bookings_amount,
        sum(bookings_won_count) as bookings_won_count,
        sum(renewal_bookings_amount) as renewal_bookings_amount,
        sum(case when is_quota_carrying then quota_amount end) as quota_amount,
        sum(case when is_quota_carrying and is_active_in_month then 1 else 0 end)
            as active_quota_carrying_reps,
        sum(case when is_quota_carrying and quota_amount > 0 then 1 else 0 end) as reps_with_quota,
        sum(case when is_quota_carrying and quota_amount > 0 and is_attainment_met then 1 else 0 end)
            as reps_attainment_met
    from rep_months
    group by
        month_start_date,
        month_end_date,
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        fiscal_period_label,
        is_current_period

),

final as (

    select
        -- strings
        fiscal_period_label,

        -- numerics
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        cast(bookings_amount as decimal(38, 6)) as bookings_amount,
        cast(bookings_won_count as integer) as bookings_won_count,
        cast(renewal_bookings_amount as decimal(38, 6)) as renewal_bookings_amount,
        cast(quota_amount as decimal(38, 6)) as quota_amount,
        cast(active_quota_carrying_reps as integer) as active_quota_carrying_reps,
        cast({{ safe_divide('bookings_amount', 'active_quota_carrying_reps') }} as decimal(38, 6))
            as revenue_per_rep,
        cast(reps_with_quota as integer) as reps_with_quota,
        cast(reps_attainment_met as integer) as reps_attainment_met,
        cast({{ safe_divide('reps_attainment_met', 'reps_with_quota') }} as double)
            as share_reps_attainment_met,

        -- booleans
        is_current_period,

        -- dates
        month_start_date,
        month_end_date

    from aggregated

)

select * from final
