{#- One row per form submission: the latest version of stg_marketing__form_submission_versions
    (macro latest_versions), where the form is classified by the seed form_classification. -#}
with

latest as (
    {{ latest_versions(ref('stg_marketing__form_submission_versions'), ['submission_id']) }}
),

final as (
    select
        submission_id,
        anonymous_id,
        email_hash,
        email_domain,
        form_name,
        form_category,
        is_demo_request,
        company_name,
        page_url,
        utm_source,
        utm_medium,
        utm_campaign,
        submitted_date,
        submitted_at,
        loaded_at,
        landed_date
    from latest
)

select * from final
