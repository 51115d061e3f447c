{#- Google Ads' daily campaign report in the shape of every ad platform (macro
    ad_platform_daily_report): the ad account is the Google Ads customer id, cost comes in micros. -#}
{{ ad_platform_daily_report(
    'google_ads_campaign_stats', 'google_ads', account_id='customer_id', currency='currency_code',
    report_date='date', spend=micros_to_major_units('cost_micros'), conversions='cast(conversions as double)'
) }}
