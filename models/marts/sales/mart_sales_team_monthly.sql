{#- One row per month (calendar month with its fiscal period): the company-level rep metrics that
    need every rep at once: bookings, revenue per rep (bookings / quota-carrying reps active in the
    month) and the share of reps at or above 100% of quota (among quota-carrying reps with a
    quota > 0 in the month). The company rows of mart_sales_rollup_monthly, which computes them
    with the region, team and manager roll-ups in one place. -#}
with

rollup_months as (

    select * from {{ ref('mart_sales_rollup_monthly') }}

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
        cast(revenue_per_rep as decimal(38, 6)) as revenue_per_rep,
        cast(reps_with_quota as integer) as reps_with_quota,
        cast(reps_attainment_met as integer) as reps_attainment_met,
        cast(share_reps_attainment_met as double) as share_reps_attainment_met,

        -- booleans
        is_current_period,

        -- dates
        month_start_date,
        month_end_date

    from rollup_months
    where rollup_level = 'company'

)

select * from final
