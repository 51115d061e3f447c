{#- Meta Ads' daily campaign insights in the shape of every ad platform (macro
    ad_platform_daily_report): spend is already in major units of the account currency; Meta's
    export has no conversions column (NULL). -#}
{{ ad_platform_daily_report(
    'meta_ads_insights', 'meta_ads', account_id='account_id', currency='account_currency',
    report_date='date_start', spend='cast(spend as ' ~ dbt.type_numeric() ~ ')', conversions='cast(null as double)'
) }}
