{#- The MRR bridge, for every month and segment (and the 'All' total), exactly:
    start + new + reactivation + expansion - contraction - churn = end.
    Also: a month starts where the previous one ended, and 'All' is the sum of the segments.
    Returns the offending rows. -#}
with

revenue as (

    select * from {{ ref('mart_revenue_monthly') }}

),

bridge_breaks as (

    select
        month_start_date,
        segment,
        'bridge' as check_name
    from revenue
    where
        starting_mrr + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churn_mrr
        != mrr

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

select * from bridge_breaks
union all
select * from continuity_breaks
union all
select * from total_breaks
