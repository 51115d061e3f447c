{#- Every landed version of every CRM task: one row per raw row, renamed and cast, soft-deleted
    versions included (is_deleted). stg_crm__tasks keeps the latest live version of each task
    from here (macro latest_versions); incremental models read the versions of only the tasks
    landed in their window. duration_seconds is the call length, on the same scale as
    stg_crm__event_versions.duration_seconds so activities can be unioned downstream. -#}
with

source as (

    select * from {{ source('crm', 'task') }}

),

renamed as (

    select
        -- ids
        id as task_id,
        who_id,
        what_id,
        account_id,
        owner_id,

        -- strings
        subject,
        type as task_type,
        task_subtype,
        status,

        -- numerics
        call_duration_in_seconds,
        call_duration_in_seconds as duration_seconds,

        -- booleans
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        coalesce(
            activity_date,
            {{ to_company_date('created_date') }}
        ) as activity_date,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,

        -- lineage
        {{ lineage_columns(record=true) }}

    from source

)

select * from renamed
