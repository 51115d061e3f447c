{#- One row per account that has won at least one opportunity: its first closed-won opportunity,
    the moment the account became a new customer ("new customer acquired" in CAC). Ties on the
    close date go to the earlier created opportunity, then the smaller id. Opportunities without
    an account cannot make a customer and are left out. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities') }}

),

ranked as (

    select
        account_id,
        opportunity_id,
        close_date,
        amount_reporting,
        row_number() over (
            partition by account_id
            order by close_date, created_date, opportunity_id
        ) as won_rank
    from opportunities
    where
        is_won
        and account_id is not null
        and close_date is not null

),

final as (

    select
        -- ids
        account_id,
        opportunity_id as first_won_opportunity_id,

        -- numerics
        amount_reporting as first_won_amount_reporting,

        -- dates
        close_date as first_won_date

    from ranked
    where won_rank = 1

)

select * from final
