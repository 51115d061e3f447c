{{ config(materialized='table') }}

with

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

reporting_rates as (
    select
        rate_month,
        rate_to_usd as reporting_rate_to_usd
    from fx_rates
    where currency_code = upper('{{ var("reporting_currency", "USD") }}')
),

final as (
    select
        fx_rates.rate_month,
        fx_rates.currency_code,
        upper('{{ var("reporting_currency", "USD") }}') as reporting_currency,
        fx_rates.rate_to_usd,
        -- one unit of currency_code in the reporting currency, to 8 decimals
        cast(
            round(fx_rates.rate_to_usd / nullif(reporting_rates.reporting_rate_to_usd, 0), 8)
            as decimal(18, 8)
        ) as rate_to_reporting
    from fx_rates
    inner join reporting_rates
        on fx_rates.rate_month = reporting_rates.rate_month
)

select * from final
