{#- Daily ad spend of every ad platform, unioned (int_ad_spend_daily, METRICS.md "spend"): one row
    per spend_date x ad_platform x campaign_id, spend in the ad account's currency and in the
    reporting currency (rate of the spend month), by channel and campaign. Only days on or before
    as_of_date are published, as in mart_marketing_channel_monthly. -#}
with

ad_spend as (

    select * from {{ ref('int_ad_spend_daily') }}

),

final as (

    select
        -- ids
        cast(campaign_key as {{ dbt.type_string() }}) as campaign_key,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(ad_account_id as {{ dbt.type_string() }}) as ad_account_id,

        -- strings
        cast(ad_platform as {{ dbt.type_string() }}) as ad_platform,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,

        -- numerics
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(spend as decimal(38, 6)) as spend,
        cast(spend_reporting as decimal(38, 6)) as spend_reporting,

        -- dates
        cast(spend_date as date) as spend_date,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as spend_month_start_date

    from ad_spend
    where spend_date <= {{ as_of_date() }}

)

select * from final
