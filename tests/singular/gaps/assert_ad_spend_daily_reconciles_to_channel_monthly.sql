{#- fct_ad_spend_daily summed per month (spend_reporting) equals the ad_spend (the ad platforms'
    part of spend; CRM programme costs are the rest) of the 'All' row of
    mart_marketing_channel_monthly for the same month, for every month either model publishes
    (a month missing on one side counts as 0 there). Tolerance 0.0001: the daily rows are stored
    at 6 decimals, the monthly sum is rounded once. -#}
{{ config(tags=['reconciliation']) }}

with

ad_spend_daily as (
    select * from {{ ref('fct_ad_spend_daily') }}
),

channel_monthly as (
    select * from {{ ref('mart_marketing_channel_monthly') }}
),

daily_by_month as (
    select
        date_trunc('month', spend_date) as month_start_date,
        sum(spend_reporting) as spend
    from ad_spend_daily
    group by 1
),

monthly_total as (
    select
        month_start_date,
        ad_spend as spend
    from channel_monthly
    where channel = 'All'
)

select
    coalesce(daily_by_month.month_start_date, monthly_total.month_start_date) as month_start_date,
    daily_by_month.spend as daily_spend,
    monthly_total.spend as monthly_spend
from daily_by_month
full outer join monthly_total
    on daily_by_month.month_start_date = monthly_total.month_start_date
where abs(coalesce(daily_by_month.spend, 0) - coalesce(monthly_total.spend, 0)) > 0.0001
