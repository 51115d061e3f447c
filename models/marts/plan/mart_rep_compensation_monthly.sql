{#- Grain: one row per rep x calendar month with a comp plan (int_rep_comp_plans_monthly). The
    payout of the month from the rep's quota attainment (mart_sales_rep_monthly.attainment:
    bookings / quota) through the plan's tiers (stg_plan__comp_plan_tiers), the one place of the
    payout rule: within each tier [attainment_from, attainment_to) every unit of attainment pays
    payout_rate x the target incentive (marginal rates; tiers from 100% up with a rate above 1
    are the accelerators), and the total is capped at payout_cap x the target incentive. The
    payout is NULL when attainment is unknown (no quota, a month after as_of_date) or the plan
    has no tiers; the month of as_of_date is month-to-date (provisional). -#}
with

comp_plans as (

    select * from {{ ref('int_rep_comp_plans_monthly') }}

),

tiers as (

    select * from {{ ref('stg_plan__comp_plan_tiers') }}

),

rep_months as (

    select * from {{ ref('mart_sales_rep_monthly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

attained as (

    select
        comp_plans.rep_id,
        comp_plans.month_start_date,
        comp_plans.comp_plan,
        comp_plans.target_incentive_reporting as target_incentive,
        comp_plans.payout_cap,
        rep_months.bookings_amount,
        rep_months.quota_amount,
        rep_months.attainment
    from comp_plans
    left join rep_months
        on
            comp_plans.rep_id = rep_months.rep_id
            and comp_plans.month_start_date = rep_months.month_start_date

),

tier_payouts as (

    select
        attained.rep_id,
        attained.month_start_date,
        tiers.attainment_from,
        -- the part of the attainment that falls in the tier, times its rate
        attained.target_incentive * tiers.payout_rate * (
            case
                when attained.attainment is null then null
                when attained.attainment <= tiers.attainment_from then 0
                when tiers.attainment_to is null or attained.attainment < tiers.attainment_to
                    then attained.attainment - tiers.attainment_from
                else tiers.attainment_to - tiers.attainment_from
            end
        ) as tier_payout
    from attained
    inner join tiers
        on attained.comp_plan = tiers.comp_plan

),

payouts as (

    select
        rep_id,
        month_start_date,
        sum(tier_payout) as payout_before_cap,
        sum(case when attainment_from >= 1 then tier_payout else 0 * tier_payout end) as accelerator_payout
    from tier_payouts
    group by rep_id, month_start_date

),

capped as (

    select
        attained.*,
        payouts.payout_before_cap,
        payouts.accelerator_payout,
        attained.target_incentive * attained.payout_cap as payout_cap_amount,
        case
            when attained.payout_cap is not null
                and payouts.payout_before_cap > attained.target_incentive * attained.payout_cap
                then attained.target_incentive * attained.payout_cap
            else payouts.payout_before_cap
        end as payout_amount
    from attained
    left join payouts
        on
            attained.rep_id = payouts.rep_id
            and attained.month_start_date = payouts.month_start_date

),

final as (

    select
        -- keys
        cast(capped.rep_id as {{ dbt.type_string() }}) as rep_id,
        cast(capped.month_start_date as date) as month_start_date,

        -- strings
        cast({{ rep_label('capped.rep_id') }} as {{ dbt.type_string() }}) as rep_label,
        cast(users.team_name as {{ dbt.type_string() }}) as team,
        cast(capped.comp_plan as {{ dbt.type_string() }}) as comp_plan,

        -- calendar
        cast(dim_date.month_end_date as date) as month_end_date,
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.fiscal_month as integer) as fiscal_month,

        -- attainment
        cast(capped.quota_amount as decimal(38, 6)) as quota_amount,
        cast(capped.bookings_amount as decimal(38, 6)) as bookings_amount,
        cast(capped.attainment as double) as attainment,

        -- compensation (reporting currency)
        cast(capped.target_incentive as decimal(38, 6)) as target_incentive,
        cast(capped.payout_cap as double) as payout_cap,
        cast(capped.payout_cap_amount as decimal(38, 6)) as payout_cap_amount,
        cast(capped.payout_before_cap as decimal(38, 6)) as payout_before_cap,
        cast(capped.accelerator_payout as decimal(38, 6)) as accelerator_payout,
        cast(capped.payout_amount as decimal(38, 6)) as payout_amount,
        cast({{ safe_divide('capped.payout_amount', 'capped.target_incentive') }} as double)
            as payout_ratio,

        -- booleans
        cast(coalesce(capped.payout_before_cap > capped.payout_amount, false) as boolean) as is_capped,
        cast({{ is_as_of_month('capped.month_start_date') }} as boolean) as is_as_of_month,
        cast(capped.month_start_date > {{ as_of_date() }} as boolean) as is_future_month

    from capped
    left join dim_date
        on capped.month_start_date = dim_date.date_day
    left join users
        on capped.rep_id = users.user_id

)

select * from final
