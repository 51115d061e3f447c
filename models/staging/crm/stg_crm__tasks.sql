{#- One row per live CRM task (logged calls, emails, to-dos): the latest version by
    system_modstamp, soft-deleted dropped. duration_seconds is the call length, on the same scale
    as stg_crm__events.duration_seconds so activities can be unioned downstream. -#}
with

source as (

    select
        *,
        {{ latest_version_rank(['id'], 'system_modstamp') }} as version_rank
    from {{ source('crm', 'task') }}

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

        -- dates
        coalesce(
            activity_date,
            {{ to_company_date('created_date') }}
        ) as activity_date,

        -- timestamps
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
