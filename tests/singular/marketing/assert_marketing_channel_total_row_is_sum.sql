{#- In mart_marketing_channel_monthly each month's 'All' row equals the sum of its channel rows for
    every additive measure, and every month has exactly one 'All' row. -#}
with

channel_monthly as (
    select * from {{ ref('mart_marketing_channel_monthly') }}
),

summed as (
    select
        month_start_date,
        sum(case when is_total then spend else 0 end)
        - sum(case when not is_total then spend else 0 end) as diff_spend,
        sum(case when is_total then leads else 0 end)
        - sum(case when not is_total then leads else 0 end) as diff_leads,
        sum(case when is_total then mqls else 0 end)
        - sum(case when not is_total then mqls else 0 end) as diff_mqls,
        sum(case when is_total then sqls else 0 end)
        - sum(case when not is_total then sqls else 0 end) as diff_sqls,
        sum(case when is_total then demo_requests else 0 end)
        - sum(case when not is_total then demo_requests else 0 end) as diff_demo_requests,
        sum(case when is_total then opportunities else 0 end)
        - sum(case when not is_total then opportunities else 0 end) as diff_opportunities,
        sum(case when is_total then pipeline_sourced else 0 end)
        - sum(case when not is_total then pipeline_sourced else 0 end) as diff_pipeline_sourced,
        sum(case when is_total then new_customers else 0 end)
        - sum(case when not is_total then new_customers else 0 end) as diff_new_customers,
        sum(case when is_total then new_arr else 0 end)
        - sum(case when not is_total then new_arr else 0 end) as diff_new_arr,
        sum(case when is_total then 1 else 0 end) as n_total_rows
    from channel_monthly
    group by month_start_date
)

select *
from summed
where
    n_total_rows != 1
    or abs(diff_spend) > 0.000001
    or abs(diff_leads) > 0.000001
    or abs(diff_mqls) > 0.000001
    or abs(diff_sqls) > 0.000001
    or abs(diff_demo_requests) > 0.000001
    or abs(diff_opportunities) > 0.000001
    or abs(diff_pipeline_sourced) > 0.000001
    or abs(diff_new_customers) > 0.000001
    or abs(diff_new_arr) > 0.000001
