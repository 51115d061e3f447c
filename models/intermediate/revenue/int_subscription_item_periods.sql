{#- One row per Stripe subscription item and period during which its price and quantity held:
    the item's price and quantity history, from its landed versions
    (stg_billing__subscription_item_versions). Stripe changes the price or the quantity of an
    item in place (same id) on an upgrade, a downgrade or a seat change, and no field of the item
    dates the change, so a version takes effect on its landed day: the landing day of the first
    extract that shows it (a daily extract shows the state at the end of its day). Versions are
    ordered by landing day, then load, file and row (a late file dated earlier falls into place);
    consecutive versions with the same price and quantity form one period. The first period
    holds since the item began (valid_from_date null: the state first landed is the best known
    for the months before it); each later period from its landed day (inclusive) to the next
    period's (exclusive; null while in force). A period shown and replaced on the same landing
    day was never in force at a day's end and is left out. The item's subscription, creation,
    end and lineage come from its latest version (as stg_billing__subscription_items keeps it,
    macro latest_versions). -#}
with

versions as (

    select * from {{ ref('stg_billing__subscription_item_versions') }}

),

items as (

    -- the latest version of each item, as stg_billing__subscription_items keeps it
    {{ latest_versions(ref('stg_billing__subscription_item_versions'), ['subscription_item_id']) }}

),

ordered_versions as (

    select
        subscription_item_id,
        price_id,
        quantity,
        landed_date,
        row_number() over (
            partition by subscription_item_id
            order by
                landed_date asc nulls first,
                loaded_at asc nulls first,
                source_file asc nulls first,
                source_row asc nulls first
        ) as version_number
    from versions

),

compared_versions as (

    select
        *,
        lag(price_id) over (partition by subscription_item_id order by version_number) as previous_price_id,
        lag(quantity) over (partition by subscription_item_id order by version_number) as previous_quantity
    from ordered_versions

),

numbered_versions as (

    select
        *,
        sum(
            case
                when
                    previous_price_id is null
                    or previous_price_id != price_id
                    or previous_quantity != quantity
                    then 1
                else 0
            end
        ) over (
            partition by subscription_item_id
            order by version_number
            rows between unbounded preceding and current row
        ) as period_number
    from compared_versions

),

period_starts as (

    select
        subscription_item_id,
        period_number,
        price_id,
        quantity,
        landed_date
    from numbered_versions
    where
        previous_price_id is null
        or previous_price_id != price_id
        or previous_quantity != quantity

),

dated_periods as (

    select
        subscription_item_id,
        period_number,
        price_id,
        quantity,
        case when period_number > 1 then landed_date end as valid_from_date,
        lead(landed_date) over (
            partition by subscription_item_id order by period_number
        ) as valid_to_date
    from period_starts

),

final as (

    select
        -- ids
        dated_periods.subscription_item_id,
        items.subscription_id,
        dated_periods.price_id,

        -- numerics
        dated_periods.period_number,
        dated_periods.quantity,

        -- dates
        dated_periods.valid_from_date,
        dated_periods.valid_to_date,

        -- timestamps
        items.created_at,
        items.ended_at,

        -- lineage: the item's latest version
        items.landed_date

    from dated_periods
    inner join items
        on dated_periods.subscription_item_id = items.subscription_item_id
    where
        dated_periods.valid_from_date is null
        or dated_periods.valid_to_date is null
        or dated_periods.valid_from_date < dated_periods.valid_to_date

)

select * from final
