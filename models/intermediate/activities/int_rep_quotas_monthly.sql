{#- One row per rep x calendar month with a quota in the plan: the bookings quota (new business +
    expansion) converted to the reporting currency at the monthly rate of the quota month. A
    quota whose currency has no rate is NULL (the has_fx_rate test reports it), never at 1.0. -#}
with

quotas as (

    select * from {{ ref('stg_plan__quotas') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        -- ids
        quotas.user_id as rep_id,

        -- strings
        quotas.currency_code,

        -- numerics
        quotas.quota_amount,
        {{ to_reporting_currency('quotas.quota_amount', 'fx') }} as quota_amount_reporting,

        -- dates
        quotas.month_start_date

    from quotas
    left join fx_rates as fx
        on {{ fx_rate_join('fx', 'quotas.currency_code', 'quotas.month_start_date') }}

)

select * from final
