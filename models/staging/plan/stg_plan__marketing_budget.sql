with

source as (
    {{ latest_versions(
        source('plan', 'marketing_budget'), ['month', 'trim(channel)', "nullif(trim(campaign_key), '')"],
        lineage_prefix='_'
    ) }}
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
        {{ lineage_columns() }}
    from source
)

select * from renamed
