{{ config(materialized='table') }}

{#- The calendar as BI tools see it: one row per day of int_calendar (where its rules live),
    columns fixed by the contract. -#}
with

calendar as (
    select * from {{ ref('int_calendar') }}
),

final as (
    select
        date_day,

        -- week (ISO: Monday = 1 .. Sunday = 7)
        day_of_week,
        is_weekend,
        is_holiday,
        is_working_day,
        week_start_date,

        -- calendar month, quarter, year
        month_start_date,
        month_end_date,
        quarter_start_date,
        year,
        month_of_year,

        -- fiscal calendar
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        fiscal_quarter_start_date,
        fiscal_year_start_date,
        fiscal_period_label
    from calendar
)

select * from final
