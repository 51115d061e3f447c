{#- mart_revenue_monthly adds up, for every month and segment (and the 'All' total), exactly:
    each MRR bridge column is the sum of fct_mrr_movements' column for the month and segment
    (the bridge itself, start + new + reactivation + expansion - contraction - churn = end, is
    tested once, per customer row, on fct_mrr_movements: a sum of balanced rows balances);
    a month starts where the previous one ended; and 'All' is the sum of the segments.
    Returns the offending rows. -#}
with

revenue as (

    select * from {{ ref('mart_revenue_monthly') }}

),

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

movement_sums as (

    select
        revenue.month_start_date,
        revenue.segment,
        revenue.starting_mrr,
        revenue.new_mrr,
        revenue.reactivation_mrr,
        revenue.expansion_mrr,
        revenue.contraction_mrr,
        revenue.churn_mrr,
        revenue.mrr,
        coalesce(sum(movements.starting_mrr), 0) as sum_starting_mrr,
        coalesce(sum(movements.new_mrr), 0) as sum_new_mrr,
        coalesce(sum(movements.reactivation_mrr), 0) as sum_reactivation_mrr,
        coalesce(sum(movements.expansion_mrr), 0) as sum_expansion_mrr,
        coalesce(sum(movements.contraction_mrr), 0) as sum_contraction_mrr,
        coalesce(sum(movements.churn_mrr), 0) as sum_churn_mrr,
        coalesce(sum(movements.ending_mrr), 0) as sum_ending_mrr
    from revenue
    left join movements
        on
            revenue.month_start_date = movements.month_start_date
            and (revenue.segment = 'All' or revenue.segment = movements.segment)
    group by
        revenue.month_start_date,
        revenue.segment,
        revenue.starting_mrr,
        revenue.new_mrr,
        revenue.reactivation_mrr,
        revenue.expansion_mrr,
        revenue.contraction_mrr,
        revenue.churn_mrr,
        revenue.mrr

),

sum_breaks as (

    select
        month_start_date,
        segment,
        'sum of fct_mrr_movements' as check_name
    from movement_sums
    where
        starting_mrr != sum_starting_mrr
        or new_mrr != sum_new_mrr
        or reactivation_mrr != sum_reactivation_mrr
        or expansion_mrr != sum_expansion_mrr
        or contraction_mrr != sum_contraction_mrr
        or churn_mrr != sum_churn_mrr
        or mrr != sum_ending_mrr

),

continuity_breaks as (

    select
        month_start_date,
        segment,
        'start = previous end' as check_name
    from (
        select
            month_start_date,
            segment,
            starting_mrr,
            lag(mrr) over (partition by segment order by month_start_date) as previous_mrr,
            row_number() over (partition by segment order by month_start_date) as month_number
        from revenue
    ) as sequenced
    where starting_mrr != case when month_number = 1 then 0 else previous_mrr end

),

segment_totals as (

    select
        month_start_date,
        sum(case when segment = 'All' then mrr else 0 end) as total_mrr,
        sum(case when segment != 'All' then mrr else 0 end) as segments_mrr,
        sum(case when segment = 'All' then churn_mrr else 0 end) as total_churn,
        sum(case when segment != 'All' then churn_mrr else 0 end) as segments_churn
    from revenue
    group by month_start_date

),

total_breaks as (

    select
        month_start_date,
        'All' as segment,
        'All = sum of segments' as check_name
    from segment_totals
    where total_mrr != segments_mrr or total_churn != segments_churn

)

select * from sum_breaks
union all
select * from continuity_breaks
union all
select * from total_breaks
