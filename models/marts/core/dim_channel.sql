{#- One row per marketing channel: every channel of seeds/channel_mapping plus 'Unknown', the
    channel of values no mapping rule knows. A channel is paid when an ad platform maps to it. -#}
with

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

seed_channels as (
    select
        channel,
        count(*) as n_mapping_rules,
        sum(case when source_type = 'ad_platform' then 1 else 0 end) as n_ad_platforms
    from channel_mapping
    group by channel
),

unknown_channel as (
    select
        '{{ var("unknown_channel") }}' as channel,
        0 as n_mapping_rules,
        0 as n_ad_platforms
),

channels as (
    select * from seed_channels
    union all
    select * from unknown_channel
    where not exists (
            select 1 from seed_channels
            where seed_channels.channel = '{{ var("unknown_channel") }}'
        )
),

final as (
    select
        -- strings
        cast(channel as {{ dbt.type_string() }}) as channel,

        -- numerics
        cast(n_mapping_rules as integer) as n_mapping_rules,

        -- booleans
        n_ad_platforms > 0 as is_paid,
        channel = '{{ var("unknown_channel") }}' as is_unknown
    from channels
)

select * from final
