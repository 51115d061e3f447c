{#- One row per campaign key: CRM campaigns ('crm:<id>') and ad platform campaigns
    ('<ad_platform>:<campaign id>', e.g. 'google_ads:123'). Ad campaigns take their latest
    reported name and their channel from the platform; CRM campaigns their channel from the
    campaign type read as a lead source (the channel from int_channel_values; types it does not know, such as
    Content, are 'Unknown'). Spend is the ad platforms' only, in the reporting currency. -#}
with

crm_campaigns as (
    select * from {{ ref('stg_crm__campaigns') }}
),

ad_spend as (
    select * from {{ ref('int_ad_spend_daily') }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

ad_campaign_names as (
    select
        campaign_key,
        campaign_name
    from (
        select
            campaign_key,
            campaign_name,
            row_number() over (
                partition by campaign_key
                order by spend_date desc, campaign_name desc
            ) as name_rank
        from ad_spend
        where campaign_name is not null
    ) as ranked
    where name_rank = 1
),

ad_campaigns as (
    select
        ad_spend.campaign_key,
        ad_spend.ad_platform as campaign_source,
        ad_spend.campaign_id,
        min(ad_spend.channel) as channel,
        min(ad_spend.spend_date) as first_spend_date,
        max(ad_spend.spend_date) as last_spend_date,
        sum(ad_spend.spend_reporting) as total_spend_reporting
    from ad_spend
    group by ad_spend.campaign_key, ad_spend.ad_platform, ad_spend.campaign_id
),

crm as (
    select
        'crm:' || crm_campaigns.campaign_id as campaign_key,
        'crm' as campaign_source,
        crm_campaigns.campaign_id,
        crm_campaigns.campaign_name,
        crm_campaigns.campaign_type,
        coalesce(lead_source_channels.channel, '{{ var("unknown_channel") }}') as channel,
        crm_campaigns.status as campaign_status,
        crm_campaigns.is_active,
        crm_campaigns.start_date,
        crm_campaigns.end_date,
        crm_campaigns.budgeted_cost,
        crm_campaigns.actual_cost,
        cast(null as date) as first_spend_date,
        cast(null as date) as last_spend_date,
        cast(null as {{ dbt.type_numeric() }}) as total_spend_reporting
    from crm_campaigns
    left join channel_values as lead_source_channels
        on
            lead_source_channels.source_type = 'lead_source'
            and crm_campaigns.campaign_type = lead_source_channels.source_value
),

ads as (
    select
        ad_campaigns.campaign_key,
        ad_campaigns.campaign_source,
        ad_campaigns.campaign_id,
        ad_campaign_names.campaign_name,
        cast(null as {{ dbt.type_string() }}) as campaign_type,
        ad_campaigns.channel,
        cast(null as {{ dbt.type_string() }}) as campaign_status,
        cast(null as boolean) as is_active,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        cast(null as {{ dbt.type_numeric() }}) as budgeted_cost,
        cast(null as {{ dbt.type_numeric() }}) as actual_cost,
        ad_campaigns.first_spend_date,
        ad_campaigns.last_spend_date,
        ad_campaigns.total_spend_reporting
    from ad_campaigns
    left join ad_campaign_names
        on ad_campaigns.campaign_key = ad_campaign_names.campaign_key
),

unioned as (
    select * from crm
    union all
    select * from ads
),

final as (
    select
        -- ids
        cast(campaign_key as {{ dbt.type_string() }}) as campaign_key,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,

        -- strings
        cast(campaign_source as {{ dbt.type_string() }}) as campaign_source,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(campaign_type as {{ dbt.type_string() }}) as campaign_type,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(campaign_status as {{ dbt.type_string() }}) as campaign_status,

        -- numerics
        cast(budgeted_cost as decimal(38, 6)) as budgeted_cost,
        cast(actual_cost as decimal(38, 6)) as actual_cost,
        cast(total_spend_reporting as decimal(38, 6)) as total_spend_reporting,

        -- booleans
        cast(is_active as boolean) as is_active,

        -- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(first_spend_date as date) as first_spend_date,
        cast(last_spend_date as date) as last_spend_date
    from unioned
)

select * from final
