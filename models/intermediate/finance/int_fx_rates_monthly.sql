{{ config(materialized='table') }}

{#- Monthly rates of every currency to the reporting currency (macro reporting_fx_rates_sql):
    landed rates where present, else the bundled seed; the reporting currency at 1 in every
    month. -#}
with

final as (
    {{ reporting_fx_rates_sql(ref('stg_reference__fx_rates'), ref('fx_rates')) }}
)

select * from final
