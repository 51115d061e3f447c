{#- One row per live billing customer: the CRM account it belongs to and how it was matched.
    1. explicit: metadata.salesforce_account_id, only when that account exists in the CRM;
    2. domain: the customer's email domain = the account's website domain; free-mail domains never
       match; when several accounts share the domain, the earliest created account wins (ties:
       the smallest account_id), so the choice is stable from run to run;
    3. unmatched: no account; segment 'unknown'. -#}
with

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

free_mail_domains as (

    select lower(trim(domain)) as free_mail_domain from {{ ref('free_mail_domains') }}

),

domain_accounts as (

    select
        website_domain,
        account_id,
        row_number() over (
            partition by website_domain
            order by created_at asc nulls last, account_id asc
        ) as domain_rank
    from accounts
    where
        website_domain is not null
        and website_domain not in (select free_mail_domains.free_mail_domain from free_mail_domains)

),

matched as (

    select
        customers.customer_id,
        customers.email_domain,
        customers.crm_account_id as metadata_crm_account_id,
        explicit_accounts.account_id as explicit_account_id,
        domain_accounts.account_id as domain_account_id
    from customers
    left join accounts as explicit_accounts
        on customers.crm_account_id = explicit_accounts.account_id
    left join domain_accounts
        on
            customers.email_domain = domain_accounts.website_domain
            and domain_accounts.domain_rank = 1

),

resolved as (

    select
        customer_id,
        email_domain,
        metadata_crm_account_id,
        coalesce(explicit_account_id, domain_account_id) as crm_account_id,
        case
            when explicit_account_id is not null then 'explicit'
            when domain_account_id is not null then 'domain'
            else 'unmatched'
        end as match_method
    from matched

),

final as (

    select
        -- ids
        resolved.customer_id,
        resolved.crm_account_id,

        -- strings
        resolved.match_method,
        {{ employee_size_band('accounts.number_of_employees') }} as segment,
        coalesce(accounts.industry, 'unknown') as industry,
        resolved.email_domain,

        -- booleans
        resolved.metadata_crm_account_id is not null
        and resolved.match_method != 'explicit' as has_unknown_metadata_account_id

    from resolved
    left join accounts
        on resolved.crm_account_id = accounts.account_id

)

select * from final
