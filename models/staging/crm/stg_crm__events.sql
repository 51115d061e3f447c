{#- One row per live CRM event (meetings, demos, internal): the latest version by
    system_modstamp, soft-deleted dropped. duration_seconds is duration_in_minutes x 60, or the
    span from start to end when the minutes are missing, on the same scale as
    stg_crm__tasks.duration_seconds. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'event') }}

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
        _loaded_at as loaded_at

    from source
    where
        version_rank = 1
        and not coalesce(is_deleted, false)

),

final as (

    select * from renamed

)

select * from final
