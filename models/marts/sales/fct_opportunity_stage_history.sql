{#- One row per opportunity x stage entry (int_opportunity_stage_history) with the opportunity's
    owner and type, for stage conversion and velocity reporting. -#}
with

stage_history as (

    select * from {{ ref('int_opportunity_stage_history') }}

),

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

final as (

    select
        -- ids
        stage_history.stage_entry_id,
        stage_history.opportunity_id,
        opportunities.owner_id,

        -- strings
        opportunities.opportunity_type,
        stage_history.stage_name,
        stage_history.stage_category,

        -- numerics
        stage_history.stage_entry_number,
        stage_history.stage_order,
        cast(stage_history.days_in_stage as integer) as days_in_stage,

        -- booleans
        stage_history.is_closed_stage,
        stage_history.is_won_stage,
        stage_history.is_current,
        stage_history.is_reopened,

        -- dates
        stage_history.entered_date,
        stage_history.exited_date,

        -- timestamps
        stage_history.entered_at,
        stage_history.exited_at

    from stage_history
    inner join opportunities
        on stage_history.opportunity_id = opportunities.opportunity_id

)

select * from final
