{#- Ad spend in mart_marketing_channel_monthly (channel rows and the 'All' rows, each) equals the raw
    ad reports of the three platforms converted to the reporting currency, computed here from
    the staging ad models and the FX model directly (not through int_ad_spend_daily), up to
    as_of_date. A report row without FX rate counts in neither sum (its converted spend is NULL):
    has_fx_rate warns about it and marts.dq_fx_rates_missing lists it, so the day publishes. -#}
{{ config(tags=['reconciliation']) }}

with

google_ads as (
    select * from {{ ref('stg_marketing__google_ads_campaign_stats') }}
),

meta_ads as (
    select * from {{ ref('stg_marketing__meta_ads_insights') }}
),

linkedin_ads as (
    select * from {{ ref('stg_marketing__linkedin_ads_analytics') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

channel_monthly as (
    select * from {{ ref('mart_marketing_channel_monthly') }}
),

reports as (
    select
        report_date,
        spend,
        currency_code
    from google_ads
    union all
    select
        report_date,
        spend,
        currency_code
    from meta_ads
    union all
    select
        report_date,
        spend,
        currency_code
    from linkedin_ads
),

expected as (
    select
        sum(reports.spend * fx_rates.rate_to_reporting) as spend,
        sum(case when reports.spend is not null and fx_rates.rate_to_reporting is null then 1 else 0 end)
            as n_without_rate
    from reports
    left join fx_rates
        on
            upper(reports.currency_code) = fx_rates.currency_code
            and fx_rates.rate_month = date_trunc('month', reports.report_date)
    where reports.report_date <= {{ as_of_date() }}
),

published as (
    select
        sum(case when not is_total then ad_spend else 0 end) as channel_spend,
        sum(case when is_total then ad_spend else 0 end) as total_spend
    from channel_monthly
)

select
    expected.spend as expected_spend,
    expected.n_without_rate,
    published.channel_spend,
    published.total_spend
from expected
cross join published
where
    abs(coalesce(expected.spend, 0) - coalesce(published.channel_spend, 0)) > 0.01
    or abs(coalesce(expected.spend, 0) - coalesce(published.total_spend, 0)) > 0.01
