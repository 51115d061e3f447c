{#- Sales business rules, each defined once here and used by the sales intermediate models and
    marts (documented in macros/_sales_rules.yml). -#}

{#- Stage status of an opportunity or a stage-history entry. The CRM's own is_closed / is_won
    flags decide where the CRM sends them (Salesforce IsClosed / IsWon), so a stage name the seed
    does not know ('Engaging', 'Won', 'Closed-Won ') never changes a won/lost count; where the
    flags are absent (NULL: a thinner export, a past history entry) the seed stage_mapping decides;
    a stage neither knows is open, not won. Where flags and seed disagree the flags win (the
    disagreement is listed in dq_unmapped_values). Arguments are SQL expressions: the joined seed
    alias, and the CRM flags (or 'null'). -#}
{% macro stage_is_closed(mapping_alias, crm_is_closed='null') -%}
    coalesce({{ crm_is_closed }}, cast({{ mapping_alias }}.is_closed as boolean), false)
{%- endmacro %}

{% macro stage_is_won(mapping_alias, crm_is_won='null') -%}
    coalesce({{ crm_is_won }}, cast({{ mapping_alias }}.is_won as boolean), false)
{%- endmacro %}

{#- Category of the stage: won / lost / open from the same status as stage_is_closed and
    stage_is_won (the flags where present, else the seed); 'unmapped' only when neither the CRM's
    flags nor the seed know the stage (it is then treated as open). -#}
{% macro stage_category(mapping_alias, crm_is_closed='null', crm_is_won='null') -%}
    case
        when {{ crm_is_closed }} is null and {{ mapping_alias }}.stage_category is null
            then 'unmapped'
        when {{ stage_is_closed(mapping_alias, crm_is_closed) }} and {{ stage_is_won(mapping_alias, crm_is_won) }}
            then 'won'
        when {{ stage_is_closed(mapping_alias, crm_is_closed) }}
            then 'lost'
        else 'open'
    end
{%- endmacro %}

{#- Join condition of a stage name to the seed stage_mapping: exact, after trimming blanks. -#}
{% macro stage_mapping_join(mapping_alias, stage_column) -%}
    {{ mapping_alias }}.stage_name = trim({{ stage_column }})
{%- endmacro %}

{#- The date whose monthly FX rate converts an opportunity amount: the close month for a closed
    opportunity (the booking), the created month for an open one (a stable pipeline value that
    does not move with the expected close date). -#}
{% macro opportunity_fx_date(is_closed, close_date, created_date) -%}
    case when {{ is_closed }} then {{ close_date }} else {{ created_date }} end
{%- endmacro %}

{#- Bookings = new business + expansion (what quotas and the revenue plan count); renewals are
    published apart. An opportunity without a type counts as new business (METRICS.md): many
    CRMs leave the field empty, and dropping those deals would empty every bookings figure. -#}
{% macro is_bookings_type(opportunity_type) -%}
    coalesce({{ opportunity_type }}, 'New Business') in ('New Business', 'Expansion')
{%- endmacro %}

{#- Start of the sales cycle: the first engagement date where the CRM has one, else the
    opportunity's created date. -#}
{% macro cycle_start_date(first_engagement_date, created_date) -%}
    coalesce({{ first_engagement_date }}, {{ created_date }})
{%- endmacro %}

{#- Win rate (METRICS.md "win rate"), the one rule every mart applies to its own period: won /
    (won + lost) over the opportunities closed in the period, by count or, given amounts, by
    amount. NULL when nothing closed (or the closed amount is 0). -#}
{% macro win_rate(won, lost) -%}
    {{ safe_divide(won, '(' ~ won ~ ') + (' ~ lost ~ ')') }}
{%- endmacro %}

{#- Cohort win rate (METRICS.md "win rate", beside it): of the opportunities created in the
    period, the share won so far (by as_of_date); the same macro gives the share still open.
    NULL when none was created. -#}
{% macro cohort_share(cohort_count, created_count) -%}
    {{ safe_divide(cohort_count, created_count) }}
{%- endmacro %}

{#- Status of an opportunity as of a date, for the cohort win rate: won (or lost) by that date
    when it closed won (lost) on or before it; open otherwise, a deal closed after the date
    included (re-running a past day reproduces that day's open share). -#}
{% macro is_won_by(is_won, close_date, as_of) -%}
    coalesce({{ is_won }} and {{ close_date }} <= {{ as_of }}, false)
{%- endmacro %}

{% macro is_open_at(is_closed, close_date, as_of) -%}
    not coalesce({{ is_closed }} and {{ close_date }} <= {{ as_of }}, false)
{%- endmacro %}
