{#- Grain: one row per calendar month x segment (account size band, 'unknown' when not matched,
    plus 'All' for the total), every month from the first month with an NPS response, a won
    account or billing revenue to the month of as_of_date (zero rows kept). NPS from the
    responses of the month (macros nps_class, nps). A response's account: the account_id the
    survey tool carries when the CRM knows it, else the CRM contact with the same email (hashed);
    segment = size band of that account (macro employee_size_band), else 'unknown'. Accounts won
    (green) = CRM accounts whose first closed-won opportunity closed in the month
    (int_account_first_won), segment of the account; accounts lost (red) = billing customers
    churned in the month (mart_revenue_monthly.churned_customers, segment via int_customer_identity). -#}
with

nps_responses as (

    select * from {{ ref('stg_marketing__nps_responses') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

account_first_won as (

    select * from {{ ref('int_account_first_won') }}

),

revenue_monthly as (

    select * from {{ ref('mart_revenue_monthly') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

contact_accounts as (

    -- one account per email: the earliest created contact carrying an account wins
    select
        email_hash,
        account_id,
        row_number() over (
            partition by email_hash
            order by created_at asc nulls last, contact_id asc
        ) as contact_rank
    from contacts
    where
        email_hash is not null
        and account_id is not null

),

responses as (

    select
        cast({{ dbt.date_trunc('month', 'nps_responses.responded_date') }} as date) as month_start_date,
        {{ employee_size_band('accounts.number_of_employees') }} as segment,
        {{ nps_class('nps_responses.score') }} as nps_class
    from nps_responses
    left join accounts as direct_accounts
        on nps_responses.account_id = direct_accounts.account_id
    left join contact_accounts
        on
            nps_responses.email_hash = contact_accounts.email_hash
            and contact_accounts.contact_rank = 1
    left join accounts
        on coalesce(direct_accounts.account_id, contact_accounts.account_id) = accounts.account_id
    where nps_responses.responded_date <= {{ as_of_date() }}

),

won as (

    select
        cast({{ dbt.date_trunc('month', 'account_first_won.first_won_date') }} as date) as month_start_date,
        {{ employee_size_band('accounts.number_of_employees') }} as segment
    from account_first_won
    left join accounts
        on account_first_won.account_id = accounts.account_id
    where account_first_won.first_won_date <= {{ as_of_date() }}

),

nps_monthly as (

    select
        month_start_date,
        segment,
        nps_class
    from responses
    union all
    select
        month_start_date,
        'All' as segment,
        nps_class
    from responses

),

nps_counts as (

    select
        month_start_date,
        segment,
        count(*) as responses,
        sum(case when nps_class = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_class = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_class = 'detractor' then 1 else 0 end) as detractors
    from nps_monthly
    group by month_start_date, segment

),

won_monthly as (

    select
        month_start_date,
        segment
    from won
    union all
    select
        month_start_date,
        'All' as segment
    from won

),

won_counts as (

    select
        month_start_date,
        segment,
        count(*) as accounts_won
    from won_monthly
    group by month_start_date, segment

),

lost_counts as (

    select
        month_start_date,
        segment,
        churned_customers as accounts_lost
    from revenue_monthly

),

keys as (

    select
        month_start_date,
        segment
    from nps_counts
    union
    select
        month_start_date,
        segment
    from won_counts
    union
    select
        month_start_date,
        segment
    from lost_counts

),

segments as (

    select distinct segment from keys

),

months as (

    {{ periods_through_as_of('dim_date', 'month_start_date', 'select min(keys.month_start_date) from keys') }}

),

grid as (

    select
        months.month_start_date,
        segments.segment
    from months
    cross join segments

),

joined as (

    select
        grid.month_start_date,
        grid.segment,
        coalesce(nps_counts.responses, 0) as responses,
        coalesce(nps_counts.promoters, 0) as promoters,
        coalesce(nps_counts.passives, 0) as passives,
        coalesce(nps_counts.detractors, 0) as detractors,
        coalesce(won_counts.accounts_won, 0) as accounts_won,
        coalesce(lost_counts.accounts_lost, 0) as accounts_lost
    from grid
    left join nps_counts
        on grid.month_start_date = nps_counts.month_start_date and grid.segment = nps_counts.segment
    left join won_counts
        on grid.month_start_date = won_counts.month_start_date and grid.segment = won_counts.segment
    left join lost_counts
        on grid.month_start_date = lost_counts.month_start_date and grid.segment = lost_counts.segment

),

final as (

    select
        -- keys
        cast(joined.month_start_date as date) as month_start_date,
        cast(joined.segment as {{ dbt.type_string() }}) as segment,

        -- fiscal calendar
        cast(dim_date.fiscal_year as integer) as fiscal_year,
        cast(dim_date.fiscal_quarter as integer) as fiscal_quarter,
        cast(dim_date.fiscal_month as integer) as fiscal_month,

        -- NPS
        cast(joined.responses as bigint) as nps_responses,
        cast(joined.promoters as bigint) as promoters,
        cast(joined.passives as bigint) as passives,
        cast(joined.detractors as bigint) as detractors,
        cast({{ nps('joined.promoters', 'joined.detractors', 'joined.responses') }} as double) as nps,

        -- accounts won (green) and lost (red)
        cast(joined.accounts_won as bigint) as accounts_won,
        cast(joined.accounts_lost as bigint) as accounts_lost,
        cast(joined.accounts_won - joined.accounts_lost as bigint) as net_accounts

    from joined
    left join dim_date
        on joined.month_start_date = dim_date.date_day

)

select * from final
