{#- Rep, account and activity rules, each defined once here (METRICS.md "Sales": revenue per rep,
    quota attainment, sales activities, selling time share, required activity; the size band
    is employee_size_band in revenue_rules.sql). Used by models/intermediate/activities, dim_rep, dim_account and the rep marts. -#}

{#- Quota-carrying role of a CRM user: the AE role. dim_rep also counts any user with a quota row
    as quota-carrying (a manager or SDR given a quota carries it). -#}
{% macro is_quota_carrying_role(role_name) -%}
    coalesce(trim({{ role_name }}) = 'AE', false)
{%- endmacro %}

{#- A non-PII label of a rep: 'Rep ' and the last 4 characters of the CRM user id. Personal names
    never reach the marts; a BI tool that needs names joins them from the CRM under its own
    access rules. -#}
{% macro rep_label(rep_id) -%}
    'Rep ' || {{ dbt.right(rep_id, 4) }}
{%- endmacro %}

{#- The CRM object a polymorphic id (who_id / what_id) points to, by the Salesforce key prefix:
    00Q lead, 003 contact, 006 opportunity, 001 account. Returns the id when it has the prefix of
    the given object, else NULL. -#}
{% macro crm_id_if_object(id_column, object_name) -%}
    {%- set prefixes = {'lead': '00Q', 'contact': '003', 'opportunity': '006', 'account': '001'} -%}
    case when substring({{ id_column }}, 1, 3) = '{{ prefixes[object_name] }}' then {{ id_column }} end
{%- endmacro %}

{#- Sales activities counted per rep (and per won deal in required activity): calls, emails,
    meetings and demos; 'other' and 'unmapped' are logged but not sales activities. -#}
{% macro is_sales_activity(activity_category) -%}
    coalesce({{ activity_category }} in ('call', 'email', 'meeting', 'demo'), false)
{%- endmacro %}

{#- Quota attainment is met at 100%: attainment >= 1 (NULL when attainment is NULL). -#}
{% macro is_attainment_met(attainment) -%}
    ({{ attainment }} >= 1)
{%- endmacro %}

{#- Quota remaining in a period: quota less bookings, never below 0; NULL without a quota. -#}
{% macro quota_remaining(quota_amount, bookings_amount) -%}
    case
        when {{ quota_amount }} is not null
            then greatest({{ quota_amount }} - coalesce({{ bookings_amount }}, 0), 0)
    end
{%- endmacro %}

{#- A rep-month counts the rep as active in the period when the rep has a quota > 0, logged an
    activity or closed an opportunity in the month (the denominator of revenue per rep is the
    quota-carrying reps active in the period). -#}
{% macro is_rep_active_in_month(quota_amount, activity_count, closed_count) -%}
    (coalesce({{ quota_amount }}, 0) > 0 or {{ activity_count }} > 0 or {{ closed_count }} > 0)
{%- endmacro %}

{#- A rep's available selling hours in a period: its working days (weekdays that are not company
    holidays, dim_date.is_working_day) x var selling_hours_per_day (default 8), the denominator
    of the selling time share (METRICS.md). -#}
{% macro available_selling_hours(working_days) -%}
    ({{ working_days }} * {{ var('selling_hours_per_day') }})
{%- endmacro %}

{#- Selling time share: logged duration of customer-facing activities (seconds) / the rep's
    available selling hours; NULL when no hours are available. -#}
{% macro selling_time_share(customer_facing_seconds, available_hours) -%}
    {{ safe_divide(customer_facing_seconds, '(' ~ available_hours ~ ') * 3600') }}
{%- endmacro %}
