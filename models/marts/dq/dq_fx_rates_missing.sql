{#- One row per model x currency x month whose amounts have no FX rate: those amounts are
    published with a NULL converted amount (never converted at 1.0) and the test has_fx_rate
    warns. Each part applies the conversion's own rule (macro fx_rates_missing_sql, the join
    fx_rate_join on int_fx_rates_monthly) to the rows the model converts, with the same date:
    the fix is a rate for that currency and month in landing/reference/fx_rates.csv. -#}
with

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

opportunity_files as (
    -- one landing file per opportunity, to name where a row came from
    select
        opportunity_id,
        max(source_file) as source_file
    from {{ ref('stg_crm__opportunity_versions') }}
    group by opportunity_id
),

opportunities as (
    select
        int_opportunities.*,
        opportunity_files.source_file
    from {{ ref('int_opportunities') }} as int_opportunities
    left join opportunity_files
        on int_opportunities.opportunity_id = opportunity_files.opportunity_id
),

pipeline_days as (
    select
        int_pipeline_daily_state.*,
        opportunity_files.source_file
    from {{ ref('int_pipeline_daily_state') }} as int_pipeline_daily_state
    left join opportunity_files
        on int_pipeline_daily_state.opportunity_id = opportunity_files.opportunity_id
),

billing_payments as (
    -- the amounts mart_billing_monthly converts itself (its invoices are int_invoices_converted)
    select
        currency,
        amount,
        cast({{ dbt.date_trunc('month', to_company_date('created_at')) }} as date) as month_start_date
    from {{ ref('stg_billing__charges') }}

    union all

    select
        currency,
        amount,
        cast({{ dbt.date_trunc('month', to_company_date('created_at')) }} as date) as month_start_date
    from {{ ref('stg_billing__refunds') }}
    where coalesce(status, 'succeeded') not in ('failed', 'canceled')
),

missing as (
    {{ fx_rates_missing_sql(
        'int_opportunities', 'opportunities', 'amounts.amount', 'amounts.currency_code',
        'amounts.fx_rate_date', 'fx_rates', source_file='source_file'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_pipeline_daily_state', 'pipeline_days', 'amounts.amount', 'amounts.currency_code',
        opportunity_fx_date('false', 'amounts.close_date', 'amounts.created_date'), 'fx_rates',
        source_file='source_file'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_invoices_converted', ref('int_invoices_converted'), 'amounts.total',
        'amounts.currency', 'amounts.created_month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_invoice_line_items_converted', ref('int_invoice_line_items_converted'),
        'amounts.amount', 'amounts.currency', 'amounts.invoice_month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_subscription_items_normalized', ref('int_subscription_items_normalized'),
        'amounts.list_mrr_native', 'amounts.currency', 'amounts.month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_revenue_plan_converted', ref('stg_plan__revenue_plan'), 'amounts.plan_bookings',
        'amounts.currency_code', 'amounts.month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_rep_quotas_monthly', ref('int_rep_quotas_monthly'), 'amounts.quota_amount',
        'amounts.currency_code', 'amounts.month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_ad_spend_daily', ref('int_ad_spend_daily'), 'amounts.spend',
        'amounts.currency_code', 'amounts.spend_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'mart_billing_monthly', 'billing_payments', 'amounts.amount', 'amounts.currency',
        'amounts.month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'mart_marketing_channel_monthly', ref('stg_plan__team_costs'), 'amounts.cost_amount',
        'amounts.currency_code', 'amounts.month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_rep_comp_plans_monthly', ref('stg_plan__comp_plans'), 'amounts.target_incentive',
        'amounts.currency_code', 'amounts.month_start_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'int_programme_costs_daily', ref('int_programme_costs_daily'), 'amounts.cost',
        'amounts.currency_code', 'amounts.cost_date', 'fx_rates'
    ) }}

    union all

    {{ fx_rates_missing_sql(
        'mart_marketing_budget_monthly', ref('stg_plan__marketing_budget'),
        'amounts.budget_amount', 'amounts.currency_code', 'amounts.month_start_date', 'fx_rates'
    ) }}
),

final as (
    select
        model_name,
        currency_code,
        rate_month,
        row_count,
        amount_total,
        reporting_currency,
        example_source_file
    from missing
)

select * from final
