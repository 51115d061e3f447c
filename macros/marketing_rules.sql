{#- Marketing and funnel rules, each in one place (METRICS.md "Marketing and funnel"). -#}

{#- The key a UTM pair is looked up by in seeds/channel_mapping (source_type 'utm'):
    'source/medium', lower-cased and trimmed; a touch with neither UTM is '(direct)'. A pair with
    only one side present keeps the other side empty ('google/'), which maps to nothing and so
    surfaces as the channel 'Unknown'. -#}
{% macro utm_channel_key(utm_source, utm_medium) -%}
    case
        when nullif(trim({{ utm_source }}), '') is null and nullif(trim({{ utm_medium }}), '') is null
            then '(direct)'
        else
            coalesce(lower(trim({{ utm_source }})), '')
            || '/'
            || coalesce(lower(trim({{ utm_medium }})), '')
    end
{%- endmacro %}

{#- A lead-creation cohort is mature once var funnel_maturity_days (default 90) have passed
    since the cohort month's last day, as of as_of_date(): month end + N days <= as_of_date. -#}
{% macro is_cohort_mature(cohort_month_start) -%}
    (
        cast({{ dbt.dateadd(
            'day',
            var('funnel_maturity_days', 90) | int,
            dbt.last_day(cohort_month_start, 'month')
        ) }} as date) <= {{ as_of_date() }}
    )
{%- endmacro %}

{#- The first lead of every account: the earliest created lead converted into it (ties: the
    lowest lead_id), with that lead's first touch. -#}
{% macro account_first_leads(lead_attribution) -%}
    select
        account_id,
        lead_id,
        first_touch_channel,
        first_touch_campaign,
        first_touch_at
    from (
        select
            *,
            row_number() over (
                partition by account_id
                order by lead_created_at, lead_id
            ) as lead_rank
        from {{ lead_attribution }}
        where account_id is not null
    ) as ranked
    where lead_rank = 1
{%- endmacro %}
