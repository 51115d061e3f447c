with

source as (
    select * from {{ source('marketing', 'meta_ads_insights') }}
),

renamed as (
    select
        -- ids
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(account_id as {{ dbt.type_string() }}) as ad_account_id,

        -- strings
        cast('meta_ads' as {{ dbt.type_string() }}) as ad_platform,
        campaign_name,
        upper(trim(account_currency)) as currency_code,

        -- numerics (spend is already in major units of the account currency)
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(spend as {{ dbt.type_numeric() }}) as spend,
        cast(null as double) as conversions,

        -- dates
        cast(date_start as date) as report_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['date_start', 'campaign_id']) }} as version_rank
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
