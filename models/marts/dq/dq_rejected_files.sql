{#- Landing files that are not in raw because their latest attempt was a rejection: one row per
    file. A Stripe JSON file feeds two raw tables (subscriptions and their items, invoices and
    their lines) and is logged once per table: the row names the file's own table. -#}
with

load_log as (
    select * from {{ ref('stg_meta__load_log') }}
),

latest_attempt as (
    select
        file,
        max(attempted_at) as last_attempt_at
    from load_log
    group by file
),

last_loaded as (
    select
        file,
        max(attempted_at) as last_loaded_at
    from load_log
    where status = 'loaded'
    group by file
),

rejected_since_loaded as (
    select
        load_log.file,
        min(load_log.attempted_at) as first_rejected_at
    from load_log
    left join last_loaded
        on load_log.file = last_loaded.file
    where
        load_log.status = 'rejected'
        and (last_loaded.last_loaded_at is null or load_log.attempted_at > last_loaded.last_loaded_at)
    group by load_log.file
),

rejected_now as (
    select
        load_log.file,
        load_log.table_name,
        load_log.error,
        load_log.sha256,
        load_log.attempted_at as last_attempt_at,
        load_log.landed_date,
        row_number() over (
            partition by load_log.file
            order by
                -- the file's own table: raw_<system>.<table> for <system>/<table>/<name>
                case
                    when {{ dbt.concat(["'raw_'", "replace(load_log.file, '/', '.')"]) }}
                        like {{ dbt.concat(['load_log.table_name', "'.%'"]) }}
                        then 0
                    else 1
                end,
                load_log.table_name
        ) as table_rank
    from load_log
    inner join latest_attempt
        on
            load_log.file = latest_attempt.file
            and load_log.attempted_at = latest_attempt.last_attempt_at
    where load_log.status = 'rejected'
),

final as (
    select
        cast(rejected_now.file as {{ dbt.type_string() }}) as file,
        cast(rejected_now.table_name as {{ dbt.type_string() }}) as table_name,
        cast(rejected_now.error as {{ dbt.type_string() }}) as error,
        cast(rejected_now.sha256 as {{ dbt.type_string() }}) as sha256,
        cast(rejected_since_loaded.first_rejected_at as {{ dbt.type_timestamp() }}) as first_rejected_at,
        cast(rejected_now.last_attempt_at as {{ dbt.type_timestamp() }}) as last_attempt_at,
        cast(rejected_now.landed_date as date) as landed_date
    from rejected_now
    inner join rejected_since_loaded
        on rejected_now.file = rejected_since_loaded.file
    where rejected_now.table_rank = 1
)

select * from final
