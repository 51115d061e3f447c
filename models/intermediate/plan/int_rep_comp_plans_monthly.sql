{#- One row per rep x month with a comp plan (stg_plan__comp_plans): the tier schedule, the
    target incentive converted to the reporting currency at the month's average rate (NULL when
    the rate is missing, never 1.0) and the payout cap as a multiple of the target incentive. -#}
with

comp_plans as (

    select * from {{ ref('stg_plan__comp_plans') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        -- ids
        comp_plans.user_id as rep_id,

        -- strings
        comp_plans.comp_plan,
        comp_plans.currency_code,

        -- numerics
        comp_plans.target_incentive,
        {{ to_reporting_currency('comp_plans.target_incentive', 'fx') }} as target_incentive_reporting,
        comp_plans.payout_cap,

        -- dates
        comp_plans.month_start_date

    from comp_plans
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'comp_plans.currency_code', 'comp_plans.month_start_date') }}

)

select * from final
