{#- Each level of mart_sales_rollup_monthly (region, team, manager) sums, month by month, to its
    company row, and the company row to mart_sales_rep_monthly: bookings, quota, closed and
    created counts, activities. Fails on every month and level that differs. -#}
with

rollup_months as (

    select * from {{ ref('mart_sales_rollup_monthly') }}

),

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

level_totals as (

    select
        rollup_level,
        month_start_date,
        sum(bookings_amount) as bookings_amount,
        sum(coalesce(quota_amount, 0)) as quota_amount,
        sum(won_count) as won_count,
        sum(lost_count) as lost_count,
        sum(opportunities_created) as opportunities_created,
        sum(cohort_won_count) as cohort_won_count,
        sum(activity_count) as activity_count
    from rollup_months
    group by rollup_level, month_start_date

),

rep_totals as (

    select
        'rep mart' as rollup_level,
        month_start_date,
        sum(bookings_amount) as bookings_amount,
        sum(case when is_quota_carrying then coalesce(quota_amount, 0) else 0 end) as quota_amount,
        sum(won_count) as won_count,
        sum(lost_count) as lost_count,
        sum(opportunities_created) as opportunities_created,
        sum(cohort_won_count) as cohort_won_count,
        sum(activity_count) as activity_count
    from rep_months
    group by month_start_date

),

compared as (

    select * from level_totals
    union all
    select * from rep_totals

),

company as (

    select * from level_totals
    where rollup_level = 'company'

),

final as (

    select
        compared.rollup_level,
        compared.month_start_date,
        compared.bookings_amount,
        company.bookings_amount as company_bookings_amount
    from compared
    left join company
        on compared.month_start_date = company.month_start_date
    where
        company.month_start_date is null
        or compared.bookings_amount != company.bookings_amount
        or compared.quota_amount != company.quota_amount
        or compared.won_count != company.won_count
        or compared.lost_count != company.lost_count
        or compared.opportunities_created != company.opportunities_created
        or compared.cohort_won_count != company.cohort_won_count
        or compared.activity_count != company.activity_count

)

select * from final
