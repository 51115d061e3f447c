{#- Re-running a past day reproduces it: no lead and no stage entry after as_of_date is counted. -#}
with

funnel_stages as (
    select * from {{ ref('int_lead_funnel_stages') }}
)

select *
from funnel_stages
where
    entered_date > {{ as_of_date() }}
    or lead_created_date > {{ as_of_date() }}
