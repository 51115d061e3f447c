{#- One row per lead x funnel stage reached, as of as_of_date(): lead -> mql -> sql ->
    opportunity -> won_customer. Each lead enters each stage at most once.
    Observed entry dates:
      lead          the lead's created_date
      mql, sql      mql_date, sql_date as the CRM records them
      opportunity   created_date of the opportunity the lead was converted into (live ones only)
      won_customer  the first closed-won date of the account the lead was converted into, when
                    it is on or after the lead's creation (an account that was already a
                    customer when the lead arrived is not a conversion of this lead)
    Dates after as_of_date do not count yet.
    Monotone funnel: a later stage implies the earlier ones. A skipped stage (e.g. a lead that
    went straight to SQL without an MQL date) is counted as reached, with the entry date of the
    next stage actually reached, and flagged is_inferred, so that no stage conversion exceeds 1.
    Lead status is not used: only the dated fields are. -#}
with

leads as (
    select * from {{ ref('stg_crm__leads') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

account_first_won as (
    select * from {{ ref('int_account_first_won') }}
),

observed as (
    select
        leads.lead_id,
        leads.created_date as lead_date,
        case when leads.mql_date <= {{ as_of_date() }} then leads.mql_date end as mql_date,
        case when leads.sql_date <= {{ as_of_date() }} then leads.sql_date end as sql_date,
        case
            when opportunities.created_date <= {{ as_of_date() }} then opportunities.created_date
        end as opportunity_date,
        case
            when
                account_first_won.first_won_date >= leads.created_date
                and account_first_won.first_won_date <= {{ as_of_date() }}
                then account_first_won.first_won_date
        end as won_customer_date
    from leads
    left join opportunities
        on leads.converted_opportunity_id = opportunities.opportunity_id
    left join account_first_won
        on leads.converted_account_id = account_first_won.account_id
    where leads.created_date <= {{ as_of_date() }}
),

inferred as (
    -- each stage's entry date: its own date, else the date of the next stage reached
    select
        lead_id,
        lead_date,
        mql_date is null as is_mql_inferred,
        sql_date is null as is_sql_inferred,
        opportunity_date is null as is_opportunity_inferred,
        won_customer_date,
        coalesce(opportunity_date, won_customer_date) as opportunity_date,
        coalesce(sql_date, opportunity_date, won_customer_date) as sql_date,
        coalesce(mql_date, sql_date, opportunity_date, won_customer_date) as mql_date
    from observed
),

unpivoted as (
    select
        lead_id,
        lead_date,
        'lead' as funnel_stage,
        1 as stage_order,
        lead_date as entered_date,
        false as is_inferred
    from inferred
    union all
    select
        lead_id,
        lead_date,
        'mql' as funnel_stage,
        2 as stage_order,
        mql_date as entered_date,
        is_mql_inferred as is_inferred
    from inferred
    union all
    select
        lead_id,
        lead_date,
        'sql' as funnel_stage,
        3 as stage_order,
        sql_date as entered_date,
        is_sql_inferred as is_inferred
    from inferred
    union all
    select
        lead_id,
        lead_date,
        'opportunity' as funnel_stage,
        4 as stage_order,
        opportunity_date as entered_date,
        is_opportunity_inferred as is_inferred
    from inferred
    union all
    select
        lead_id,
        lead_date,
        'won_customer' as funnel_stage,
        5 as stage_order,
        won_customer_date as entered_date,
        false as is_inferred
    from inferred
),

final as (
    select
        -- ids
        lead_id,

        -- strings
        funnel_stage,

        -- numerics
        stage_order,

        -- booleans
        is_inferred,

        -- dates
        entered_date,
        lead_date as lead_created_date,
        cast({{ dbt.date_trunc('month', 'lead_date') }} as date) as cohort_month
    from unpivoted
    where entered_date is not null
)

select * from final
