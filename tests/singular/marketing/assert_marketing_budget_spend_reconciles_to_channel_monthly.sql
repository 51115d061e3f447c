{#- Spend of the budget mart equals the channel mart's, both read from int_marketing_spend_daily
    by different paths: per month, the total row of mart_marketing_budget_monthly against the
    'All' row of mart_marketing_channel_monthly, and per month and channel, the channel rows
    against the channel mart's rows with spend, for every month up to as_of_date (a month or
    channel missing on one side counts as 0 there). Tolerance 0.0001 (6-decimal storage). -#}
{{ config(tags=['reconciliation']) }}

with

budget_monthly as (
    select * from {{ ref('mart_marketing_budget_monthly') }}
),

channel_monthly as (
    select * from {{ ref('mart_marketing_channel_monthly') }}
),

budget_spend as (
    select
        month_start_date,
        channel,
        spend
    from budget_monthly
    where is_channel_total and month_start_date <= {{ as_of_date() }}
),

channel_spend as (
    select
        month_start_date,
        channel,
        spend
    from channel_monthly
    where spend <> 0 or is_total
)

select
    coalesce(budget_spend.month_start_date, channel_spend.month_start_date) as month_start_date,
    coalesce(budget_spend.channel, channel_spend.channel) as channel,
    budget_spend.spend as budget_mart_spend,
    channel_spend.spend as channel_mart_spend
from budget_spend
full outer join channel_spend
    on
        budget_spend.month_start_date = channel_spend.month_start_date
        and budget_spend.channel = channel_spend.channel
where abs(coalesce(budget_spend.spend, 0) - coalesce(channel_spend.spend, 0)) > 0.0001
