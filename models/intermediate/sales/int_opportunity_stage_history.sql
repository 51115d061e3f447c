{#- One row per opportunity x stage entry, from the CRM's opportunity history (stage changes only:
    amount- or date-only changes and consecutive repeats of the same stage are collapsed). Only
    live opportunities (those in stg_crm__opportunities) are kept, so a deleted opportunity's
    history is dropped. The opportunity's current stage is appended when the history does not end
    in it (or has no rows at all), and the first entry starts at the opportunity's creation.
    Incremental (docs/incremental.md), by opportunity: a run recomputes every entry of the
    opportunities with a version of themselves or of one of their history rows landed in its
    window, and of the opportunities whose current entry is open (its days_in_stage counts up to
    as_of_date, which moves); it deletes the opportunities whose latest version is deleted. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='opportunity_id',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}
        delete from {{ this }}
        where opportunity_id in ({{ keys_deleted_in_window(ref('stg_crm__opportunity_versions'), 'opportunity_id') }})
    {% endif %}"
) }}
-- depends_on: {{ ref('stg_crm__opportunity_versions') }}
-- depends_on: {{ ref('stg_crm__opportunity_history_versions') }}
{%- set opportunity_versions = ref('stg_crm__opportunity_versions') %}
{%- set history_versions = ref('stg_crm__opportunity_history_versions') %}
{#- the CRM's flags describe the opportunity's current stage: an entry in that stage takes them -#}
{%- set in_current_stage = 'entries.stage_name = opportunities.stage_name' %}
{%- set current_is_closed = 'case when ' ~ in_current_stage ~ ' then opportunities.is_closed end' %}
{%- set current_is_won = 'case when ' ~ in_current_stage ~ ' then opportunities.is_won end' %}
{%- set recomputed_history_keys -%}
    select history_versions.history_id
    from {{ history_versions }} as history_versions
    where history_versions.opportunity_id in (select recomputed.opportunity_id from recomputed)
{%- endset %}
with

{% if is_incremental() %}
    recomputed as (

        -- opportunities with a version of themselves, or of a history row (the opportunity of
        -- every version of it, in case a row moved), landed in the window
        {{ keys_landed_in_window(opportunity_versions, ['opportunity_id']) }}

        union

        select history_versions.opportunity_id
        from {{ history_versions }} as history_versions
        where history_versions.history_id in (
            {{ keys_landed_in_window(history_versions, ['history_id']) }}
        )

        union

        -- opportunities whose current entry is open: its days_in_stage depends on as_of_date
        select existing.opportunity_id
        from {{ this }} as existing
        where existing.is_current and not existing.is_closed_stage

    ),
{% endif %}

opportunities as (

    {{ kept_records(
        ref('stg_crm__opportunities'), opportunity_versions, ['opportunity_id'], 'updated_at', 'is_deleted',
        keys_sql='select recomputed.opportunity_id from recomputed'
    ) }}

),

history as (

    {{ kept_records(
        ref('stg_crm__opportunity_history'), history_versions, ['history_id'], 'updated_at', 'is_deleted',
        keys_sql=recomputed_history_keys
    ) }}

),

stage_mapping as (

    select * from {{ ref('stage_mapping') }}

),

live_history as (

    select
        history.opportunity_id,
        history.stage_name,
        history.changed_at,
        0 as source_priority,
        history.history_id as tie_breaker
    from history
    inner join opportunities
        on history.opportunity_id = opportunities.opportunity_id
    where history.stage_name is not null

),

last_change as (

    select
        opportunity_id,
        max(changed_at) as last_changed_at
    from live_history
    group by opportunity_id

),

landed as (

    select
        opportunities.opportunity_id,
        greatest(
            opportunities.landed_date,
            coalesce(max(history.landed_date), opportunities.landed_date)
        ) as landed_date
    from opportunities
    left join history
        on opportunities.opportunity_id = history.opportunity_id
    group by opportunities.opportunity_id, opportunities.landed_date

),

current_stage as (

    select
        opportunities.opportunity_id,
        opportunities.stage_name,
        greatest(
            coalesce(opportunities.updated_at, opportunities.created_at),
            opportunities.created_at,
            coalesce(last_change.last_changed_at, opportunities.created_at)
        ) as changed_at,
        1 as source_priority,
        'current' as tie_breaker
    from opportunities
    left join last_change
        on opportunities.opportunity_id = last_change.opportunity_id

),

changes as (

    select * from live_history
    union all
    select * from current_stage

),

sequenced as (

    select
        opportunity_id,
        stage_name,
        changed_at,
        lag(stage_name) over (
            partition by opportunity_id
            order by changed_at, source_priority, tie_breaker
        ) as previous_stage_name,
        row_number() over (
            partition by opportunity_id
            order by changed_at, source_priority, tie_breaker
        ) as change_number
    from changes

),

entries as (

    select
        opportunity_id,
        stage_name,
        changed_at as entered_at,
        change_number
    from sequenced
    where previous_stage_name is null or previous_stage_name != stage_name

),

classified as (

    select
        entries.opportunity_id,
        entries.stage_name,
        row_number() over (
            partition by entries.opportunity_id order by entries.change_number
        ) as stage_entry_number,
        cast(stage_mapping.stage_order as integer) as stage_order,
        {{ stage_category('stage_mapping', current_is_closed, current_is_won) }} as stage_category,
        {{ stage_is_closed('stage_mapping', current_is_closed) }} as is_closed_stage,
        {{ stage_is_won('stage_mapping', current_is_won) }} as is_won_flag,
        case
            when entries.change_number = 1
                then least(entries.entered_at, opportunities.created_at)
            else entries.entered_at
        end as entered_at,
        landed.landed_date
    from entries
    inner join opportunities
        on entries.opportunity_id = opportunities.opportunity_id
    inner join landed
        on entries.opportunity_id = landed.opportunity_id
    left join stage_mapping
        on {{ stage_mapping_join('stage_mapping', 'entries.stage_name') }}

),

windowed as (

    select
        *,
        lead(entered_at) over (
            partition by opportunity_id order by stage_entry_number
        ) as exited_at,
        coalesce(
            max(case when is_closed_stage then 1 else 0 end) over (
                partition by opportunity_id
                order by stage_entry_number
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as was_closed_before
    from classified

),

final as (

    select
        -- ids
        {{ dbt.concat(['opportunity_id', "'-'", 'cast(stage_entry_number as ' ~ dbt.type_string() ~ ')']) }}
            as stage_entry_id,
        opportunity_id,

        -- strings
        stage_name,
        stage_category,

        -- numerics
        cast(stage_entry_number as integer) as stage_entry_number,
        stage_order,
        case
            when exited_at is not null
                then {{ dbt.datediff(to_company_date('entered_at'), to_company_date('exited_at'), 'day') }}
            -- the current open entry counts up to as_of_date (not when it starts after it)
            when not is_closed_stage and {{ to_company_date('entered_at') }} <= {{ as_of_date() }}
                then {{ dbt.datediff(to_company_date('entered_at'), as_of_date(), 'day') }}
        end as days_in_stage,

        -- booleans
        is_closed_stage,
        is_closed_stage and is_won_flag as is_won_stage,
        exited_at is null as is_current,
        was_closed_before and not is_closed_stage as is_reopened,

        -- dates
        {{ to_company_date('entered_at') }} as entered_date,
        {{ to_company_date('exited_at') }} as exited_date,

        -- timestamps
        entered_at,
        exited_at,

        -- lineage: the latest landing of the opportunity and of its history rows
        landed_date

    from windowed

)

select * from final
