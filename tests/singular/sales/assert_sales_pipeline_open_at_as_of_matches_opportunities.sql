{#- The opportunities open at as_of_date in the daily pipeline state (built from stage intervals)
    must be exactly the opportunities whose current status is open (int_opportunities), among
    those created on or before as_of_date whose last stage change is on or before as_of_date.
    Returns the opportunities found on one side only. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

stage_history as (

    select * from {{ ref('int_opportunity_stage_history') }}

),

pipeline as (

    select * from {{ ref('int_pipeline_daily_state') }}

),

settled as (

    select opportunity_id
    from stage_history
    group by opportunity_id
    having max(entered_date) <= {{ as_of_date() }}

),

expected as (

    select opportunities.opportunity_id
    from opportunities
    inner join settled
        on opportunities.opportunity_id = settled.opportunity_id
    where
        not opportunities.is_closed
        and opportunities.created_date <= {{ as_of_date() }}

),

actual as (

    select pipeline.opportunity_id
    from pipeline
    inner join settled
        on pipeline.opportunity_id = settled.opportunity_id
    where pipeline.date_day = {{ as_of_date() }}

),

only_expected as (

    select
        opportunity_id,
        'open now but not in the pipeline state' as issue
    from expected
    where opportunity_id not in (select actual.opportunity_id from actual)

),

only_actual as (

    select
        opportunity_id,
        'in the pipeline state but not open now' as issue
    from actual
    where opportunity_id not in (select expected.opportunity_id from expected)

)

select * from only_expected
union all
select * from only_actual
