{#- Why deals are lost (METRICS.md "loss reasons, competitors"). Grain: one row per month of
    close date x loss reason x competitor with at least one opportunity closed-lost in it, up to
    as_of_date: count and amount (reporting currency) of the closed-lost opportunities of every
    type (int_opportunities), by the CRM's loss reason and competitor fields
    (stg_crm__opportunities); a deal without either is under 'unknown'. Shares are of the
    month's closed-lost count and amount. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

crm_opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

lost as (

    select
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as month_start_date,
        coalesce(crm_opportunities.loss_reason, 'unknown') as loss_reason,
        coalesce(crm_opportunities.competitor, 'unknown') as competitor,
        opportunities.amount_reporting
    from opportunities
    inner join crm_opportunities
        on opportunities.opportunity_id = crm_opportunities.opportunity_id
    where
        opportunities.is_lost
        and opportunities.close_date <= {{ as_of_date() }}

),

grouped as (

    select
        month_start_date,
        loss_reason,
        competitor,
        count(*) as lost_opportunities,
        sum(amount_reporting) as lost_amount
    from lost
    group by month_start_date, loss_reason, competitor

),

with_totals as (

    select
        *,
        sum(lost_opportunities) over (partition by month_start_date) as month_lost_opportunities,
        sum(lost_amount) over (partition by month_start_date) as month_lost_amount
    from grouped

),

final as (

    select
        -- keys
        cast(month_start_date as date) as month_start_date,
        cast(loss_reason as {{ dbt.type_string() }}) as loss_reason,
        cast(competitor as {{ dbt.type_string() }}) as competitor,

        -- counts and amounts (reporting currency)
        cast(lost_opportunities as bigint) as lost_opportunities,
        cast(lost_amount as decimal(38, 6)) as lost_amount,

        -- shares of the month's closed-lost deals
        cast({{ safe_divide('lost_opportunities', 'month_lost_opportunities') }} as double)
            as share_of_lost_opportunities,
        cast({{ safe_divide('lost_amount', 'month_lost_amount') }} as double) as share_of_lost_amount,

        -- dates
        cast({{ dbt.last_day('month_start_date', 'month') }} as date) as month_end_date

    from with_totals

)

select * from final
