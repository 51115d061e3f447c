{#- The names behind the scorecard's green and red (METRICS.md "Targets and plan"). Grain: one row
    per ISO week x event: a deal closed-won (green) or closed-lost (red) in the week, by its close
    date (int_opportunities, all types), and a customer churned in the week (red), by its churn
    date (fct_customer_churns: when the cancellation took effect), each with its account. Events
    up to as_of_date. account_key identifies the account a row counts for: the CRM account, else
    the unmatched billing customer, else the account-less opportunity itself. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

churns as (

    select * from {{ ref('fct_customer_churns') }}

),

accounts as (

    select * from {{ ref('dim_account') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

closed_deals as (

    select
        case when opportunities.is_won then 'deal_won' else 'deal_lost' end as event_type,
        opportunities.opportunity_id as record_id,
        coalesce(
            opportunities.account_id,
            {{ dbt.concat(["'opportunity:'", 'opportunities.opportunity_id']) }}
        ) as account_key,
        opportunities.account_id,
        accounts.account_name,
        opportunities.opportunity_id,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        opportunities.opportunity_type,
        opportunities.amount_reporting as deal_amount,
        cast(null as decimal(38, 6)) as churn_mrr,
        opportunities.close_date as event_date
    from opportunities
    left join accounts
        on opportunities.account_id = accounts.account_id
    where
        opportunities.is_closed
        and opportunities.close_date <= {{ as_of_date() }}

),

churned_customers as (

    select
        'customer_churned' as event_type,
        churns.customer_id as record_id,
        coalesce(
            churns.crm_account_id,
            {{ dbt.concat(["'billing:'", 'churns.customer_id']) }}
        ) as account_key,
        churns.crm_account_id as account_id,
        churns.account_name,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        churns.customer_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_type,
        cast(null as decimal(38, 6)) as deal_amount,
        churns.churn_mrr,
        churns.churn_date as event_date
    from churns
    where churns.churn_date <= {{ as_of_date() }}

),

events as (

    select * from closed_deals
    union all
    select * from churned_customers

),

final as (

    select
        -- keys
        cast(dim_date.week_start_date as date) as week_start_date,
        cast(events.event_type as {{ dbt.type_string() }}) as event_type,
        cast(events.record_id as {{ dbt.type_string() }}) as record_id,

        -- ids
        cast(events.account_key as {{ dbt.type_string() }}) as account_key,
        cast(events.account_id as {{ dbt.type_string() }}) as account_id,
        cast(events.opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(events.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- strings
        cast(
            case when events.event_type = 'deal_won' then 'green' else 'red' end
            as {{ dbt.type_string() }}
        ) as colour,
        cast(events.account_name as {{ dbt.type_string() }}) as account_name,
        cast(events.opportunity_type as {{ dbt.type_string() }}) as opportunity_type,

        -- amounts (reporting currency)
        cast(events.deal_amount as decimal(38, 6)) as deal_amount,
        cast(events.churn_mrr as decimal(38, 6)) as churn_mrr,

        -- dates
        cast(events.event_date as date) as event_date

    from events
    inner join dim_date
        on events.event_date = dim_date.date_day

)

select * from final
