{#- Grain: one row per ISO week (Monday start) x target_level ('company', 'team', 'rep') x
    member_key. The sums of int_targets_weekly over the week's month parts (a week spanning two
    months carries its working-day share of each month's targets). Actuals are NULL for weeks
    that start after as_of_date. -#}
with

targets as (

    select * from {{ ref('int_targets_weekly') }}

),

weekly as (

    select
        target_level,
        member_key,
        team,
        rep_id,
        week_start_date,
        sum(quota_bookings) as quota_bookings,
        sum(plan_bookings) as plan_bookings,
        sum(actual_bookings) as actual_bookings
    from targets
    group by target_level, member_key, team, rep_id, week_start_date

),

final as (

    select
        -- keys
        cast(week_start_date as date) as week_start_date,
        {{ target_member_columns() }},

        -- ISO calendar
        cast({{ dbt.dateadd('day', 6, 'week_start_date') }} as date) as week_end_date,
        cast(extract(isoyear from week_start_date) as integer) as iso_year,
        cast(extract(week from week_start_date) as integer) as iso_week,

        -- bookings (new + expansion, reporting currency)
        {{ target_bookings_columns('week_start_date') }},

        -- booleans
        cast({{ is_complete_week('week_start_date') }} as boolean) as is_complete_week,
        cast(week_start_date > {{ as_of_date() }} as boolean) as is_future_week

    from weekly

)

select * from final
