{#- One row per source_type x value seen in the sources: the channel of every UTM pair (macro
    utm_channel_key, of web sessions, form submissions and leads), lead source (of leads and
    opportunities, and a CRM campaign's type read as one) and ad platform, by the rule of
    seeds/channel_mapping. This is the one place a channel is decided: every model that needs a
    channel joins this one on (source_type, source_value).
    The rule: a seed row's source_value is an exact value, or a SQL LIKE pattern when it contains
    '%' ('%' any text, '_' any one character); values and rules compare trimmed and lower-cased.
    An exact rule beats every pattern; among patterns the longest (the most specific) wins, then
    the alphabetically first. A value no rule maps is 'Unknown' (matched_rule NULL).
    Values are read from every landed version (the versions staging views), so a value an
    incremental model reads from a version is here too; a superset costs nothing downstream. -#}
with

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

web_session_versions as (
    select * from {{ ref('stg_marketing__web_session_versions') }}
),

form_submission_versions as (
    select * from {{ ref('stg_marketing__form_submission_versions') }}
),

lead_versions as (
    select * from {{ ref('stg_crm__lead_versions') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

campaigns as (
    select * from {{ ref('stg_crm__campaigns') }}
),

google_ads as (
    select * from {{ ref('stg_marketing__google_ads_campaign_stats') }}
),

meta_ads as (
    select * from {{ ref('stg_marketing__meta_ads_insights') }}
),

linkedin_ads as (
    select * from {{ ref('stg_marketing__linkedin_ads_analytics') }}
),

observed as (
    select
        'utm' as source_type,
        {{ utm_channel_key('utm_source', 'utm_medium') }} as source_value
    from web_session_versions
    union
    select
        'utm' as source_type,
        {{ utm_channel_key('utm_source', 'utm_medium') }} as source_value
    from form_submission_versions
    union
    select
        'utm' as source_type,
        {{ utm_channel_key('utm_source', 'utm_medium') }} as source_value
    from lead_versions
    union
    select
        'lead_source' as source_type,
        lead_source as source_value
    from lead_versions
    union
    select
        'lead_source' as source_type,
        lead_source as source_value
    from opportunities
    union
    select
        'lead_source' as source_type,
        campaign_type as source_value
    from campaigns
    union
    select
        'ad_platform' as source_type,
        ad_platform as source_value
    from google_ads
    union
    select
        'ad_platform' as source_type,
        ad_platform as source_value
    from meta_ads
    union
    select
        'ad_platform' as source_type,
        ad_platform as source_value
    from linkedin_ads
),

rules as (
    select
        source_type,
        source_value as rule_value,
        channel,
        lower(trim(source_value)) as rule_key,
        {{ dbt.position("'%'", 'source_value') }} > 0 as is_pattern
    from channel_mapping
),

matches as (
    select
        observed.source_type,
        observed.source_value,
        rules.rule_value,
        rules.channel,
        row_number() over (
            partition by observed.source_type, observed.source_value
            order by
                case when rules.is_pattern then 1 else 0 end,
                {{ dbt.length('rules.rule_value') }} desc,
                rules.rule_value
        ) as match_rank
    from observed
    inner join rules
        on
            observed.source_type = rules.source_type
            and (
                (not rules.is_pattern and lower(trim(observed.source_value)) = rules.rule_key)
                or (rules.is_pattern and lower(trim(observed.source_value)) like rules.rule_key)
            )
),

final as (
    select
        -- ids
        observed.source_type,
        observed.source_value,

        -- strings
        coalesce(matches.channel, '{{ var("unknown_channel") }}') as channel,
        matches.rule_value as matched_rule
    from observed
    left join matches
        on
            observed.source_type = matches.source_type
            and observed.source_value = matches.source_value
            and matches.match_rank = 1
    where observed.source_value is not null
)

select * from final
