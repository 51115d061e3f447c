{#- One ad platform's daily campaign report as staging keeps it: one row per report day x
    campaign (the latest landed version: latest_versions), ids as strings, the platform's name
    as ad_platform, spend in major units of the account currency, and the same columns in the same
    order for every platform, so int_ad_spend_daily can union them. The platform's own column names
    and units come in as arguments; this is the one place the shared shape is written. -#}
{% macro ad_platform_daily_report(
    source_table, ad_platform, account_id, currency, report_date, spend, conversions
) -%}
with

source as (
    {{ latest_versions(
        source('marketing', source_table), [report_date, 'campaign_id'], lineage_prefix='_'
    ) }}
),

renamed as (
    -- the same columns in the same order for every platform (int_ad_spend_daily unions them)
    select
        cast({{ report_date }} as date) as report_date,
        cast('{{ ad_platform }}' as {{ dbt.type_string() }}) as ad_platform,
        cast({{ account_id }} as {{ dbt.type_string() }}) as ad_account_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        campaign_name,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        {{ spend }} as spend,
        upper(trim({{ currency }})) as currency_code,
        {{ conversions }} as conversions,
        {{ lineage_columns() }}
    from source
)

select * from renamed
{%- endmacro %}
