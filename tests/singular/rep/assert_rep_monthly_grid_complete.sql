{#- Every quota-carrying rep of dim_rep has a row in mart_sales_rep_monthly for every month the mart
    covers (first data month to the as_of month), and the mart, when the CRM gave it any row, ends in the as_of month. Fails on
    every missing rep x month. -#}
with

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

reps as (

    select * from {{ ref('dim_rep') }}

),

months as (

    select distinct month_start_date
    from rep_months

),

expected as (

    select
        reps.rep_id,
        months.month_start_date
    from reps
    cross join months
    where reps.is_quota_carrying

    union all

    select
        'as_of month missing' as rep_id,
        cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as month_start_date
    where exists (select 1 from rep_months)

),

final as (

    select expected.*
    from expected
    left join rep_months
        on
            (expected.rep_id = rep_months.rep_id or expected.rep_id = 'as_of month missing')
            and expected.month_start_date = rep_months.month_start_date
    where rep_months.month_start_date is null

)

select * from final
