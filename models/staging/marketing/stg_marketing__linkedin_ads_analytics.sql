{#- LinkedIn Ads' daily campaign analytics in the shape of every ad platform (macro
    ad_platform_daily_report): cost is already in major units of the local currency; the export
    has no conversions column (NULL). -#}
{{ ad_platform_daily_report(
    'linkedin_ads_analytics', 'linkedin_ads', account_id='account_id', currency='currency',
    report_date='day', spend='cast(cost_in_local_currency as ' ~ dbt.type_numeric() ~ ')',
    conversions='cast(null as double)'
) }}
