{#- One row per lead: its first-touch channel and campaign. First touch = the first touch the
    CRM captured on the lead (its first-touch UTM pair, else its lead_source), i.e. the lead's
    lead_created touch in int_touches; this is the one definition every marketing mart reads. -#}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

touches as (
    select * from {{ ref('int_touches') }}
),

first_touches as (
    select
        lead_id,
        channel,
        campaign,
        touch_at
    from touches
    where touch_type = 'lead_created'
),

final as (
    select
        -- ids
        leads.lead_id,
        leads.converted_account_id as account_id,
        leads.converted_opportunity_id as opportunity_id,

        -- strings
        coalesce(first_touches.channel, '{{ var("unknown_channel") }}') as first_touch_channel,
        first_touches.campaign as first_touch_campaign,

        -- dates
        leads.created_date as lead_created_date,

        -- timestamps
        first_touches.touch_at as first_touch_at,
        leads.created_at as lead_created_at
    from leads
    left join first_touches
        on leads.lead_id = first_touches.lead_id
)

select * from final
