{#- dq_identity_match accounts for every live billing customer exactly once and for all the MRR
    of the as_of month; the per-method rows add up to the 'All' row. -#}
with

dq as (

    select * from {{ ref('dq_identity_match') }}

),

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

revenue as (

    select * from {{ ref('mart_revenue_monthly') }}

),

expected as (

    select
        (select count(*) from customers) as customers,
        (
            select coalesce(sum(mrr), 0) from revenue
            where segment = 'All' and is_as_of_month
        ) as mrr

),

reported as (

    select
        sum(case when match_method = 'All' then customers else 0 end) as all_customers,
        sum(case when match_method != 'All' then customers else 0 end) as method_customers,
        sum(case when match_method = 'All' then mrr else 0 end) as all_mrr,
        sum(case when match_method != 'All' then mrr else 0 end) as method_mrr
    from dq

)

select
    reported.*,
    expected.customers as expected_customers,
    expected.mrr as expected_mrr
from reported
cross join expected
where
    reported.all_customers != expected.customers
    or reported.method_customers != expected.customers
    or reported.all_mrr != expected.mrr
    or reported.method_mrr != expected.mrr
