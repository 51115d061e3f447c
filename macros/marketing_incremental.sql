{#- The recompute scope of the incremental model int_touches (touch x lead), docs/incremental.md.
    The rows of a lead depend only on the lead itself (its email, creation, UTM fields, lead
    source), the touchpoints with its email hash, the forms with its email hash (their visitor ids)
    and the touchpoints of those visitor ids. A run therefore recomputes every row of:
      - the leads with a version landed in the window (deleted ones lose their rows);
      - the leads holding, in any version, the email of a touchpoint landed in the window, or the
        email of a form of a visitor with a touchpoint landed in the window (new stitching);
      - the leads the model already stitched to a touchpoint landed in the window (old stitching).
    Use only when is_incremental(). -#}

{#- The leads int_touches recomputes in an incremental run (a select of lead_id). -#}
{% macro touches_recomputed_leads_sql() -%}
    {%- set lead_versions = ref('stg_crm__lead_versions') -%}
    {%- set touchpoints = ref('int_touchpoints') -%}
    with

    changed_touchpoints as (

        select
            touchpoint_id,
            email_hash,
            anonymous_id
        from {{ touchpoints }}
        where {{ landed_window_predicate('landed_date') }}

    )

    {{ keys_landed_in_window(lead_versions, ['lead_id']) }}
    union
    select email_leads.lead_id
    from {{ lead_versions }} as email_leads
    where email_leads.email_hash in (select email_hash from changed_touchpoints)
    union
    select visitor_leads.lead_id
    from {{ lead_versions }} as visitor_leads
    where visitor_leads.email_hash in (
        select visitor_forms.email_hash
        from {{ touchpoints }} as visitor_forms
        where
            visitor_forms.touchpoint_type = 'form_submission'
            and visitor_forms.anonymous_id in (select anonymous_id from changed_touchpoints)
    )
    union
    select stitched.lead_id
    from {{ this }} as stitched
    where stitched.touch_id in (select touchpoint_id from changed_touchpoints)
{%- endmacro %}

{#- The replace_scope of int_touches over its existing rows: every row of a recomputed lead. -#}
{% macro touches_replace_scope(alias) -%}
    ({{ alias }}.lead_id in ({{ touches_recomputed_leads_sql() }}))
{%- endmacro %}
