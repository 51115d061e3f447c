{#- The leading indicators the plan sets weekly targets for, per business day up to as_of_date.
    Grain: one row per date_day with at least one demo request, SQL or opportunity created.
    demo requests     form submissions of the demo kind (int_touchpoints.is_demo_request), by
                      submission date: the count of mart_demo_requests_weekly
    SQLs              leads entering the funnel stage 'sql' (int_lead_funnel_stages), by the date
                      they entered it
    pipeline created  opportunities created that day (count and amount in the reporting
                      currency, int_opportunities), whatever their current stage
    The same definitions as the weekly revenue scorecard's. -#}
with

touchpoints as (

    select * from {{ ref('int_touchpoints') }}

),

funnel_stages as (

    select * from {{ ref('int_lead_funnel_stages') }}

),

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

demo_requests as (

    select
        touch_date as date_day,
        count(*) as demo_requests
    from touchpoints
    where
        is_demo_request
        and touch_date <= {{ as_of_date() }}
    group by touch_date

),

sqls as (

    select
        entered_date as date_day,
        count(*) as sqls
    from funnel_stages
    where
        funnel_stage = 'sql'
        and entered_date <= {{ as_of_date() }}
    group by entered_date

),

pipeline_created as (

    select
        created_date as date_day,
        count(*) as opportunities_created,
        sum(amount_reporting) as pipeline_created
    from opportunities
    where created_date <= {{ as_of_date() }}
    group by created_date

),

days as (

    select date_day from demo_requests
    union
    select date_day from sqls
    union
    select date_day from pipeline_created

),

final as (

    select
        -- dates
        days.date_day,

        -- numerics
        coalesce(demo_requests.demo_requests, 0) as demo_requests,
        coalesce(sqls.sqls, 0) as sqls,
        coalesce(pipeline_created.opportunities_created, 0) as opportunities_created,
        coalesce(pipeline_created.pipeline_created, 0) as pipeline_created

    from days
    left join demo_requests
        on days.date_day = demo_requests.date_day
    left join sqls
        on days.date_day = sqls.date_day
    left join pipeline_created
        on days.date_day = pipeline_created.date_day

)

select * from final
