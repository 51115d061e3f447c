{#- Programme costs of CRM campaigns (webinars, events, email, content: METRICS.md "spend"), one
    row per campaign x day. A campaign's actual cost is spread evenly over its days, start_date to
    end_date inclusive; a campaign without an end date is still running and is spread over its
    days up to as_of_date; without a start date it starts on its created day; an end before the
    start counts as one day. Each day's share converts to the reporting currency at the rate of
    its month (NULL when the rate is missing, never 1.0). The channel is the campaign type read as
    a lead source (int_channel_values, as dim_campaign). Campaigns of a channel that an ad
    platform reports (int_channel_values, source_type ad_platform: Paid Search, Paid Social) are
    left out: their cost is the platforms' daily spend (int_ad_spend_daily), never counted twice.
    Days outside the calendar (int_calendar) have no row. -#}
with

campaigns as (
    select * from {{ ref('stg_crm__campaigns') }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

calendar as (
    select * from {{ ref('int_calendar') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

ad_platform_channels as (
    select distinct channel
    from channel_values
    where source_type = 'ad_platform'
),

campaign_channels as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.currency_code,
        campaigns.actual_cost,
        coalesce(lead_source_channels.channel, '{{ var("unknown_channel") }}') as channel,
        coalesce(campaigns.start_date, cast(campaigns.created_at as date)) as first_day,
        campaigns.end_date
    from campaigns
    left join channel_values as lead_source_channels
        on
            lead_source_channels.source_type = 'lead_source'
            and campaigns.campaign_type = lead_source_channels.source_value
    where campaigns.actual_cost is not null and campaigns.actual_cost <> 0
),

programmes as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        currency_code,
        actual_cost,
        channel,
        first_day,
        case
            when coalesce(end_date, {{ as_of_date() }}) < first_day then first_day
            else coalesce(end_date, {{ as_of_date() }})
        end as last_day
    from campaign_channels
    where channel not in (select ad_platform_channels.channel from ad_platform_channels)
),

spread as (
    select
        programmes.campaign_id,
        programmes.campaign_name,
        programmes.campaign_type,
        programmes.channel,
        programmes.currency_code,
        programmes.actual_cost,
        programmes.first_day,
        programmes.last_day,
        {%- set days_between = dbt.datediff('programmes.first_day', 'programmes.last_day', 'day') %}
        {{ days_between }} + 1 as campaign_days,
        calendar.date_day as cost_date
    from programmes
    inner join calendar
        on calendar.date_day between programmes.first_day and programmes.last_day
),

final as (
    select
        -- ids
        'crm:' || spread.campaign_id as campaign_key,
        spread.campaign_id,

        -- strings
        spread.campaign_name,
        spread.campaign_type,
        spread.channel,
        spread.currency_code,

        -- numerics
        spread.campaign_days,
        cast(spread.actual_cost as {{ dbt.type_numeric() }}) as campaign_actual_cost,
        cast(spread.actual_cost as {{ dbt.type_numeric() }}) / spread.campaign_days as cost,
        {{ to_reporting_currency(
            'cast(spread.actual_cost as ' ~ dbt.type_numeric() ~ ') / spread.campaign_days', 'fx'
        ) }} as cost_reporting,

        -- dates
        spread.cost_date,
        spread.first_day as campaign_first_day,
        spread.last_day as campaign_last_day
    from spread
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'spread.currency_code', 'spread.cost_date') }}
)

select * from final
