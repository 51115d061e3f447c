{{ config(materialized='table') }}

{#- The calendar, the one place its rules live: one row per day of int_calendar_bounds (from the
    fiscal year of the earliest data to the horizon past as_of_date), with ISO weeks, company
    holidays, working days and the fiscal calendar. Intermediate models read it here; the
    BI-facing copy is dim_date. The spine holds at most var calendar_max_days days. -#}
{%- set day_number = 'cast(spine.generated_number as ' ~ dbt.type_int() ~ ') - 1' -%}
{%- set day_of_spine = dbt.dateadd('day', day_number, 'bounds.start_date') -%}
{%- set days_in_bounds = dbt.datediff('bounds.start_date', 'bounds.end_date', 'day') ~ ' + 1' %}
with

holidays as (
    select * from {{ ref('holidays') }}
),

bounds as (
    select * from {{ ref('int_calendar_bounds') }}
),

spine as (
    {{ dbt.generate_series(var('calendar_max_days')) }}
),

days as (
    select cast({{ day_of_spine }} as date) as date_day
    from spine
    cross join bounds
    where spine.generated_number <= {{ days_in_bounds }}
),

holiday_days as (
    select distinct cast(holiday_date as date) as holiday_date
    from holidays
),

enriched as (
    select
        days.date_day,
        cast(extract(isodow from days.date_day) as integer) as day_of_week,
        holiday_days.holiday_date is not null as is_holiday
    from days
    left join holiday_days
        on days.date_day = holiday_days.holiday_date
),

final as (
    select
        date_day,

        -- week (ISO: Monday = 1 .. Sunday = 7)
        day_of_week,
        day_of_week >= 6 as is_weekend,
        is_holiday,
        day_of_week < 6 and not is_holiday as is_working_day,
        cast({{ dbt.dateadd('day', '-1 * (day_of_week - 1)', 'date_day') }} as date) as week_start_date,

        -- calendar month, quarter, year
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.last_day('date_day', 'month') }} as date) as month_end_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast(extract(year from date_day) as integer) as year,
        cast(extract(month from date_day) as integer) as month_of_year,

        -- fiscal calendar (var fiscal_year_start_month; FY named by the year in which it ends)
        {{ fiscal_year('date_day') }} as fiscal_year,
        {{ fiscal_quarter('date_day') }} as fiscal_quarter,
        {{ fiscal_month('date_day') }} as fiscal_month,
        {{ fiscal_quarter_start_date('date_day') }} as fiscal_quarter_start_date,
        {{ fiscal_year_start_date('date_day') }} as fiscal_year_start_date,
        {{ fiscal_period_label('date_day') }} as fiscal_period_label
    from enriched
)

select * from final
