{{ config(materialized='view') }}

{#- Marketing spend (METRICS.md "spend"), the one definition every spend metric reads: the ad
    platforms' daily spend (int_ad_spend_daily, spend_source 'ad_platform') and the CRM
    campaigns' programme costs spread over their days (int_programme_costs_daily, spend_source
    'crm_programme'), one row per day x campaign_key, in the reporting currency, by channel. A
    view: it adds no rule of its own and copies no rows. -#}
with

ad_spend as (
    select * from {{ ref('int_ad_spend_daily') }}
),

programme_costs as (
    select * from {{ ref('int_programme_costs_daily') }}
),

unioned as (
    select
        spend_date,
        campaign_key,
        channel,
        'ad_platform' as spend_source,
        spend_reporting
    from ad_spend
    union all
    select
        cost_date as spend_date,
        campaign_key,
        channel,
        'crm_programme' as spend_source,
        cost_reporting as spend_reporting
    from programme_costs
),

final as (
    select
        cast(spend_date as date) as spend_date,
        campaign_key,
        channel,
        spend_source,
        spend_reporting
    from unioned
)

select * from final
