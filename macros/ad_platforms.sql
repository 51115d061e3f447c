{#- One ad platform's daily campaign report as staging keeps it: one row per report day x
    campaign (the latest landed version: latest_version_rank), ids as strings, the platform's name
    as ad_platform, spend in major units of the account currency, and the same columns in the same
    order for every platform, so int_ad_spend_daily can union them. The platform's own column names
    and units come in as arguments; this is the one place the shared shape is written. -#}
{% macro ad_platform_daily_report(
    source_table, ad_platform, account_id, currency, report_date, spend, conversions
) -%}
with

source as (
    select * from {{ source('marketing', source_table) }}
),

renamed as (
    select
        -- ids
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast({{ account_id }} as {{ dbt.type_string() }}) as ad_account_id,

        -- strings
        cast('{{ ad_platform }}' as {{ dbt.type_string() }}) as ad_platform,
        campaign_name,
        upper(trim({{ currency }})) as currency_code,

        -- numerics
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        {{ spend }} as spend,
        {{ conversions }} as conversions,

        -- dates
        cast({{ report_date }} as date) as report_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank([report_date, 'campaign_id']) }} as version_rank
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
{%- endmacro %}
