{#- One row per live opportunity: first-touch and last-touch channel and campaign, both published.
    - The opportunity's leads are the leads converted into it (converted_opportunity_id); the
      earliest created of them is its source lead.
    - First touch = the source lead's first touch (int_lead_attribution). An opportunity without
      a converted lead falls back to its own lead_source (its channel from int_channel_values; an unmapped one
      is 'Unknown') and CRM campaign; without a lead_source (expansions, renewals), to the first
      touch of its account's earliest converted lead; else 'Unknown'.
    - Last touch = the latest touch of any of its leads at or before the opportunity's creation
      timestamp (later touches are ignored); without one it equals the first touch. -#}
with

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

campaigns as (
    select * from {{ ref('stg_crm__campaigns') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
),

touches as (
    select * from {{ ref('int_touches') }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

opportunity_leads as (
    select
        converted_opportunity_id as opportunity_id,
        lead_id,
        row_number() over (
            partition by converted_opportunity_id
            order by created_at, lead_id
        ) as lead_rank
    from leads
    where converted_opportunity_id is not null
),

source_leads as (
    select
        opportunity_leads.opportunity_id,
        opportunity_leads.lead_id,
        lead_attribution.first_touch_channel,
        lead_attribution.first_touch_campaign,
        lead_attribution.first_touch_at
    from opportunity_leads
    inner join lead_attribution
        on opportunity_leads.lead_id = lead_attribution.lead_id
    where opportunity_leads.lead_rank = 1
),

account_first_leads as (
    {{ account_first_leads('lead_attribution') }}
),

touches_before_creation as (
    select
        opportunities.opportunity_id,
        touches.channel,
        touches.campaign,
        touches.touch_type,
        touches.touch_at,
        row_number() over (
            partition by opportunities.opportunity_id
            order by touches.touch_at desc, touches.touch_id desc
        ) as recency_rank
    from opportunities
    inner join opportunity_leads
        on opportunities.opportunity_id = opportunity_leads.opportunity_id
    inner join touches
        on opportunity_leads.lead_id = touches.lead_id
    where touches.touch_at <= opportunities.created_at
),

last_touches as (
    select * from touches_before_creation
    where recency_rank = 1
),

first_touches as (
    select
        opportunities.opportunity_id,
        source_leads.lead_id,
        case
            when source_leads.lead_id is not null then 'lead'
            when nullif(trim(opportunities.lead_source), '') is not null then 'opportunity'
            when account_first_leads.account_id is not null then 'account'
            else 'none'
        end as attribution_source,
        lead_source_channels.channel as lead_source_channel,
        campaigns.campaign_name as opportunity_campaign,
        opportunities.created_at as opportunity_created_at,
        account_first_leads.first_touch_channel as account_channel,
        account_first_leads.first_touch_campaign as account_campaign,
        account_first_leads.first_touch_at as account_first_touch_at,
        source_leads.first_touch_channel as lead_channel,
        source_leads.first_touch_campaign as lead_campaign,
        source_leads.first_touch_at as lead_first_touch_at
    from opportunities
    left join source_leads
        on opportunities.opportunity_id = source_leads.opportunity_id
    left join channel_values as lead_source_channels
        on
            lead_source_channels.source_type = 'lead_source'
            and opportunities.lead_source = lead_source_channels.source_value
    left join campaigns
        on opportunities.campaign_id = campaigns.campaign_id
    left join account_first_leads
        on opportunities.account_id = account_first_leads.account_id
),

first_touches_resolved as (
    select
        first_touches.opportunity_id,
        first_touches.lead_id,
        first_touches.attribution_source,
        case first_touches.attribution_source
            when 'lead' then first_touches.lead_channel
            when 'opportunity' then coalesce(first_touches.lead_source_channel, '{{ var("unknown_channel") }}')
            when 'account' then first_touches.account_channel
            else '{{ var("unknown_channel") }}'
        end as first_touch_channel,
        case first_touches.attribution_source
            when 'lead' then first_touches.lead_campaign
            when 'account' then first_touches.account_campaign
            else first_touches.opportunity_campaign
        end as first_touch_campaign,
        case first_touches.attribution_source
            when 'lead' then first_touches.lead_first_touch_at
            when 'account' then first_touches.account_first_touch_at
            when 'opportunity' then first_touches.opportunity_created_at
        end as first_touch_at
    from first_touches
),

final as (
    select
        -- ids
        opportunities.opportunity_id,
        opportunities.account_id,
        first_touches.lead_id,

        -- strings
        first_touches.attribution_source,
        first_touches.first_touch_channel,
        first_touches.first_touch_campaign,
        coalesce(last_touches.channel, first_touches.first_touch_channel) as last_touch_channel,
        case
            when last_touches.opportunity_id is not null then last_touches.campaign
            else first_touches.first_touch_campaign
        end as last_touch_campaign,
        coalesce(last_touches.touch_type, 'first_touch') as last_touch_type,

        -- dates
        opportunities.created_date as opportunity_created_date,

        -- timestamps
        first_touches.first_touch_at,
        coalesce(last_touches.touch_at, first_touches.first_touch_at) as last_touch_at,
        opportunities.created_at as opportunity_created_at
    from opportunities
    inner join first_touches_resolved as first_touches
        on opportunities.opportunity_id = first_touches.opportunity_id
    left join last_touches
        on opportunities.opportunity_id = last_touches.opportunity_id
)

select * from final
