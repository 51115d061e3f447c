{#- Warn: a lead's funnel entry dates never go backwards (stage k+1 entered on or after stage k).
    Observed CRM dates out of order (e.g. an MQL date before the lead's creation) surface here;
    they are kept as the CRM records them. -#}
{{ config(severity='warn') }}

with

funnel_stages as (
    select * from {{ ref('int_lead_funnel_stages') }}
),

ordered as (
    select
        lead_id,
        funnel_stage,
        entered_date,
        lag(entered_date) over (partition by lead_id order by stage_order) as previous_entered_date
    from funnel_stages
)

select *
from ordered
where entered_date < previous_entered_date
