{#- The one rule that splits a month's target over its weeks: one row per calendar month x ISO
    week holding at least one day of the month (a week spanning two months has one row for
    each). A week takes from a month split_days / month_split_days: its WORKING days of that
    month (int_calendar.is_working_day: not a weekend, not a company holiday) over the month's
    working days; a month without any working day (never in practice) is split by calendar days,
    so the weeks of a month always add up to the month. Every weekly target (revenue plan, rep
    quotas, leading indicators) multiplies by this share. -#}
with

calendar as (

    select * from {{ ref('int_calendar') }}

),

week_month_days as (

    select
        month_start_date,
        week_start_date,
        count(*) as calendar_days,
        sum(case when is_working_day then 1 else 0 end) as working_days
    from calendar
    group by month_start_date, week_start_date

),

with_month_totals as (

    select
        *,
        sum(working_days) over (partition by month_start_date) as month_working_days,
        sum(calendar_days) over (partition by month_start_date) as month_calendar_days
    from week_month_days

),

final as (

    select
        -- dates
        week_start_date,
        month_start_date,

        -- numerics
        cast(calendar_days as integer) as calendar_days,
        cast(working_days as integer) as working_days,
        cast(month_working_days as integer) as month_working_days,
        cast(case when month_working_days > 0 then working_days else calendar_days end as integer)
            as split_days,
        cast(case when month_working_days > 0 then month_working_days else month_calendar_days end as integer)
            as month_split_days

    from with_month_totals

)

select * from final
