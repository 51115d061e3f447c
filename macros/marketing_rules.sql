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

{#- The channel rule of seeds/channel_mapping, the one place every model looks a channel up: the
    channel of each distinct non-null value of `value_expr` (a SQL expression over `from_sql`, a
    CTE or relation) among the rules of `source_type` (utm, lead_source, ad_platform) of `rules`
    (the seed, or a CTE selecting it). A rule's source_value is an exact value, or a SQL LIKE
    pattern when it contains '%' ('%' any text, '_' any one character). Values and rules are
    compared trimmed and lower-cased. Precedence: an exact rule beats every pattern; among
    patterns the longest (the most specific) wins, then the alphabetically first. Returns rows
    (source_value, channel), source_value being the value as `value_expr` gives it, one row per
    value a rule maps; a value no rule maps has no row, and the caller makes it unknown_channel(). -#}
{% macro channel_lookup(source_type, from_sql, value_expr, rules='channel_mapping') -%}
    {%- set is_pattern = dbt.position("'%'", 'rules.source_value') ~ ' > 0' -%}
    select
        matches.source_value,
        matches.channel
    from (
        select
            observed.source_value,
            rules.channel,
            row_number() over (
                partition by observed.source_value
                order by
                    case when {{ is_pattern }} then 1 else 0 end,
                    {{ dbt.length('rules.source_value') }} desc,
                    rules.source_value
            ) as match_rank
        from (
            select distinct {{ value_expr }} as source_value
            from {{ from_sql }}
        ) as observed
        inner join {{ rules }} as rules
            on
                rules.source_type = '{{ source_type }}'
                and (
                    (
                        not ({{ is_pattern }})
                        and lower(trim(observed.source_value)) = lower(trim(rules.source_value))
                    )
                    or (
                        {{ is_pattern }}
                        and lower(trim(observed.source_value)) like lower(trim(rules.source_value))
                    )
                )
    ) as matches
    where matches.match_rank = 1
{%- endmacro %}

{#- The channel of a value that no mapping rule knows: it still flows through, as 'Unknown'. -#}
{% macro unknown_channel() -%}
    'Unknown'
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
