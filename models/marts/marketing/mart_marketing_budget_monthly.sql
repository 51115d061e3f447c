{#- Budget vs spend (METRICS.md "budget vs spend"). Grain: one row per month x channel x
    campaign_key: a campaign row for each campaign with a budget line or spend in the month, a
    channel row (campaign_key = 'All') for each channel with either, and the month's total row
    (channel = 'All', campaign_key = 'All'), for every month from the first with a budget or spend
    to the later of the as_of month and the last budget month. Spend is int_marketing_spend_daily
    (ads and CRM programme costs) up to as_of_date; a month after as_of has no spend yet (NULL).
    A channel-level budget line (no campaign) counts on its channel's row only. A row without a
    budget line has a NULL budget, variance and pacing (unbudgeted, never 0). Pacing = spend to
    date / (budget x share of the month's days elapsed by as_of_date). -#}
with

budget_lines as (
    select * from {{ ref('stg_plan__marketing_budget') }}
),

marketing_spend as (
    select * from {{ ref('int_marketing_spend_daily') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

campaigns as (
    select * from {{ ref('dim_campaign') }}
),

dim_date as (
    select * from {{ ref('dim_date') }}
),

budget_converted as (
    select
        budget_lines.month_start_date,
        budget_lines.channel,
        budget_lines.campaign_key,
        {{ to_reporting_currency('budget_lines.budget_amount', 'fx') }} as budget
    from budget_lines
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'budget_lines.currency_code', 'budget_lines.month_start_date') }}
),

spend_monthly as (
    select
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month_start_date,
        channel,
        campaign_key,
        sum(spend_reporting) as spend
    from marketing_spend
    where spend_date <= {{ as_of_date() }}
    group by 1, 2, 3
),

-- a line without a rate keeps a NULL budget (count vs sum tells it apart from no line)
campaign_budget as (
    select
        month_start_date,
        channel,
        campaign_key,
        case when count(*) = count(budget) then sum(budget) end as budget
    from budget_converted
    where campaign_key is not null
    group by 1, 2, 3
),

campaign_keys as (
    select
        month_start_date,
        channel,
        campaign_key
    from campaign_budget
    union
    select
        month_start_date,
        channel,
        campaign_key
    from spend_monthly
),

campaign_rows as (
    select
        campaign_keys.month_start_date,
        campaign_keys.channel,
        campaign_keys.campaign_key,
        campaign_budget.budget,
        coalesce(spend_monthly.spend, 0) as spend
    from campaign_keys
    left join campaign_budget
        on
            campaign_keys.month_start_date = campaign_budget.month_start_date
            and campaign_keys.channel = campaign_budget.channel
            and campaign_keys.campaign_key = campaign_budget.campaign_key
    left join spend_monthly
        on
            campaign_keys.month_start_date = spend_monthly.month_start_date
            and campaign_keys.channel = spend_monthly.channel
            and campaign_keys.campaign_key = spend_monthly.campaign_key
),

channel_budget as (
    select
        month_start_date,
        channel,
        case when count(*) = count(budget) then sum(budget) end as budget
    from budget_converted
    group by 1, 2
),

channel_spend as (
    select
        month_start_date,
        channel,
        sum(spend) as spend
    from spend_monthly
    group by 1, 2
),

channel_keys as (
    select
        month_start_date,
        channel
    from channel_budget
    union
    select
        month_start_date,
        channel
    from channel_spend
),

channel_rows as (
    select
        channel_keys.month_start_date,
        channel_keys.channel,
        'All' as campaign_key,
        channel_budget.budget,
        coalesce(channel_spend.spend, 0) as spend
    from channel_keys
    left join channel_budget
        on
            channel_keys.month_start_date = channel_budget.month_start_date
            and channel_keys.channel = channel_budget.channel
    left join channel_spend
        on
            channel_keys.month_start_date = channel_spend.month_start_date
            and channel_keys.channel = channel_spend.channel
),

month_budget as (
    select
        month_start_date,
        case when count(*) = count(budget) then sum(budget) end as budget
    from budget_converted
    group by 1
),

month_spend as (
    select
        month_start_date,
        sum(spend) as spend
    from spend_monthly
    group by 1
),

activity_months as (
    select month_start_date from month_budget
    union
    select month_start_date from month_spend
),

months as (
    select
        dim_date.month_start_date,
        dim_date.month_end_date
    from dim_date
    where
        dim_date.date_day = dim_date.month_start_date
        and dim_date.month_start_date >= (select min(activity_months.month_start_date) from activity_months)
        and (
            dim_date.month_start_date <= {{ as_of_date() }}
            or dim_date.month_start_date <= (select max(month_budget.month_start_date) from month_budget)
        )
),

total_rows as (
    select
        months.month_start_date,
        'All' as channel,
        'All' as campaign_key,
        month_budget.budget,
        coalesce(month_spend.spend, 0) as spend
    from months
    left join month_budget
        on months.month_start_date = month_budget.month_start_date
    left join month_spend
        on months.month_start_date = month_spend.month_start_date
),

unioned as (
    select * from campaign_rows
    union all
    select * from channel_rows
    union all
    select * from total_rows
),

{%- set month_days = dbt.datediff('months.month_start_date', 'months.month_end_date', 'day') ~ ' + 1' %}
{%- set days_to_as_of = dbt.datediff('months.month_start_date', as_of_date(), 'day') ~ ' + 1' %}

elapsed as (
    select
        unioned.month_start_date,
        unioned.channel,
        unioned.campaign_key,
        unioned.budget,
        months.month_end_date,
        {{ month_days }} as days_in_month,
        case
            when months.month_end_date <= {{ as_of_date() }} then {{ month_days }}
            when months.month_start_date > {{ as_of_date() }} then 0
            else {{ days_to_as_of }}
        end as days_elapsed,
        -- a month after as_of_date has no spend yet: unknown, not 0
        case when months.month_start_date <= {{ as_of_date() }} then unioned.spend end as spend
    from unioned
    inner join months
        on unioned.month_start_date = months.month_start_date
),

measured as (
    select
        elapsed.*,
        elapsed.budget * elapsed.days_elapsed / elapsed.days_in_month as budget_to_date
    from elapsed
),

final as (
    select
        -- keys
        cast(measured.month_start_date as date) as month_start_date,
        cast(measured.channel as {{ dbt.type_string() }}) as channel,
        cast(measured.campaign_key as {{ dbt.type_string() }}) as campaign_key,
        cast(measured.campaign_key = 'All' as boolean) as is_channel_total,
        cast(measured.channel = 'All' as boolean) as is_total,

        -- strings
        cast(campaigns.campaign_name as {{ dbt.type_string() }}) as campaign_name,

        -- fiscal calendar
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,

        -- days
        cast(measured.days_in_month as integer) as days_in_month,
        cast(measured.days_elapsed as integer) as days_elapsed,
        cast(measured.month_end_date <= {{ as_of_date() }} as boolean) as is_month_complete,

        -- money (reporting currency)
        cast(measured.budget as decimal(38, 6)) as budget,
        cast(measured.budget_to_date as decimal(38, 6)) as budget_to_date,
        cast(measured.spend as decimal(38, 6)) as spend,
        cast(measured.spend - measured.budget as decimal(38, 6)) as spend_variance,

        -- rates
        cast({{ safe_divide('measured.spend', 'measured.budget') }} as double) as budget_used_rate,
        cast({{ safe_divide('measured.spend', 'measured.budget_to_date') }} as double) as pacing
    from measured
    inner join dim_date
        on measured.month_start_date = dim_date.date_day
    left join campaigns
        on measured.campaign_key = campaigns.campaign_key
)

select * from final
