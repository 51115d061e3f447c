{#- Every landed version of every CRM event (meetings, demos, internal): one row per raw row,
    renamed and cast, soft-deleted versions included (is_deleted). stg_crm__events keeps the
    latest live version of each event from here (macro latest_versions); incremental models read
    the versions of only the events landed in their window. duration_seconds is
    duration_in_minutes x 60, or the span from start to end when the minutes are missing, on the
    same scale as stg_crm__task_versions.duration_seconds. -#}
with

source as (

    select * from {{ source('crm', 'event') }}

),

renamed as (

    select
        -- ids
        id as event_id,
        who_id,
        what_id,
        account_id,
        owner_id,

        -- strings
        subject,
        type as event_type,

        -- numerics
        duration_in_minutes,
        coalesce(
            duration_in_minutes * 60,
            {{ dbt.datediff('start_date_time', 'end_date_time', 'second') }}
        ) as duration_seconds,

        -- booleans
        coalesce(is_deleted, false) as is_deleted,

        -- dates
        coalesce(
            activity_date,
            {{ to_company_date('start_date_time') }}
        ) as activity_date,

        -- timestamps
        start_date_time as started_at,
        end_date_time as ended_at,
        created_date as created_at,
        system_modstamp as updated_at,

        -- lineage
        {{ lineage_columns(record=true) }}

    from source

)

select * from renamed
