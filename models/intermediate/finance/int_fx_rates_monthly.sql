{{ config(materialized='table') }}

{#- Monthly rates of every currency to the reporting currency (macro reporting_fx_rates_sql). -#}
with

final as (
    {{ reporting_fx_rates_sql(ref('fx_rates')) }}
)

select * from final
