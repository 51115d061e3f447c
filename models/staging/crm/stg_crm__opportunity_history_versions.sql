{#- Every landed version of every CRM opportunity history row (Salesforce OpportunityHistory: a
    change of an opportunity's stage, amount or close date): one row per raw row, renamed and
    cast, soft-deleted versions included (is_deleted). stg_crm__opportunity_history keeps the
    latest live version of each row from here (macro latest_versions); incremental models read
    the versions of only the rows landed in their window. -#}
with

source as (

    select * from {{ source('crm', 'opportunity_history') }}

),

renamed as (

    select
        -- ids
        id as history_id,
        opportunity_id,

        -- strings
        stage_name,
        forecast_category,

        -- numerics
        amount,
        probability as probability_pct,

        -- booleans
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        close_date,
        {{ to_company_date('created_date') }} as changed_date,

        -- timestamps
        created_date as changed_at,
        system_modstamp as updated_at,

        -- lineage
        {{ lineage_columns(record=true) }}

    from source

)

select * from renamed
