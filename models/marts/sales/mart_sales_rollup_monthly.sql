{#- The rep metrics rolled up from mart_sales_rep_monthly to the company, each region, each team
    and each manager, per month. Grain: rollup_level x rollup_key x month_start_date. Every rep
    row of the month counts once at every level (SDRs, other owners and '(unassigned)' included,
    under 'unknown' where they have no region, team or manager), so each level sums to the
    company row. Ratios are recomputed from the summed counts with the same macros as the rep
    mart (win rate, cohort win rate, selling time share), never averaged. mart_sales_team_monthly
    publishes the company rows. -#}
{%- set grain_columns = [
    'rollup_level', 'rollup_key', 'month_start_date', 'month_end_date', 'fiscal_year',
    'fiscal_quarter', 'fiscal_month', 'fiscal_period_label', 'is_current_period'
] %}
with

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

rep_levels as (

    select
        'company' as rollup_level,
        'All' as rollup_key,
        rep_months.*
    from rep_months

    union all

    select
        'region' as rollup_level,
        coalesce(rep_months.region, 'unknown') as rollup_key,
        rep_months.*
    from rep_months

    union all

    select
        'team' as rollup_level,
        coalesce(rep_months.team, 'unknown') as rollup_key,
        rep_months.*
    from rep_months

    union all

    select
        'manager' as rollup_level,
        coalesce(rep_months.manager_id, 'unknown') as rollup_key,
        rep_months.*
    from rep_months

),

aggregated as (

    select
        {{ grain_columns | join(',\n        ') }},
        sum(bookings_amount) as bookings_amount,
        sum(bookings_won_count) as bookings_won_count,
        sum(renewal_bookings_amount) as renewal_bookings_amount,
        sum(case when is_quota_carrying then quota_amount end) as quota_amount,
        sum(case when is_quota_carrying and is_active_in_month then 1 else 0 end)
            as active_quota_carrying_reps,
        sum(case when is_quota_carrying and quota_amount > 0 then 1 else 0 end) as reps_with_quota,
        sum(case when is_quota_carrying and quota_amount > 0 and is_attainment_met then 1 else 0 end)
            as reps_attainment_met,
        sum(won_count) as won_count,
        sum(lost_count) as lost_count,
        sum(won_amount) as won_amount,
        sum(lost_amount) as lost_amount,
        sum(opportunities_created) as opportunities_created,
        sum(pipeline_created_amount) as pipeline_created_amount,
        sum(cohort_won_count) as cohort_won_count,
        sum(cohort_open_count) as cohort_open_count,
        sum(activity_count) as activity_count,
        sum(sales_activities) as sales_activities,
        sum(case when available_selling_hours is not null then customer_facing_duration_seconds end)
            as customer_facing_duration_seconds,
        sum(available_selling_hours) as available_selling_hours
    from rep_levels
    group by
        {{ grain_columns | join(',\n        ') }}

),

final as (

    select
        -- keys
        cast(rollup_level as {{ dbt.type_string() }}) as rollup_level,
        cast(rollup_key as {{ dbt.type_string() }}) as rollup_key,

        -- strings
        cast(
            case
                when rollup_level = 'manager' and rollup_key <> 'unknown' then {{ rep_label('rollup_key') }}
                else rollup_key
            end as {{ dbt.type_string() }}
        ) as rollup_label,
        fiscal_period_label,

        -- numerics: calendar
        fiscal_year,
        fiscal_quarter,
        fiscal_month,

        -- numerics: bookings and quota
        cast(bookings_amount as decimal(38, 6)) as bookings_amount,
        cast(bookings_won_count as bigint) as bookings_won_count,
        cast(renewal_bookings_amount as decimal(38, 6)) as renewal_bookings_amount,
        cast(quota_amount as decimal(38, 6)) as quota_amount,
        cast({{ safe_divide('bookings_amount', 'quota_amount') }} as double) as attainment,
        cast(active_quota_carrying_reps as bigint) as active_quota_carrying_reps,
        cast({{ safe_divide('bookings_amount', 'active_quota_carrying_reps') }} as decimal(38, 6))
            as revenue_per_rep,
        cast(reps_with_quota as bigint) as reps_with_quota,
        cast(reps_attainment_met as bigint) as reps_attainment_met,
        cast({{ safe_divide('reps_attainment_met', 'reps_with_quota') }} as double)
            as share_reps_attainment_met,

        -- numerics: win rates
        cast(won_count as bigint) as won_count,
        cast(lost_count as bigint) as lost_count,
        cast(won_amount as decimal(38, 6)) as won_amount,
        cast(lost_amount as decimal(38, 6)) as lost_amount,
        cast({{ win_rate('won_count', 'lost_count') }} as double) as win_rate,
        cast({{ win_rate('won_amount', 'lost_amount') }} as double) as win_rate_amount,
        cast(opportunities_created as bigint) as opportunities_created,
        cast(pipeline_created_amount as decimal(38, 6)) as pipeline_created_amount,
        cast(cohort_won_count as bigint) as cohort_won_count,
        cast(cohort_open_count as bigint) as cohort_open_count,
        cast({{ cohort_share('cohort_won_count', 'opportunities_created') }} as double) as cohort_win_rate,
        cast({{ cohort_share('cohort_open_count', 'opportunities_created') }} as double) as cohort_open_share,

        -- numerics: activities
        cast(activity_count as bigint) as activity_count,
        cast(sales_activities as bigint) as sales_activities,
        cast(customer_facing_duration_seconds as bigint) as customer_facing_duration_seconds,
        cast(available_selling_hours as double) as available_selling_hours,
        cast({{ selling_time_share('customer_facing_duration_seconds', 'available_selling_hours') }} as double)
            as selling_time_share,

        -- booleans
        is_current_period,

        -- dates
        month_start_date,
        month_end_date

    from aggregated

)

select * from final
