{{ config(materialized='table') }}

{#- The span of the calendar, one row: from the first day of the fiscal year holding the earliest
    business date landed (int_source_coverage: activity and plan tables, not reference inputs
    such as FX rates) to the last day of the calendar year holding
    as_of_date plus var calendar_horizon_months (the forecast and plan horizon) or the last plan
    month, whichever is later. So no month of data falls outside the calendar, whatever history
    a team lands. The vars calendar_start_date / calendar_end_date override either end. -#}
{%- set start_override = var('calendar_start_date', none) -%}
{%- set end_override = var('calendar_end_date', none) -%}
{%- set horizon_months = var('calendar_horizon_months', 24) | int -%}
{%- set span_days = dbt.datediff('start_date', 'end_date', 'day') -%}
{%- set earliest_start = dbt.dateadd('day', 1 - var('calendar_max_days'), 'end_date') %}
with

coverage as (

    select * from {{ ref('int_source_coverage') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

data_range as (

    select
        min(case when coverage.table_role in ('activity', 'plan') then coverage.first_date end)
            as first_date,
        max(case when coverage.table_role = 'plan' then coverage.last_date end) as last_plan_date,
        max(as_of.as_of_date) as as_of_date
    from coverage
    cross join as_of

),

ends as (

    select
        coalesce(first_date, as_of_date) as first_date,
        case
            when last_plan_date is null
                then {{ dbt.dateadd('month', horizon_months, 'as_of_date') }}
            when as_of_date is null then last_plan_date
            when last_plan_date > {{ dbt.dateadd('month', horizon_months, 'as_of_date') }}
                then last_plan_date
            else {{ dbt.dateadd('month', horizon_months, 'as_of_date') }}
        end as last_date
    from data_range

),

spans as (

    select
        first_date as earliest_data_date,
        {% if start_override -%}
            cast('{{ start_override }}' as date)
        {%- else -%}
            {{ fiscal_year_start_date('cast(first_date as date)') }}
        {%- endif %} as start_date,
        {% if end_override -%}
            cast('{{ end_override }}' as date)
        {%- else -%}
            cast({{ dbt.last_day('cast(last_date as date)', 'year') }} as date)
        {%- endif %} as end_date
    from ends

),

final as (

    -- at most var calendar_max_days days, kept at the recent end: a sentinel date such as
    -- 0001-01-01 cannot push the calendar away from the data (the warn test on
    -- earliest_data_date reports it)
    select
        case
            when {{ span_days }} >= {{ var('calendar_max_days') }}
                then cast({{ earliest_start }} as date)
            else start_date
        end as start_date,
        end_date,
        cast(earliest_data_date as date) as earliest_data_date
    from spans

)

select * from final
