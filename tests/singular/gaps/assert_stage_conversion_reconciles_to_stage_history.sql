{#- mart_stage_conversion_quarterly's reached and converted counts equal those recomputed here from
    fct_opportunity_stage_history by another route (first entry by min(stage_entry_number), the
    next stage by a join and a max instead of a correlated exists), per fiscal quarter and open
    stage; and per stage the reached counts of all quarters add up to the distinct opportunities
    that ever entered the stage on or before as_of_date. -#}
{{ config(tags=['reconciliation']) }}

with

stage_history as (
    select * from {{ ref('fct_opportunity_stage_history') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
),

dim_date as (
    select * from {{ ref('dim_date') }}
),

conversion as (
    select * from {{ ref('mart_stage_conversion_quarterly') }}
),

history as (
    select *
    from stage_history
    where entered_date <= {{ as_of_date() }}
),

first_entry_numbers as (
    select
        history.opportunity_id,
        history.stage_name,
        min(history.stage_entry_number) as first_entry_number
    from history
    inner join stage_mapping
        on history.stage_name = stage_mapping.stage_name
    where stage_mapping.stage_category = 'open'
    group by history.opportunity_id, history.stage_name
),

first_entries as (
    select
        first_entry_numbers.opportunity_id,
        first_entry_numbers.stage_name,
        first_entry_numbers.first_entry_number,
        history.stage_order,
        dim_date.fiscal_period_label
    from first_entry_numbers
    inner join history
        on
            first_entry_numbers.opportunity_id = history.opportunity_id
            and first_entry_numbers.first_entry_number = history.stage_entry_number
    inner join dim_date
        on history.entered_date = dim_date.date_day
),

progress as (
    select
        first_entries.opportunity_id,
        first_entries.stage_name,
        first_entries.fiscal_period_label,
        max(
            case
                when later.is_won_stage then 1
                when later.stage_category = 'open' and later.stage_order > first_entries.stage_order then 1
                else 0
            end
        ) as is_converted
    from first_entries
    left join history as later
        on
            first_entries.opportunity_id = later.opportunity_id
            and first_entries.first_entry_number < later.stage_entry_number
    group by first_entries.opportunity_id, first_entries.stage_name, first_entries.fiscal_period_label
),

expected as (
    select
        fiscal_period_label,
        stage_name,
        count(*) as opportunities_reached,
        sum(coalesce(is_converted, 0)) as opportunities_converted
    from progress
    group by fiscal_period_label, stage_name
),

per_quarter_mismatch as (
    select
        coalesce(conversion.fiscal_period_label, expected.fiscal_period_label) as fiscal_period_label,
        coalesce(conversion.stage_name, expected.stage_name) as stage_name,
        'quarter' as check_level
    from conversion
    full outer join expected
        on
            conversion.fiscal_period_label = expected.fiscal_period_label
            and conversion.stage_name = expected.stage_name
    where
        coalesce(conversion.opportunities_reached, 0) != coalesce(expected.opportunities_reached, 0)
        or coalesce(conversion.opportunities_converted, 0) != coalesce(expected.opportunities_converted, 0)
),

entered_ever as (
    select
        history.stage_name,
        count(distinct history.opportunity_id) as opportunities
    from history
    inner join stage_mapping
        on history.stage_name = stage_mapping.stage_name
    where stage_mapping.stage_category = 'open'
    group by history.stage_name
),

reached_total as (
    select
        stage_name,
        sum(opportunities_reached) as opportunities
    from conversion
    group by stage_name
),

per_stage_mismatch as (
    select
        null as fiscal_period_label,
        coalesce(reached_total.stage_name, entered_ever.stage_name) as stage_name,
        'stage total' as check_level
    from reached_total
    full outer join entered_ever
        on reached_total.stage_name = entered_ever.stage_name
    where coalesce(reached_total.opportunities, 0) != coalesce(entered_ever.opportunities, 0)
)

select * from per_quarter_mismatch
union all
select * from per_stage_mismatch
