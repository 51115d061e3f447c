{#- One row per touch x lead: the touches that can be tied to a CRM lead (identity rule 4).
    - lead_created: the lead itself, at its creation, carrying the first touch the CRM captured on
      it: its first-touch UTM pair when it has one, else its lead_source (the channel from int_channel_values).
    - form_submission: stitched to every lead with the same hashed email, or whose email was seen
      on another form of the same anonymous visitor.
    - web_session: stitched through the anonymous visitor id to the leads of that visitor's forms.
    Unstitched sessions and forms stay in int_touchpoints only. A person with two leads gives each
    lead the touch (grain touch x lead).
    Incremental (docs/incremental.md), delete+insert by lead: a run recomputes every row of the
    leads in recomputed_leads (below) and replaces all rows of each; the post_hook deletes the
    leads whose latest version is soft-deleted. The rows of a lead depend only on the lead, the
    touchpoints with its email, the forms with its email and the touchpoints of those forms'
    visitors. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='lead_id',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}
        delete from {{ this }}
        where lead_id in ({{ keys_deleted_in_window(ref('stg_crm__lead_versions'), 'lead_id') }})
    {% endif %}"
) }}
-- depends_on: {{ ref('stg_crm__lead_versions') }}
{%- set lead_versions = ref('stg_crm__lead_versions') %}
with

{% if is_incremental() %}
    changed_touchpoints as (
        select
            touchpoint_id,
            email_hash,
            anonymous_id
        from {{ ref('int_touchpoints') }}
        where {{ landed_window_predicate('landed_date') }}
    ),

    -- the leads with a version landed in the window (a deleted one loses its rows); the leads
    -- holding, in any version, the email of a touchpoint landed in the window or of a form of a
    -- visitor with such a touchpoint (new stitching); the leads this model stitched to such a
    -- touchpoint (old stitching)
    recomputed_leads as (
        {{ keys_landed_in_window(lead_versions, ['lead_id']) }}
        union
        select email_leads.lead_id
        from {{ lead_versions }} as email_leads
        where email_leads.email_hash in (select changed_touchpoints.email_hash from changed_touchpoints)
        union
        select visitor_leads.lead_id
        from {{ lead_versions }} as visitor_leads
        where visitor_leads.email_hash in (
            select visitor_forms.email_hash
            from {{ ref('int_touchpoints') }} as visitor_forms
            where
                visitor_forms.touchpoint_type = 'form_submission'
                and visitor_forms.anonymous_id in (select changed_touchpoints.anonymous_id from changed_touchpoints)
        )
        union
        select stitched.lead_id
        from {{ this }} as stitched
        where stitched.touch_id in (select changed_touchpoints.touchpoint_id from changed_touchpoints)
    ),
{% endif %}

leads as (
    {{ kept_records(
        ref('stg_crm__leads'), lead_versions, ['lead_id'], 'updated_at', 'is_deleted',
        keys_sql='select recomputed_leads.lead_id from recomputed_leads'
    ) }}
),

-- the columns that stitch; read three times, so DuckDB materializes this CTE: kept narrow, it
-- holds a tenth of the whole touchpoint rows (2.5 GB at scale 10 when it was select *)
touchpoints as (
    select
        touchpoint_id,
        touchpoint_type,
        email_hash,
        anonymous_id
    from {{ ref('int_touchpoints') }}
),

touchpoint_details as (
    select * from {{ ref('int_touchpoints') }}
),

channel_values as (
    select * from {{ ref('int_channel_values') }}
),

lead_emails as (
    select
        lead_id,
        email_hash
    from leads
    where email_hash is not null
),

-- the visitor ids seen on a form whose email belongs to a lead
anonymous_leads as (
    select distinct
        touchpoints.anonymous_id,
        lead_emails.lead_id
    from touchpoints
    inner join lead_emails
        on touchpoints.email_hash = lead_emails.email_hash
    where
        touchpoints.touchpoint_type = 'form_submission'
        and touchpoints.anonymous_id is not null
),

stitched_by_email as (
    select
        touchpoints.touchpoint_id,
        lead_emails.lead_id,
        'email' as stitched_by,
        1 as stitch_priority
    from touchpoints
    inner join lead_emails
        on touchpoints.email_hash = lead_emails.email_hash
),

stitched_by_anonymous_id as (
    select
        touchpoints.touchpoint_id,
        anonymous_leads.lead_id,
        'anonymous_id' as stitched_by,
        2 as stitch_priority
    from touchpoints
    inner join anonymous_leads
        on touchpoints.anonymous_id = anonymous_leads.anonymous_id
),

stitched_all as (
    select * from stitched_by_email
    union all
    select * from stitched_by_anonymous_id
),

stitched as (
    select
        touchpoint_id,
        lead_id,
        stitched_by
    from (
        select
            *,
            row_number() over (
                partition by touchpoint_id, lead_id
                order by stitch_priority
            ) as stitch_rank
        from stitched_all
    ) as ranked
    where stitch_rank = 1
),

marketing_touches as (
    select
        touchpoint_details.touchpoint_id as touch_id,
        stitched.lead_id,
        touchpoint_details.touchpoint_type as touch_type,
        stitched.stitched_by,
        touchpoint_details.channel,
        touchpoint_details.utm_campaign as campaign,
        touchpoint_details.utm_source,
        touchpoint_details.utm_medium,
        touchpoint_details.is_demo_request,
        touchpoint_details.touch_at,
        touchpoint_details.landed_date
    from stitched
    inner join touchpoint_details
        on stitched.touchpoint_id = touchpoint_details.touchpoint_id
),

lead_touches as (
    select
        'lead:' || leads.lead_id as touch_id,
        leads.lead_id,
        'lead_created' as touch_type,
        'crm' as stitched_by,
        case
            when leads.utm_source is not null or leads.utm_medium is not null
                then coalesce(utm_channels.channel, '{{ var("unknown_channel") }}')
            else coalesce(lead_source_channels.channel, '{{ var("unknown_channel") }}')
        end as channel,
        leads.utm_campaign as campaign,
        leads.utm_source,
        leads.utm_medium,
        false as is_demo_request,
        leads.created_at as touch_at,
        leads.landed_date
    from leads
    left join channel_values as utm_channels
        on
            utm_channels.source_type = 'utm'
            and {{ utm_channel_key('leads.utm_source', 'leads.utm_medium') }} = utm_channels.source_value
    left join channel_values as lead_source_channels
        on
            lead_source_channels.source_type = 'lead_source'
            and leads.lead_source = lead_source_channels.source_value
),

unioned as (
    select * from lead_touches
    union all
    select * from marketing_touches
),

final as (
    select
        -- ids
        touch_id,
        lead_id,

        -- strings
        touch_type,
        stitched_by,
        channel,
        campaign,
        utm_source,
        utm_medium,

        -- booleans
        is_demo_request,

        -- dates
        {{ to_company_date('touch_at') }} as touch_date,

        -- timestamps
        touch_at,

        -- lineage: the landing day of the lead (lead_created) or of the touchpoint
        landed_date
    from unioned
)

select * from final
