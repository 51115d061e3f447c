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

sum_breaks as (

    -- each revenue row joined to the movements it sums (all segments for 'All'); the revenue
    -- row's values repeat per movement, so max() reads them back
    select
        revenue.month_start_date,
        revenue.segment,
        'sum of fct_mrr_movements' as check_name
    from revenue
    left join movements
        on
            revenue.month_start_date = movements.month_start_date
            and (revenue.segment = 'All' or revenue.segment = movements.segment)
    group by revenue.month_start_date, revenue.segment
    having
        max(revenue.starting_mrr) != coalesce(sum(movements.starting_mrr), 0)
        or max(revenue.new_mrr) != coalesce(sum(movements.new_mrr), 0)
        or max(revenue.reactivation_mrr) != coalesce(sum(movements.reactivation_mrr), 0)
        or max(revenue.expansion_mrr) != coalesce(sum(movements.expansion_mrr), 0)
        or max(revenue.contraction_mrr) != coalesce(sum(movements.contraction_mrr), 0)
        or max(revenue.churn_mrr) != coalesce(sum(movements.churn_mrr), 0)
        or max(revenue.mrr) != coalesce(sum(movements.ending_mrr), 0)

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
