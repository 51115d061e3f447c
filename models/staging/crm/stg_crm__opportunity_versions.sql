{#- Every landed version of every CRM opportunity: one row per raw row, renamed and cast,
    soft-deleted versions included (is_deleted). stg_crm__opportunities keeps the latest live
    version of each opportunity from here (macro latest_versions); incremental models read the
    versions of only the opportunities landed in their window. stage_name is kept as the CRM
    spells it; its order and category come from a seed downstream. -#}
with

source as (

    select * from {{ source('crm', 'opportunity') }}

),

renamed as (

    select
        -- ids
        id as opportunity_id,
        account_id,
        owner_id,
        campaign_id,

        -- strings
        name as opportunity_name,
        stage_name,
        type as opportunity_type,
        forecast_category_name as forecast_category,
        lead_source,
        {{ crm_currency_code('currency_iso_code') }} as currency_code,
        nullif(trim(loss_reason_c), '') as loss_reason,
        nullif(trim(competitor_c), '') as competitor,

        -- numerics
        amount,
        probability as probability_pct,

        -- booleans
        is_closed,
        is_won,
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        close_date,
        first_engagement_date_c as first_engagement_date,
        {{ to_company_date('created_date') }} as created_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,

        -- lineage
        {{ lineage_columns(record=true) }}

    from source

)

select * from renamed
