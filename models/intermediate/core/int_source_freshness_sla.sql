{#- The freshness SLA of each landing table: the warn and error thresholds the sources YAML
    declares for dbt source freshness (macro source_freshness_sla_sql), in days. One row per
    landing source table. -#}
with

sla as (

    {{ source_freshness_sla_sql() }}

),

final as (

    select
        system,
        source_table,
        warn_after_days,
        error_after_days
    from sla

)

select * from final
