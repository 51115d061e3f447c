{#- One row per live CRM account: its first-touch channel, the channel a new customer is
    attributed to (CAC by channel, ROAS). The account's first touch is the first touch of the
    earliest created lead converted into it; an account without a converted lead takes the first
    touch of its earliest created opportunity (int_opportunity_touches_attributed, which falls
    back to the opportunity's lead_source); else 'Unknown'. -#}
with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
),

opportunity_attribution as (
    select * from {{ ref('int_opportunity_touches_attributed') }}
),

first_leads as (
    {{ account_first_leads('lead_attribution') }}
),

first_opportunities as (
    select
        account_id,
        opportunity_id,
        first_touch_channel,
        first_touch_campaign
    from (
        select
            *,
            row_number() over (
                partition by account_id
                order by opportunity_created_at, opportunity_id
            ) as opportunity_rank
        from opportunity_attribution
        where account_id is not null
    ) as ranked
    where opportunity_rank = 1
),

final as (
    select
        -- ids
        accounts.account_id,
        first_leads.lead_id as first_lead_id,
        first_opportunities.opportunity_id as first_opportunity_id,

        -- strings
        case
            when first_leads.lead_id is not null then 'lead'
            when first_opportunities.opportunity_id is not null then 'opportunity'
            else 'none'
        end as attribution_source,
        coalesce(
            first_leads.first_touch_channel,
            first_opportunities.first_touch_channel,
            '{{ var("unknown_channel") }}'
        ) as first_touch_channel,
        case
            when first_leads.lead_id is not null then first_leads.first_touch_campaign
            else first_opportunities.first_touch_campaign
        end as first_touch_campaign
    from accounts
    left join first_leads
        on accounts.account_id = first_leads.account_id
    left join first_opportunities
        on accounts.account_id = first_opportunities.account_id
)

select * from final
