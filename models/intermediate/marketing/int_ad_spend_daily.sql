{#- One row per day x ad platform x campaign: the daily reports of Google Ads, Meta Ads and
    LinkedIn Ads unioned, with the platform's channel (seeds/channel_mapping, source_type
    ad_platform, decided in int_channel_values) and the spend converted to the reporting currency at the
    rate of its month (NULL when the rate is missing, never 1.0; tested by has_fx_rate).
    Incremental (docs/incremental.md): a run recomputes the (day, platform, campaign) rows whose
    kept report (the latest landed, staging) landed in its window, so a restated day replaces
    the earlier numbers. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['spend_date', 'ad_platform', 'campaign_id'],
    on_schema_change='fail'
) }}
with

google_ads as (
    select * from {{ ref('stg_marketing__google_ads_campaign_stats') }}
    {{- incremental_window_filter('landed_date') }}
),

meta_ads as (
    select * from {{ ref('stg_marketing__meta_ads_insights') }}
    {{- incremental_window_filter('landed_date') }}
),

linkedin_ads as (
    select * from {{ ref('stg_marketing__linkedin_ads_analytics') }}
    {{- incremental_window_filter('landed_date') }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

unioned as (
    {%- for ad_report in ['google_ads', 'meta_ads', 'linkedin_ads'] %}
        select
            report_date,
            ad_platform,
            ad_account_id,
            campaign_id,
            campaign_name,
            impressions,
            clicks,
            spend,
            currency_code,
            landed_date
        from {{ ad_report }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        -- ids
        unioned.ad_platform || ':' || unioned.campaign_id as campaign_key,
        unioned.campaign_id,
        unioned.ad_account_id,

        -- strings
        unioned.ad_platform,
        coalesce(platform_channels.channel, '{{ var("unknown_channel") }}') as channel,
        unioned.campaign_name,
        unioned.currency_code,

        -- numerics
        unioned.impressions,
        unioned.clicks,
        unioned.spend,
        {{ to_reporting_currency('unioned.spend', 'fx') }} as spend_reporting,

        -- dates
        unioned.report_date as spend_date,

        -- lineage
        unioned.landed_date
    from unioned
    left join channel_values as platform_channels
        on
            platform_channels.source_type = 'ad_platform'
            and unioned.ad_platform = platform_channels.source_value
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'unioned.currency_code', 'unioned.report_date') }}
)

select * from final
