{#- Rep quotas that do not add up to the company plan: the quotas differ from the plan by more
    than var quota_plan_tolerance (a fraction of the plan; default 0.01, so the rounding of quotas
    to whole amounts is not reported). A period with quotas and no plan (or a plan and no quota)
    is a mismatch; a period with neither is not. -#}
{% macro is_quota_plan_mismatch(quota_amount, plan_amount) -%}
    (
        abs(coalesce({{ quota_amount }}, 0) - coalesce({{ plan_amount }}, 0))
        > {{ var('quota_plan_tolerance') }} * abs(coalesce({{ plan_amount }}, 0))
    )
{%- endmacro %}

{#- The member columns of a target mart row: target level, member key, team, rep id and the rep's
    label (NULL above the rep level), cast to strings. `relation` qualifies the columns. -#}
{% macro target_member_columns(relation=none) -%}
    {%- set p = relation ~ '.' if relation else '' -%}
    cast({{ p }}target_level as {{ dbt.type_string() }}) as target_level,
        cast({{ p }}member_key as {{ dbt.type_string() }}) as member_key,
        cast({{ p }}team as {{ dbt.type_string() }}) as team,
        cast({{ p }}rep_id as {{ dbt.type_string() }}) as rep_id,
        cast(case when {{ p }}rep_id is not null then {{ rep_label(p ~ 'rep_id') }} end as {{ dbt.type_string() }})
            as rep_label
{%- endmacro %}

{#- The bookings columns of a target mart row: quota, plan and actual bookings (NULL for a period
    that starts after as_of_date) and the attainment on quota and on plan. `relation` qualifies
    the columns. -#}
{% macro target_bookings_columns(period_start_date, relation=none) -%}
    {%- set p = relation ~ '.' if relation else '' -%}
    {%- set actual = 'case when ' ~ p ~ period_start_date ~ ' <= ' ~ as_of_date() ~ ' then ' ~ p ~ 'actual_bookings end' -%}
    cast({{ p }}quota_bookings as decimal(38, 6)) as quota_bookings,
        cast({{ p }}plan_bookings as decimal(38, 6)) as plan_bookings,
        cast({{ actual }} as decimal(38, 6)) as actual_bookings,
        cast({{ safe_divide(actual, p ~ 'quota_bookings') }} as double) as quota_attainment,
        cast({{ safe_divide(actual, p ~ 'plan_bookings') }} as double) as plan_attainment
{%- endmacro %}
