{#- Sales business rules, each defined once here and used by the sales intermediate models and
    marts (documented in macros/_sales_rules.yml). -#}

{#- Stage classification of an opportunity or a stage-history entry. The seed stage_mapping wins;
    a stage the seed does not know ('Discovery', 'Closed-Won ') is category 'unmapped' and falls
    back on the CRM's own is_closed / is_won flags where these are known (else: open, not won).
    Arguments are SQL expressions: the joined seed alias, and the CRM flags (or 'null'). -#}
{% macro stage_category(mapping_alias) -%}
    coalesce({{ mapping_alias }}.stage_category, 'unmapped')
{%- endmacro %}

{% macro stage_is_closed(mapping_alias, crm_is_closed='null') -%}
    coalesce(cast({{ mapping_alias }}.is_closed as boolean), {{ crm_is_closed }}, false)
{%- endmacro %}

{% macro stage_is_won(mapping_alias, crm_is_won='null') -%}
    coalesce(cast({{ mapping_alias }}.is_won as boolean), {{ crm_is_won }}, false)
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

{#- Number of months in the trailing window of the stage historical win rate (4 quarters). -#}
{% macro stage_win_rate_window_months() -%}
    {{ return(12) }}
{%- endmacro %}
