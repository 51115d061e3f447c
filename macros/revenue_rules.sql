{#- Revenue rules, each defined once (METRICS.md "Identity" and "Revenue"). -#}

{#- The one size-band scheme of the project (METRICS.md "Customer"): the size band of a CRM
    account from its number of employees, SMB < 100, Mid-Market 100-999, Enterprise 1000+;
    NULL or negative employees (or no matched account) is 'unknown'. The revenue marts' segment
    and dim_account's size band and segment. -#}
{% macro employee_size_band(employees) -%}
    case
        when {{ employees }} is null or {{ employees }} < 0 then 'unknown'
        when {{ employees }} < 100 then 'SMB'
        when {{ employees }} < 1000 then 'Mid-Market'
        else 'Enterprise'
    end
{%- endmacro %}

{#- An amount billed every `interval_count` `interval`s as a monthly amount: month / count;
    year / 12 / count; week x 52 / 12 / count; day x 365 / 12 / count. Multiplies before it
    divides, so whole results stay exact. An unknown interval gives NULL (a test catches it). -#}
{% macro normalize_to_monthly(amount, interval, interval_count) -%}
    (
        {{ amount }}
        * case lower({{ interval }}) when 'month' then 1 when 'year' then 1 when 'week' then 52 when 'day' then 365 end
        / (
            case lower({{ interval }}) when 'month' then 1 else 12 end
            * nullif(coalesce({{ interval_count }}, 1), 0)
        )
    )
{%- endmacro %}

{#- The MRR movement of a customer-month, one ordered CASE (the first true branch wins):
    new          current > 0, no earlier month with MRR > 0
    reactivation current > 0, previous = 0, an earlier month with MRR > 0 exists
    churn        previous > 0, current = 0
    expansion    both > 0, current > previous
    contraction  both > 0, current < previous
    unchanged    both > 0, equal
    inactive     both 0 (such rows are not published) -#}
{% macro mrr_movement_category(previous_mrr, current_mrr, has_earlier_active_month) -%}
    case
        when {{ current_mrr }} > 0 and not {{ has_earlier_active_month }} then 'new'
        when {{ current_mrr }} > 0 and {{ previous_mrr }} = 0 then 'reactivation'
        when {{ previous_mrr }} > 0 and {{ current_mrr }} = 0 then 'churn'
        when {{ current_mrr }} > {{ previous_mrr }} then 'expansion'
        when {{ current_mrr }} < {{ previous_mrr }} then 'contraction'
        when {{ current_mrr }} > 0 then 'unchanged'
        else 'inactive'
    end
{%- endmacro %}

{#- Statuses of an invoice that never count as invoiced revenue. -#}
{% macro non_revenue_invoice_statuses() -%}
    ('void', 'draft')
{%- endmacro %}

{#- When a subscription ended (a timestamp): Stripe sets ended_at on every ended subscription; a
    canceled one exported without it ends at its scheduled cancel_at, else when it was canceled.
    NULL while it runs (a cancel_at of an active subscription is a future end, not an end). Used
    for the MRR of its items and for the churn date of fct_customer_churns. -#}
{% macro subscription_ended_at(status, ended_at, cancel_at, canceled_at) -%}
    coalesce({{ ended_at }}, case when {{ status }} = 'canceled' then coalesce({{ cancel_at }}, {{ canceled_at }}) end)
{%- endmacro %}
