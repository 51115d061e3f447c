with

source as (
    {{ latest_versions(source('plan', 'comp_plans'), ['rep_id', 'month'], lineage_prefix='_') }}
),

renamed as (
    select
        -- ids
        cast(rep_id as {{ dbt.type_string() }}) as user_id,

        -- strings
        trim(comp_plan) as comp_plan,
        upper(trim(currency)) as currency_code,

        -- numerics
        cast(target_incentive as {{ dbt.type_numeric() }}) as target_incentive,
        cast(payout_cap as {{ dbt.type_numeric() }}) as payout_cap,

        -- dates
        cast(month as date) as month_start_date,

        -- lineage
        {{ lineage_columns() }}
    from source
)

select * from renamed
