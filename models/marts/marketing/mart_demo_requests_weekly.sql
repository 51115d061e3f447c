{#- Grain: one row per ISO week (Monday start) x channel, for every channel of dim_channel and
    every week from the first week with a demo request to the week of as_of_date (zero weeks
    kept). Demo requests are form submissions of the demo kind (demo_request,
    consultation_request: seeds/form_classification), the marketing north-star count, by the
    submission's own UTM channel (int_touchpoints), stitched to a lead or not. -#}
with

touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

channels as (
    select * from {{ ref('dim_channel') }}
),

dim_date as (
    select * from {{ ref('dim_date') }}
),

demo_requests as (
    select
        dim_date.week_start_date,
        touchpoints.channel,
        count(*) as demo_requests
    from touchpoints
    inner join dim_date
        on touchpoints.touch_date = dim_date.date_day
    where
        touchpoints.is_demo_request
        and touchpoints.touch_date <= {{ as_of_date() }}
    group by 1, 2
),

weeks as (
    {{ periods_through_as_of(
        'dim_date', 'week_start_date', 'select min(demo_requests.week_start_date) from demo_requests'
    ) }}
),

final as (
    select
        -- keys
        cast(weeks.week_start_date as date) as week_start_date,
        cast(channels.channel as {{ dbt.type_string() }}) as channel,

        -- ISO calendar
        cast(extract(isoyear from weeks.week_start_date) as integer) as iso_year,
        cast(extract(week from weeks.week_start_date) as integer) as iso_week,
        cast({{ dbt.dateadd('day', 6, 'weeks.week_start_date') }} as date) as week_end_date,
        {{ is_complete_week('weeks.week_start_date') }} as is_complete_week,

        -- measures
        cast(coalesce(demo_requests.demo_requests, 0) as bigint) as demo_requests
    from weeks
    cross join channels
    left join demo_requests
        on
            weeks.week_start_date = demo_requests.week_start_date
            and channels.channel = demo_requests.channel
)

select * from final
