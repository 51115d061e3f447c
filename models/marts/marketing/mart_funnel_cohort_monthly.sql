{#- Grain: one row per lead-creation cohort month x first-touch channel (only combinations with
    at least one lead). Counts of leads reaching each funnel stage (int_lead_funnel_stages, as of
    as_of_date), the stage conversion k -> k+1 within the cohort and the lead-to-customer rate.
    A cohort is mature once var funnel_maturity_days have passed since its month's end. -#}
with

funnel_stages as (
    select * from {{ ref('int_lead_funnel_stages') }}
),

lead_attribution as (
    select * from {{ ref('int_lead_attribution') }}
),

dim_date as (
    select * from {{ ref('dim_date') }}
),

counted as (
    select
        funnel_stages.cohort_month,
        lead_attribution.first_touch_channel,
        count(distinct case when funnel_stages.funnel_stage = 'lead' then funnel_stages.lead_id end)
            as n_lead,
        count(distinct case when funnel_stages.funnel_stage = 'mql' then funnel_stages.lead_id end)
            as n_mql,
        count(distinct case when funnel_stages.funnel_stage = 'sql' then funnel_stages.lead_id end)
            as n_sql,
        count(distinct case when funnel_stages.funnel_stage = 'opportunity' then funnel_stages.lead_id end)
            as n_opportunity,
        count(distinct case when funnel_stages.funnel_stage = 'won_customer' then funnel_stages.lead_id end)
            as n_won_customer
    from funnel_stages
    inner join lead_attribution
        on funnel_stages.lead_id = lead_attribution.lead_id
    group by funnel_stages.cohort_month, lead_attribution.first_touch_channel
),

final as (
    select
        -- keys
        cast(counted.cohort_month as date) as cohort_month,
        cast(counted.first_touch_channel as {{ dbt.type_string() }}) as first_touch_channel,

        -- fiscal calendar of the cohort month
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.month_end_date as date) as cohort_month_end_date,

        -- stage counts
        cast(counted.n_lead as bigint) as leads,
        cast(counted.n_mql as bigint) as mqls,
        cast(counted.n_sql as bigint) as sqls,
        cast(counted.n_opportunity as bigint) as opportunities,
        cast(counted.n_won_customer as bigint) as customers,

        -- conversion rates (fractions; NULL when the earlier stage is empty)
        cast({{ safe_divide('counted.n_mql', 'counted.n_lead') }} as double) as lead_to_mql_rate,
        cast({{ safe_divide('counted.n_sql', 'counted.n_mql') }} as double) as mql_to_sql_rate,
        cast({{ safe_divide('counted.n_opportunity', 'counted.n_sql') }} as double)
            as sql_to_opportunity_rate,
        cast({{ safe_divide('counted.n_won_customer', 'counted.n_opportunity') }} as double)
            as opportunity_to_customer_rate,
        cast({{ safe_divide('counted.n_won_customer', 'counted.n_lead') }} as double)
            as lead_to_customer_rate,

        -- maturity
        cast({{ is_cohort_mature('counted.cohort_month') }} as boolean) as is_mature
    from counted
    inner join dim_date
        on counted.cohort_month = dim_date.date_day
)

select * from final
