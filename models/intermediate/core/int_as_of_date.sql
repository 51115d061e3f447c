{{ config(materialized='table') }}

{#- "Today" of every model, one row. The var as_of_date wins when it is set (a partitioned run
    passes its last day; --as-of-date overrides); otherwise the latest business date of any
    loaded system (int_source_coverage: creation and event dates of CRM, marketing and billing
    records, never dates after the record's own load, which are defects, nor plan months, which
    lie ahead), and with only plan files landed their latest landing day. Read it through the
    macro as_of_date(). -#}
with

coverage as (

    select * from {{ ref('int_source_coverage') }}

),

from_data as (

    select
        max(latest_event_date) as latest_event_date,
        max(last_landed_date) as last_landed_date
    from coverage

),

final as (

    select
        {% set value = run_setting('as_of_date', 'REVOPS_AS_OF_DATE') -%}
        {% if value -%}
            cast('{{ value }}' as date)
        {%- else -%}
            cast(coalesce(latest_event_date, last_landed_date) as date)
        {%- endif %} as as_of_date
    from from_data

)

select * from final
