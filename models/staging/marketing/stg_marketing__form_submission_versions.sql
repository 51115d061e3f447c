{#- Every landed version of every form submission: one row per raw row, renamed and cast, the
    email hashed and names dropped, the form classified by the seed form_classification.
    stg_marketing__form_submissions keeps the latest version of each submission from here (macro
    latest_versions); incremental models read the versions of only the submissions landed in
    their window. -#}
with

source as (
    select * from {{ source('marketing', 'form_submissions') }}
),

form_classification as (
    select * from {{ ref('form_classification') }}
),

renamed as (
    select
        -- ids
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,

        -- strings (PII: the email is hashed, names are dropped)
        {{ hash_pii('email') }} as email_hash,
        {{ email_domain('email') }} as email_domain,
        lower(trim(form_name)) as form_name,
        company as company_name,
        page_url,
        nullif(lower(trim(utm_source)), '') as utm_source,
        nullif(lower(trim(utm_medium)), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,

        -- dates
        {{ to_company_date('submitted_at') }} as submitted_date,

        -- timestamps
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,

        -- lineage
        {{ lineage_columns(record=true) }}
    from source
),

final as (
    select
        renamed.submission_id,
        renamed.anonymous_id,
        renamed.email_hash,
        renamed.email_domain,
        renamed.form_name,
        -- forms missing from the seed stay visible as 'unmapped' and never count as demo requests
        coalesce(form_classification.form_category, 'unmapped') as form_category,
        coalesce(form_classification.is_demo_request, false) as is_demo_request,
        renamed.company_name,
        renamed.page_url,
        renamed.utm_source,
        renamed.utm_medium,
        renamed.utm_campaign,
        renamed.submitted_date,
        renamed.submitted_at,
        renamed.loaded_at,
        renamed.landed_date,
        renamed.source_file,
        renamed.source_row
    from renamed
    left join form_classification
        on renamed.form_name = form_classification.form_name
)

select * from final
