{#- The recompute scopes of the incremental sales models (docs/incremental.md). Use only when
    is_incremental(). -#}

{#- Opportunities with a version of themselves, or of one of their history rows, landed in the
    run's window (new, changed or deleted; for a history row, the opportunity of every version, in
    case a row moved): everything an opportunity's stage entries and daily states are built from. -#}
{% macro opportunities_landed_in_window_sql() -%}
    {%- set opportunity_versions = ref('stg_crm__opportunity_versions') -%}
    {%- set history_versions = ref('stg_crm__opportunity_history_versions') -%}
    {{ keys_landed_in_window(opportunity_versions, ['opportunity_id']) }}
    union
    select history_versions.opportunity_id
    from {{ history_versions }} as history_versions
    where history_versions.history_id in (
        {{ keys_landed_in_window(history_versions, ['history_id']) }}
    )
{%- endmacro %}

{#- int_pipeline_daily_state: the day after which every open opportunity is recomputed, the
    earlier of as_of_date and the latest day already built (the last run's as_of_date); later days
    are new, or gone when as_of_date moved back. A scalar subquery. -#}
{% macro pipeline_days_recompute_after_sql() -%}
    (
        select
            least(
                {{ as_of_date() }},
                coalesce(max(existing.date_day), cast('1900-01-01' as date))
            )
        from {{ this }} as existing
    )
{%- endmacro %}

{#- int_pipeline_daily_state: the (month, open stage) pairs whose stage win rate is no longer the
    one the model holds (a backdated close, a deleted opportunity, a month that became complete):
    their rows are recomputed. -#}
{% macro pipeline_days_changed_rates_sql() -%}
    select built.month_start_date, built.stage_name
    from (
        select distinct
            cast({{ dbt.date_trunc('month', 'existing.date_day') }} as date) as month_start_date,
            existing.stage_name,
            existing.stage_win_rate
        from {{ this }} as existing
    ) as built
    left join {{ ref('int_stage_win_rates_monthly') }} as win_rates
        on
            built.month_start_date = win_rates.month_start_date
            and built.stage_name = win_rates.stage_name
    where built.stage_win_rate is distinct from win_rates.stage_win_rate
{%- endmacro %}

{#- The replace_scope of int_pipeline_daily_state over its existing rows (alias): every day of the
    opportunities landed in the window, every opportunity after the recompute day, and the rows
    whose win rate changed. Every row the run computes lies in it. -#}
{% macro pipeline_days_replace_scope(alias) -%}
    (
        {{ alias }}.opportunity_id in ({{ opportunities_landed_in_window_sql() }})
        or {{ alias }}.date_day > {{ pipeline_days_recompute_after_sql() }}
        or (cast({{ dbt.date_trunc('month', alias ~ '.date_day') }} as date), {{ alias }}.stage_name)
        in ({{ pipeline_days_changed_rates_sql() }})
    )
{%- endmacro %}
