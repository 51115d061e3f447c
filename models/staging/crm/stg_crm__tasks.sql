{#- One row per live CRM task (logged calls, emails, to-dos): the latest version by
    system_modstamp of stg_crm__task_versions, soft-deleted dropped (macro latest_versions). -#}
with

latest as (

    {{ latest_versions(ref('stg_crm__task_versions'), ['task_id'], 'updated_at', 'is_deleted') }}

),

final as (

    select
        -- ids
        task_id,
        who_id,
        what_id,
        account_id,
        owner_id,

        -- strings
        subject,
        task_type,
        task_subtype,
        status,

        -- numerics
        call_duration_in_seconds,
        duration_seconds,

        -- dates
        activity_date,

        -- timestamps
        created_at,
        updated_at,
        loaded_at,

        -- lineage
        landed_date

    from latest

)

select * from final
