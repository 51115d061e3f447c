{#- One row per CRM user (reps, managers, SDRs, CSMs, marketers) with manager, team, region, role
    and whether the user carries a quota: the AE role or any quota row in the plan. No personal
    names: a non-PII label 'Rep ' || last 4 characters of the id stands in for them. -#}
with

users as (

    select * from {{ ref('stg_crm__users') }}

),

quotas as (

    select * from {{ ref('int_rep_quotas_monthly') }}

),

quota_reps as (

    select
        rep_id,
        min(month_start_date) as first_quota_month_start_date,
        max(month_start_date) as last_quota_month_start_date
    from quotas
    group by rep_id

),

final as (

    select
        -- ids
        users.user_id as rep_id,
        users.manager_id,

        -- strings
        {{ rep_label('users.user_id') }} as rep_label,
        users.role_name as role,
        users.team_name as team,
        users.region,

        -- booleans
        coalesce(users.is_active, false) as is_active,
        quota_reps.rep_id is not null as has_quota,
        {{ is_quota_carrying_role('users.role_name') }} or quota_reps.rep_id is not null
            as is_quota_carrying,

        -- dates
        cast(users.created_at as date) as created_date,
        quota_reps.first_quota_month_start_date,
        quota_reps.last_quota_month_start_date

    from users
    left join quota_reps
        on users.user_id = quota_reps.rep_id

)

select * from final
