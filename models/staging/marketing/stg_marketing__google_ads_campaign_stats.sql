with

source as (
    select * from {{ source('marketing', 'google_ads_campaign_stats') }}
),

renamed as (
    select
        -- ids
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(customer_id as {{ dbt.type_string() }}) as ad_account_id,

        -- strings
        cast('google_ads' as {{ dbt.type_string() }}) as ad_platform,
        campaign_name,
        upper(trim(currency_code)) as currency_code,

        -- numerics
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        {{ micros_to_major_units('cost_micros') }} as spend,
        cast(conversions as double) as conversions,

        -- dates
        cast(date as date) as report_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['date', 'campaign_id']) }} as version_rank
    from source
),

final as (
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
        conversions,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
