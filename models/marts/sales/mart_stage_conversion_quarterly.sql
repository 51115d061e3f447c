{#- Stage conversion and velocity (METRICS.md "Sales"): one row per fiscal quarter x open stage of
    the seed stage_mapping, every quarter from the first stage entry to the quarter of as_of_date
    (zero rows kept). The cohort of a quarter and stage = the opportunities whose FIRST entry into
    the stage (int_opportunity_stage_history) falls in the quarter; a re-entry after a reopen does
    not count again. Such an opportunity "reached the next stage" when any later entry of it is an
    open stage of a higher order or a won stage, so a skipped stage (Qualification straight to
    Proposal) still counts as converting; Closed Lost and unmapped stages never do. Only entries
    on or before as_of_date count. Days in stage: the cohort entry's stay, completed stays only
    (exited on or before as_of_date); mean and median. -#}
with

stage_history as (

    select * from {{ ref('int_opportunity_stage_history') }}

),

stage_mapping as (

    select * from {{ ref('stage_mapping') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

open_stages as (

    select
        stage_name,
        cast(stage_order as integer) as stage_order
    from stage_mapping
    where stage_category = 'open'

),

entries as (

    select
        opportunity_id,
        stage_name,
        stage_category,
        stage_order,
        stage_entry_number,
        is_won_stage,
        days_in_stage,
        entered_date,
        exited_date
    from stage_history
    where entered_date <= {{ as_of_date() }}

),

first_entries as (

    select
        entries.opportunity_id,
        entries.stage_name,
        entries.stage_order,
        entries.stage_entry_number,
        entries.entered_date,
        case
            when entries.exited_date <= {{ as_of_date() }} then entries.days_in_stage
        end as completed_days_in_stage,
        row_number() over (
            partition by entries.opportunity_id, entries.stage_name
            order by entries.stage_entry_number
        ) as entry_rank
    from entries
    inner join open_stages
        on entries.stage_name = open_stages.stage_name

),

cohort as (

    select
        first_entries.opportunity_id,
        first_entries.stage_name,
        first_entries.entered_date,
        first_entries.completed_days_in_stage,
        exists(
            select 1
            from entries as later
            where
                later.opportunity_id = first_entries.opportunity_id
                and later.stage_entry_number > first_entries.stage_entry_number
                and (
                    later.is_won_stage
                    or (later.stage_category = 'open' and later.stage_order > first_entries.stage_order)
                )
        ) as reached_next_stage
    from first_entries
    where first_entries.entry_rank = 1

),

cohort_quarters as (

    select
        dim_date.fiscal_period_label,
        cohort.stage_name,
        cohort.opportunity_id,
        cohort.reached_next_stage,
        cohort.completed_days_in_stage
    from cohort
    inner join dim_date
        on cohort.entered_date = dim_date.date_day

),

counted as (

    select
        fiscal_period_label,
        stage_name,
        count(*) as opportunities_reached,
        sum(case when reached_next_stage then 1 else 0 end) as opportunities_converted,
        count(completed_days_in_stage) as completed_stays,
        avg(completed_days_in_stage) as mean_days_in_stage,
        percentile_cont(0.5) within group (order by completed_days_in_stage) as median_days_in_stage
    from cohort_quarters
    group by fiscal_period_label, stage_name

),

quarters as (

    select
        fiscal_period_label,
        min(fiscal_year) as fiscal_year,
        min(fiscal_quarter) as fiscal_quarter,
        min(date_day) as fiscal_quarter_start_date,
        max(date_day) as fiscal_quarter_end_date
    from dim_date
    group by fiscal_period_label
    having
        max(date_day) >= (select min(entries.entered_date) from entries)
        and min(date_day) <= {{ as_of_date() }}

),

final as (

    select
        -- keys
        cast(quarters.fiscal_period_label as {{ dbt.type_string() }}) as fiscal_period_label,
        cast(open_stages.stage_name as {{ dbt.type_string() }}) as stage_name,

        -- fiscal calendar
        cast(quarters.fiscal_year as integer) as fiscal_year,
        cast(quarters.fiscal_quarter as integer) as fiscal_quarter,
        cast(quarters.fiscal_quarter_start_date as date) as fiscal_quarter_start_date,
        cast(quarters.fiscal_quarter_end_date as date) as fiscal_quarter_end_date,

        -- numerics
        cast(open_stages.stage_order as integer) as stage_order,
        cast(coalesce(counted.opportunities_reached, 0) as integer) as opportunities_reached,
        cast(coalesce(counted.opportunities_converted, 0) as integer) as opportunities_converted,
        cast(
            {{ safe_divide('counted.opportunities_converted', 'counted.opportunities_reached') }} as double
        ) as conversion_rate,
        cast(coalesce(counted.completed_stays, 0) as integer) as completed_stays,
        cast(counted.mean_days_in_stage as double) as mean_days_in_stage,
        cast(counted.median_days_in_stage as double) as median_days_in_stage,

        -- booleans
        {{ as_of_date() }} between quarters.fiscal_quarter_start_date and quarters.fiscal_quarter_end_date
            as is_as_of_quarter

    from quarters
    cross join open_stages
    left join counted
        on
            quarters.fiscal_period_label = counted.fiscal_period_label
            and open_stages.stage_name = counted.stage_name

)

select * from final
