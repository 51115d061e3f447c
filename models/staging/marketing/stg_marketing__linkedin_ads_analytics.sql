with

source as (
    select * from {{ source('marketing', 'linkedin_ads_analytics') }}
),

renamed as (
    select
        -- ids
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(account_id as {{ dbt.type_string() }}) as ad_account_id,

        -- strings
        cast('linkedin_ads' as {{ dbt.type_string() }}) as ad_platform,
        campaign_name,
        upper(trim(currency)) as currency_code,

        -- numerics (cost is already in major units of the local currency)
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(cost_in_local_currency as {{ dbt.type_numeric() }}) as spend,
        cast(null as double) as conversions,

        -- dates
        cast(day as date) as report_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['day', 'campaign_id']) }} as version_rank
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
