{#- The default "today" of every model when the var as_of_date is not set: the latest business
    date present in the loaded data (creation dates only, never scheduled or expected dates such
    as close dates, which may lie in the future). A record created after the day it was loaded is
    a source defect (a raw GX warning flags it): it never moves "today". Read it through the macro
    as_of_date(). -#}
with

opportunities as (

    select max(created_date) as latest_date
    from {{ ref('stg_crm__opportunities') }}
    where created_date <= cast(loaded_at as date)

),

leads as (

    select max(created_date) as latest_date
    from {{ ref('stg_crm__leads') }}
    where created_date <= cast(loaded_at as date)

),

invoices as (

    select max(cast(created_at as date)) as latest_date
    from {{ ref('stg_billing__invoices') }}
    where created_at <= loaded_at

),

unioned as (

    select latest_date from opportunities
    union all
    select latest_date from leads
    union all
    select latest_date from invoices

),

final as (

    select cast(max(latest_date) as date) as as_of_date
    from unioned

)

select * from final
