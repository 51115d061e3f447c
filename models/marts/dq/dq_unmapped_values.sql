{#- One row per system x table x column x value that no mapping rule knows, with what the
    warehouse did with it: stage names missing from seeds/stage_mapping (and mapped stages whose
    CRM is_closed / is_won flags contradict the seed: the flags win), lead sources, campaign types
    and UTM pairs no row of seeds/channel_mapping maps (channel Unknown), opportunity types other
    than New Business / Expansion / Renewal, form names missing from seeds/form_classification and
    activity types missing from seeds/activity_classification. Each part applies the rule of the
    model that uses the value (macros stage_mapping_join, stage_category, utm_channel_key,
    is_bookings_type; model int_channel_values; form_category and activity_category
    'unmapped'), so a row here is exactly a value that model could not map. A missing value
    (NULL or blank) is not listed: a missing type is new business, a missing lead source has no
    channel to map.
    Currencies without an FX rate are in dq_fx_rates_missing. -#}
with

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

opportunity_history as (
    select * from {{ ref('stg_crm__opportunity_history') }}
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

campaigns as (
    select * from {{ ref('stg_crm__campaigns') }}
),

-- web sessions and form submissions, with their UTM pair, as int_touchpoints keeps them (one
-- row per record, maintained incrementally), not re-deduplicated from staging every run
touchpoints as (
    select * from {{ ref('int_touchpoints') }}
),

form_submissions as (
    select * from {{ ref('stg_marketing__form_submissions') }}
),

activities as (
    select * from {{ ref('int_activities_classified') }}
),

-- stages ------------------------------------------------------------------------------------

opportunity_stages as (
    select
        opportunities.stage_name,
        opportunities.is_closed,
        opportunities.created_date,
        stage_mapping.stage_name as mapped_stage_name,
        stage_mapping.stage_category as seed_stage_category,
        {{ stage_category('stage_mapping', 'opportunities.is_closed', 'opportunities.is_won') }}
            as stage_category
    from opportunities
    left join stage_mapping
        on {{ stage_mapping_join('stage_mapping', 'opportunities.stage_name') }}
    where nullif(trim(opportunities.stage_name), '') is not null
),

unmapped_opportunity_stages as (
    select
        'crm' as source_system,
        'opportunity' as table_name,
        'stage_name' as column_name,
        stage_name as unmapped_value,
        'seeds/stage_mapping' as mapping_rule,
        case
            when count(is_closed) = count(*)
                then 'status from the CRM is_closed / is_won flags; no stage order'
            when count(is_closed) = 0
                then 'category unmapped, counted as open (no CRM flags); no stage order'
            else 'status from the CRM flags where present, else counted as open; no stage order'
        end as warehouse_action,
        count(*) as row_count,
        min(created_date) as first_seen_date,
        max(created_date) as last_seen_date
    from opportunity_stages
    where mapped_stage_name is null
    group by stage_name
),

contradicted_opportunity_stages as (
    select
        'crm' as source_system,
        'opportunity' as table_name,
        'stage_name' as column_name,
        stage_name as unmapped_value,
        'seeds/stage_mapping' as mapping_rule,
        'the CRM is_closed / is_won flags contradict the seed: status from the flags' as warehouse_action,
        count(*) as row_count,
        min(created_date) as first_seen_date,
        max(created_date) as last_seen_date
    from opportunity_stages
    where
        mapped_stage_name is not null
        and stage_category != seed_stage_category
    group by stage_name
),

unmapped_history_stages as (
    select
        'crm' as source_system,
        'opportunity_history' as table_name,
        'stage_name' as column_name,
        opportunity_history.stage_name as unmapped_value,
        'seeds/stage_mapping' as mapping_rule,
        'no stage order; counted as open, except an entry in the current stage (CRM flags)' as warehouse_action,
        count(*) as row_count,
        min(opportunity_history.changed_date) as first_seen_date,
        max(opportunity_history.changed_date) as last_seen_date
    from opportunity_history
    left join stage_mapping
        on {{ stage_mapping_join('stage_mapping', 'opportunity_history.stage_name') }}
    where
        nullif(trim(opportunity_history.stage_name), '') is not null
        and stage_mapping.stage_name is null
    group by opportunity_history.stage_name
),

-- channels ----------------------------------------------------------------------------------

lead_source_values as (
    select
        'lead' as table_name,
        'lead_source' as column_name,
        lead_source as source_value,
        created_date as seen_date
    from leads
    union all
    select
        'opportunity' as table_name,
        'lead_source' as column_name,
        lead_source as source_value,
        created_date as seen_date
    from opportunities
    union all
    select
        'campaign' as table_name,
        'type' as column_name,
        campaign_type as source_value,
        {{ to_company_date('created_at') }} as seen_date
    from campaigns
),

utm_values as (
    select
        'crm' as source_system,
        'lead' as table_name,
        'utm_source_c/utm_medium_c' as column_name,
        {{ utm_channel_key('utm_source', 'utm_medium') }} as source_value,
        created_date as seen_date
    from leads
    -- a lead without UTM takes the channel of its lead_source (above)
    where utm_source is not null or utm_medium is not null
    union all
    select
        'marketing' as source_system,
        case touchpoint_type
            when 'web_session' then 'web_sessions'
            else 'form_submissions'
        end as table_name,
        'utm_source/utm_medium' as column_name,
        utm_key as source_value,
        touch_date as seen_date
    from touchpoints
),

unmapped_lead_sources as (
    select
        'crm' as source_system,
        lead_source_values.table_name,
        lead_source_values.column_name,
        lead_source_values.source_value as unmapped_value,
        'seeds/channel_mapping (lead_source)' as mapping_rule,
        case lead_source_values.table_name
            when 'lead' then 'channel Unknown (for a lead without UTM pair)'
            when 'opportunity' then 'first-touch channel Unknown (for an opportunity without converted lead)'
            else 'campaign channel Unknown'
        end as warehouse_action,
        count(*) as row_count,
        min(lead_source_values.seen_date) as first_seen_date,
        max(lead_source_values.seen_date) as last_seen_date
    from lead_source_values
    left join channel_values as lead_source_channels
        on
            lead_source_channels.source_type = 'lead_source'
            and lead_source_values.source_value = lead_source_channels.source_value
    where
        nullif(trim(lead_source_values.source_value), '') is not null
        and lead_source_channels.matched_rule is null
    group by lead_source_values.table_name, lead_source_values.column_name, lead_source_values.source_value
),

unmapped_utm_pairs as (
    select
        utm_values.source_system,
        utm_values.table_name,
        utm_values.column_name,
        utm_values.source_value as unmapped_value,
        'seeds/channel_mapping (utm)' as mapping_rule,
        'channel Unknown' as warehouse_action,
        count(*) as row_count,
        min(utm_values.seen_date) as first_seen_date,
        max(utm_values.seen_date) as last_seen_date
    from utm_values
    left join channel_values as utm_channels
        on
            utm_channels.source_type = 'utm'
            and utm_values.source_value = utm_channels.source_value
    where utm_channels.matched_rule is null
    group by utm_values.source_system, utm_values.table_name, utm_values.column_name, utm_values.source_value
),

-- opportunity types, forms, activities -------------------------------------------------------

unmapped_opportunity_types as (
    select
        'crm' as source_system,
        'opportunity' as table_name,
        'type' as column_name,
        opportunity_type as unmapped_value,
        'macro is_bookings_type (New Business, Expansion, Renewal)' as mapping_rule,
        'not bookings and not a renewal: counted in won / lost and pipeline only' as warehouse_action,
        count(*) as row_count,
        min(created_date) as first_seen_date,
        max(created_date) as last_seen_date
    from opportunities
    where
        nullif(trim(opportunity_type), '') is not null
        and not {{ is_bookings_type('opportunity_type') }}
        and opportunity_type != 'Renewal'
    group by opportunity_type
),

unmapped_forms as (
    select
        'marketing' as source_system,
        'form_submissions' as table_name,
        'form_name' as column_name,
        form_name as unmapped_value,
        'seeds/form_classification' as mapping_rule,
        'form category unmapped: not a demo request' as warehouse_action,
        count(*) as row_count,
        min(submitted_date) as first_seen_date,
        max(submitted_date) as last_seen_date
    from form_submissions
    where
        form_category = 'unmapped'
        and nullif(trim(form_name), '') is not null
    group by form_name
),

unmapped_activities as (
    select
        'crm' as source_system,
        activity_source as table_name,
        'type' as column_name,
        activity_type as unmapped_value,
        'seeds/activity_classification' as mapping_rule,
        'activity category unmapped: not a sales activity, not customer-facing' as warehouse_action,
        count(*) as row_count,
        min(activity_date) as first_seen_date,
        max(activity_date) as last_seen_date
    from activities
    where
        activity_category = '{{ var("unmapped_activity_category") }}'
        and nullif(trim(activity_type), '') is not null
    group by activity_source, activity_type
),

unioned as (
    select * from unmapped_opportunity_stages
    union all
    select * from contradicted_opportunity_stages
    union all
    select * from unmapped_history_stages
    union all
    select * from unmapped_lead_sources
    union all
    select * from unmapped_utm_pairs
    union all
    select * from unmapped_opportunity_types
    union all
    select * from unmapped_forms
    union all
    select * from unmapped_activities
),

final as (
    select
        -- strings
        cast(source_system as {{ dbt.type_string() }}) as system,
        cast(table_name as {{ dbt.type_string() }}) as table_name,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(unmapped_value as {{ dbt.type_string() }}) as unmapped_value,
        cast(mapping_rule as {{ dbt.type_string() }}) as mapping_rule,
        cast(warehouse_action as {{ dbt.type_string() }}) as warehouse_action,

        -- numerics
        cast(row_count as bigint) as row_count,

        -- dates
        cast(first_seen_date as date) as first_seen_date,
        cast(last_seen_date as date) as last_seen_date
    from unioned
)

select * from final
