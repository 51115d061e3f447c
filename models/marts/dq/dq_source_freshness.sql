{#- Is each landing table fresh? One row per landing table (int_source_coverage), present or not:
    its last landing day up to as_of_date (int_source_landings: a rerun of a past day ignores
    later files), the rows landed that day (the last load), the days from it to as_of_date, and its status against the freshness SLA the sources YAML declares for dbt source
    freshness (int_source_freshness_sla): 'pass' within warn_after, 'warn' past it, 'error' past
    error_after, 'absent' when nothing has landed, 'no_sla' when none is declared. Measured
    against as_of_date, not the clock, so a past day reproduces. -#}
with

coverage as (

    select * from {{ ref('int_source_coverage') }}

),

landings as (

    select * from {{ ref('int_source_landings') }}

),

sla as (

    select * from {{ ref('int_source_freshness_sla') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

landed_by_as_of as (

    select
        landings.system,
        landings.source_table,
        landings.landed_date,
        landings.landed_rows,
        row_number() over (
            partition by landings.system, landings.source_table
            order by landings.landed_date desc
        ) as landing_recency
    from landings
    cross join as_of
    where landings.landed_date <= as_of.as_of_date

),

last_landing as (

    select
        system,
        source_table,
        landed_date as last_landed_date,
        landed_rows as last_landed_rows
    from landed_by_as_of
    where landing_recency = 1

),

measured as (

    select
        coverage.system,
        coverage.source_table,
        last_landing.last_landed_date is not null as is_present,
        last_landing.last_landed_date,
        coalesce(last_landing.last_landed_rows, 0) as last_landed_rows,
        sla.warn_after_days,
        sla.error_after_days,
        as_of.as_of_date,
        {{ dbt.datediff('last_landing.last_landed_date', 'as_of.as_of_date', 'day') }}
            as days_since_landed
    from coverage
    cross join as_of
    left join last_landing
        on
            coverage.system = last_landing.system
            and coverage.source_table = last_landing.source_table
    left join sla
        on
            coverage.system = sla.system
            and coverage.source_table = sla.source_table

),

classified as (

    select
        *,
        case
            when not is_present then 'absent'
            when warn_after_days is null and error_after_days is null then 'no_sla'
            when days_since_landed > error_after_days then 'error'
            when days_since_landed > warn_after_days then 'warn'
            else 'pass'
        end as freshness_status
    from measured

),

final as (

    select
        -- keys
        cast(system as {{ dbt.type_string() }}) as system,
        cast(source_table as {{ dbt.type_string() }}) as source_table,

        -- status
        cast(freshness_status as {{ dbt.type_string() }}) as freshness_status,
        cast(
            case when freshness_status in ('pass', 'warn', 'error') then freshness_status = 'pass' end
            as boolean
        ) as meets_freshness_sla,

        -- measures
        cast(last_landed_rows as bigint) as rows_in_last_load,
        cast(days_since_landed as bigint) as days_since_landed,
        cast(warn_after_days as double) as warn_after_days,
        cast(error_after_days as double) as error_after_days,

        -- booleans
        cast(is_present as boolean) as is_present,

        -- dates
        cast(last_landed_date as date) as last_landed_date,
        cast(as_of_date as date) as as_of_date

    from classified

)

select * from final
