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
