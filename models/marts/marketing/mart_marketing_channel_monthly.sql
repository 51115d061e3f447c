{#- Grain: one row per calendar month x channel, every channel of dim_channel plus a total row
    channel = 'All', for every month from the first month with marketing activity to the month
    of as_of_date (zero rows kept). Counts are by the month the event happened (not cohorts):
    leads / MQLs / SQLs entered in the month by the lead's first-touch channel; demo requests by
    the submission's own UTM channel; opportunities and pipeline sourced by the opportunity's
    first-touch channel; new customers (first closed-won of an account) and their new ARR by the
    account's first-touch channel. Spend is int_marketing_spend_daily: ad platforms and CRM
    programme costs. New ARR is billing's (12 x the account's first month of MRR, matched
    accounts only), the CRM's won amount beside it. Paid and fully loaded CAC are month-level and
    published on the 'All' row only; CAC by channel on the channel rows. ROAS only where there is
    spend: the 'All' row divides the new ARR of the channels with spend by all spend. -#}
with

marketing_spend as (
    select * from {{ ref('int_marketing_spend_daily') }}
),

funnel_stages as (
    select * from {{ ref('int_lead_funnel_stages') }}
),

lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
),

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

opportunity_attribution as (
    select * from {{ ref('int_opportunity_touches_attributed') }}
),

account_first_won as (
    select * from {{ ref('int_account_first_won') }}
),

account_attribution as (
    select * from {{ ref('int_account_attribution') }}
),

customer_mrr as (
    select * from {{ ref('int_customer_mrr_monthly') }}
),

team_costs as (
    select * from {{ ref('stg_plan__team_costs') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

channels as (
    select * from {{ ref('dim_channel') }}
),

dim_date as (
    select * from {{ ref('dim_date') }}
),

spend as (
    select
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month_start_date,
        channel,
        sum(spend_reporting) as spend,
        sum(case when spend_source = 'ad_platform' then spend_reporting end) as ad_spend,
        sum(case when spend_source = 'crm_programme' then spend_reporting end) as programme_cost
    from marketing_spend
    where spend_date <= {{ as_of_date() }}
    group by 1, 2
),

-- an account's billing MRR per month (its matched billing customers summed) and its first month
-- with MRR > 0: new ARR = 12 x that month's MRR (METRICS.md "ROAS")
account_billing_mrr as (
    select
        crm_account_id as account_id,
        month_start_date,
        sum(mrr) as mrr
    from customer_mrr
    where crm_account_id is not null
    group by 1, 2
),

account_first_billing as (
    select
        account_id,
        min(month_start_date) as first_billing_month
    from account_billing_mrr
    where mrr > 0
    group by 1
),

account_new_arr as (
    select
        account_first_billing.account_id,
        12 * account_billing_mrr.mrr as new_arr
    from account_first_billing
    inner join account_billing_mrr
        on
            account_first_billing.account_id = account_billing_mrr.account_id
            and account_first_billing.first_billing_month = account_billing_mrr.month_start_date
),

funnel as (
    select
        cast({{ dbt.date_trunc('month', 'funnel_stages.entered_date') }} as date) as month_start_date,
        lead_attribution.first_touch_channel as channel,
        sum(case when funnel_stages.funnel_stage = 'lead' then 1 else 0 end) as leads,
        sum(case when funnel_stages.funnel_stage = 'mql' then 1 else 0 end) as mqls,
        sum(case when funnel_stages.funnel_stage = 'sql' then 1 else 0 end) as sqls
    from funnel_stages
    inner join lead_attribution
        on funnel_stages.lead_id = lead_attribution.lead_id
    where funnel_stages.funnel_stage in ('lead', 'mql', 'sql')
    group by 1, 2
),

demo_requests as (
    select
        cast({{ dbt.date_trunc('month', 'touch_date') }} as date) as month_start_date,
        channel,
        count(*) as demo_requests
    from touchpoints
    where
        is_demo_request
        and touch_date <= {{ as_of_date() }}
    group by 1, 2
),

pipeline as (
    select
        cast({{ dbt.date_trunc('month', 'opportunities.created_date') }} as date) as month_start_date,
        opportunity_attribution.first_touch_channel as channel,
        count(*) as opportunities,
        sum(opportunities.amount_reporting) as pipeline_sourced
    from opportunities
    inner join opportunity_attribution
        on opportunities.opportunity_id = opportunity_attribution.opportunity_id
    where opportunities.created_date <= {{ as_of_date() }}
    group by 1, 2
),

new_customers as (
    select
        cast({{ dbt.date_trunc('month', 'account_first_won.first_won_date') }} as date) as month_start_date,
        coalesce(account_attribution.first_touch_channel, '{{ var("unknown_channel") }}') as channel,
        count(*) as new_customers,
        count(account_new_arr.account_id) as new_customers_billing_matched,
        sum(account_new_arr.new_arr) as new_arr,
        sum(account_first_won.first_won_amount_reporting) as new_arr_crm
    from account_first_won
    left join account_attribution
        on account_first_won.account_id = account_attribution.account_id
    left join account_new_arr
        on account_first_won.account_id = account_new_arr.account_id
    where account_first_won.first_won_date <= {{ as_of_date() }}
    group by 1, 2
),

team_cost_monthly as (
    select
        team_costs.month_start_date,
        sum({{ to_reporting_currency('team_costs.cost_amount', 'fx') }}) as team_cost
    from team_costs
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'team_costs.currency_code', 'team_costs.month_start_date') }}
    group by 1
),

activity_months as (
    select month_start_date from spend
    union all
    select month_start_date from funnel
    union all
    select month_start_date from demo_requests
    union all
    select month_start_date from pipeline
    union all
    select month_start_date from new_customers
),

months as (
    {{ periods_through_as_of(
        'dim_date', 'month_start_date', 'select min(activity_months.month_start_date) from activity_months'
    ) }}
),

by_channel as (
    select
        months.month_start_date,
        channels.channel,
        false as is_total,
        coalesce(spend.spend, 0) as spend,
        coalesce(spend.ad_spend, 0) as ad_spend,
        coalesce(spend.programme_cost, 0) as programme_cost,
        coalesce(funnel.leads, 0) as leads,
        coalesce(funnel.mqls, 0) as mqls,
        coalesce(funnel.sqls, 0) as sqls,
        coalesce(demo_requests.demo_requests, 0) as demo_requests,
        coalesce(pipeline.opportunities, 0) as opportunities,
        coalesce(pipeline.pipeline_sourced, 0) as pipeline_sourced,
        coalesce(new_customers.new_customers, 0) as new_customers,
        coalesce(new_customers.new_customers_billing_matched, 0) as new_customers_billing_matched,
        coalesce(new_customers.new_arr, 0) as new_arr,
        coalesce(new_customers.new_arr_crm, 0) as new_arr_crm,
        -- ROAS counts the new ARR of a channel with spend in the month only
        case when coalesce(spend.spend, 0) <> 0 then coalesce(new_customers.new_arr, 0) else 0 end
            as paid_channel_new_arr
    from months
    cross join channels
    left join spend
        on months.month_start_date = spend.month_start_date and channels.channel = spend.channel
    left join funnel
        on months.month_start_date = funnel.month_start_date and channels.channel = funnel.channel
    left join demo_requests
        on
            months.month_start_date = demo_requests.month_start_date
            and channels.channel = demo_requests.channel
    left join pipeline
        on months.month_start_date = pipeline.month_start_date and channels.channel = pipeline.channel
    left join new_customers
        on
            months.month_start_date = new_customers.month_start_date
            and channels.channel = new_customers.channel
),

totals as (
    select
        month_start_date,
        'All' as channel,
        true as is_total,
        sum(spend) as spend,
        sum(ad_spend) as ad_spend,
        sum(programme_cost) as programme_cost,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(sqls) as sqls,
        sum(demo_requests) as demo_requests,
        sum(opportunities) as opportunities,
        sum(pipeline_sourced) as pipeline_sourced,
        sum(new_customers) as new_customers,
        sum(new_customers_billing_matched) as new_customers_billing_matched,
        sum(new_arr) as new_arr,
        sum(new_arr_crm) as new_arr_crm,
        sum(paid_channel_new_arr) as paid_channel_new_arr
    from by_channel
    group by 1
),

unioned as (
    select * from by_channel
    union all
    select * from totals
),

final as (
    select
        -- keys
        cast(unioned.month_start_date as date) as month_start_date,
        cast(unioned.channel as {{ dbt.type_string() }}) as channel,
        cast(unioned.is_total as boolean) as is_total,

        -- fiscal calendar
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,

        -- spend and funnel volumes
        cast(unioned.spend as decimal(38, 6)) as spend,
        cast(unioned.leads as bigint) as leads,
        cast(unioned.mqls as bigint) as mqls,
        cast(unioned.sqls as bigint) as sqls,
        cast(unioned.demo_requests as bigint) as demo_requests,
        cast(unioned.opportunities as bigint) as opportunities,
        cast(unioned.pipeline_sourced as decimal(38, 6)) as pipeline_sourced,
        cast(unioned.new_customers as bigint) as new_customers,
        cast(unioned.new_arr as decimal(38, 6)) as new_arr,

        -- cost of acquisition and return
        cast(case when unioned.is_total then team_cost_monthly.team_cost end as decimal(38, 6))
            as team_cost,
        cast(
            case when unioned.is_total then {{ safe_divide('unioned.spend', 'unioned.new_customers') }} end
            as decimal(38, 6)
        ) as paid_cac,
        cast(case
            when unioned.is_total
                then {{ safe_divide('unioned.spend + team_cost_monthly.team_cost', 'unioned.new_customers') }}
        end as decimal(38, 6)) as fully_loaded_cac,
        cast(
            case when not unioned.is_total then {{ safe_divide('unioned.spend', 'unioned.new_customers') }} end
            as decimal(38, 6)
        ) as cac_by_channel,
        cast({{ safe_divide('unioned.paid_channel_new_arr', 'unioned.spend') }} as double) as roas,

        -- spend parts and new ARR detail (added after roas: the BI contract keeps column order)
        cast(unioned.ad_spend as decimal(38, 6)) as ad_spend,
        cast(unioned.programme_cost as decimal(38, 6)) as programme_cost,
        cast(unioned.new_customers_billing_matched as bigint) as new_customers_billing_matched,
        cast(unioned.new_arr_crm as decimal(38, 6)) as new_arr_crm,
        cast(unioned.paid_channel_new_arr as decimal(38, 6)) as paid_channel_new_arr
    from unioned
    inner join dim_date
        on unioned.month_start_date = dim_date.date_day
    left join team_cost_monthly
        on unioned.month_start_date = team_cost_monthly.month_start_date
)

select * from final
