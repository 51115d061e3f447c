{#- One row per live CRM account: industry, size band and revenue segment (both macro
    employee_size_band, the project's one size-band scheme: segment is the name the revenue
    marts use), owner, website domain, billing country, and whether the account is a customer
    (has a closed-won opportunity) since when. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

first_won as (

    select * from {{ ref('int_account_first_won') }}

),

final as (

    select
        -- ids
        accounts.account_id,
        accounts.owner_id,
        first_won.first_won_opportunity_id,

        -- strings
        accounts.account_name,
        accounts.industry,
        {{ employee_size_band('accounts.number_of_employees') }} as size_band,
        {{ employee_size_band('accounts.number_of_employees') }} as segment,
        accounts.website_domain,
        accounts.billing_country,
        accounts.account_type,

        -- numerics
        cast(accounts.number_of_employees as integer) as number_of_employees,

        -- booleans
        first_won.account_id is not null as is_customer,

        -- dates
        accounts.created_date,
        first_won.first_won_date

    from accounts
    left join first_won
        on accounts.account_id = first_won.account_id

)

select * from final
