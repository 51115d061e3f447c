with

source as (
    select * from {{ source('plan', 'marketing_budget') }}
),

renamed as (
    select
        -- strings
        trim(channel) as channel,
        nullif(trim(campaign_key), '') as campaign_key,
        upper(trim(currency)) as currency_code,

        -- numerics
        cast(budget_amount as {{ dbt.type_numeric() }}) as budget_amount,

        -- dates
        cast(month as date) as month_start_date,

        -- lineage
        _loaded_at as loaded_at,
        _landed_date as landed_date,
        {{ latest_version_rank(['month', 'trim(channel)', "nullif(trim(campaign_key), '')"]) }}
            as version_rank
    from source
),

final as (
    select
        month_start_date,
        channel,
        campaign_key,
        budget_amount,
        currency_code,
        loaded_at,
        landed_date
    from renamed
    where version_rank = 1
)

select * from final
