{#- Every live opportunity has exactly one current stage entry, and it is the opportunity's
    current stage; entry numbers run 1..n without gaps. Returns the opportunities that break it. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

stage_history as (

    select * from {{ ref('int_opportunity_stage_history') }}

),

summary as (

    select
        opportunity_id,
        count(*) as n_entries,
        max(stage_entry_number) as max_entry_number,
        sum(case when is_current then 1 else 0 end) as n_current,
        max(case when is_current then stage_name end) as current_stage_name
    from stage_history
    group by opportunity_id

)

select
    opportunities.opportunity_id,
    opportunities.stage_name,
    summary.current_stage_name,
    summary.n_current,
    summary.n_entries,
    summary.max_entry_number
from opportunities
left join summary
    on opportunities.opportunity_id = summary.opportunity_id
where
    summary.opportunity_id is null
    or summary.n_current != 1
    or summary.current_stage_name != opportunities.stage_name
    or summary.max_entry_number != summary.n_entries
