{#- Plan, unit-economics, scorecard and customer-health rules, each defined once (METRICS.md
    "Revenue", "Targets and plan", "Customer"). Documented in models/docs/plan_metrics.md. -#}

{#- Expected customer lifetime in months = 1 / monthly logo churn rate, capped at var
    ltv_lifetime_cap_months (default 60): a churn of 0, or one so low that 1 / churn exceeds the
    cap, gives the cap. NULL where the churn rate is unknown. -#}
{% macro expected_lifetime_months(logo_churn_rate) -%}
    {%- set cap = var('ltv_lifetime_cap_months', 60) -%}
    case
        when {{ logo_churn_rate }} is null then null
        when {{ logo_churn_rate }} * {{ cap }} <= 1 then cast({{ cap }} as {{ dbt.type_float() }})
        else 1.0 / {{ logo_churn_rate }}
    end
{%- endmacro %}

{#- LTV = ARPA x gross margin (var gross_margin, default 0.8) x expected lifetime in months
    (macro expected_lifetime_months: 1 / monthly logo churn rate, capped at var
    ltv_lifetime_cap_months). NULL where ARPA or the churn rate is unknown. -#}
{% macro ltv(arpa, logo_churn_rate) -%}
    ({{ arpa }} * {{ var('gross_margin', 0.8) }} * {{ expected_lifetime_months(logo_churn_rate) }})
{%- endmacro %}

{#- CAC payback in months = CAC / (new customers' ARPA x gross margin). NULL on a zero
    denominator (no new customer MRR). -#}
{% macro cac_payback_months(cac, new_customer_arpa) -%}
    {{ safe_divide(cac, new_customer_arpa ~ ' * ' ~ var('gross_margin', 0.8)) }}
{%- endmacro %}

{#- The day a month's MRR movements are shown on in weekly views: the month's measure date, i.e.
    its last day, or as_of_date for the month still running. A month's movements therefore land
    in the ISO week that contains the month end; the running month's month-to-date movements
    land in the week of as_of_date (and move to the month-end week once the month is over). -#}
{% macro mrr_movement_report_date(month_end_date) -%}
    least(cast({{ month_end_date }} as date), {{ as_of_date() }})
{%- endmacro %}

{#- A month's MRR movements (mart_revenue_monthly, segment 'All') summed by the ISO week of the
    month's measure date (mrr_movement_report_date): one row per week_start_date. -#}
{% macro mrr_movements_by_week(revenue_monthly, dim_date, movements) -%}
    select
        {{ dim_date }}.week_start_date,
        {%- for movement in movements %}
        sum({{ revenue_monthly }}.{{ movement }}) as {{ movement }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ revenue_monthly }}
    inner join {{ dim_date }}
        on {{ mrr_movement_report_date(revenue_monthly ~ '.month_end_date') }} = {{ dim_date }}.date_day
    where {{ revenue_monthly }}.segment = 'All'
    group by {{ dim_date }}.week_start_date
{%- endmacro %}

{#- NPS class of a 0-10 score: promoter 9-10, passive 7-8, detractor 0-6; outside 0-10 NULL. -#}
{% macro nps_class(score) -%}
    case
        when {{ score }} between 9 and 10 then 'promoter'
        when {{ score }} between 7 and 8 then 'passive'
        when {{ score }} between 0 and 6 then 'detractor'
    end
{%- endmacro %}

{#- NPS = share of promoters - share of detractors, as a fraction (-1 .. 1); NULL without
    responses. -#}
{% macro nps(promoters, detractors, responses) -%}
    {{ safe_divide('(' ~ promoters ~ ') - (' ~ detractors ~ ')', responses) }}
{%- endmacro %}

{#- Scorecard colours: accounts won are shown 'green' and accounts lost 'red' when there are
    any; NULL (nothing to show) on a zero count. -#}
{% macro won_lost_status(account_count, colour) -%}
    case when {{ account_count }} > 0 then '{{ colour }}' end
{%- endmacro %}
