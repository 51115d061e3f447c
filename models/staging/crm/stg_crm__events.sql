{#- One row per live CRM event (meetings, demos, internal): the latest version by
    system_modstamp of stg_crm__event_versions, soft-deleted dropped (macro latest_versions). -#}
with

latest as (

    {{ latest_versions(ref('stg_crm__event_versions'), ['event_id'], 'updated_at', 'is_deleted') }}

),

final as (

    select
        -- ids
        event_id,
        who_id,
        what_id,
        account_id,
        owner_id,

        -- strings
        subject,
        event_type,

        -- numerics
        duration_in_minutes,
        duration_seconds,

        -- dates
        activity_date,

        -- timestamps
        started_at,
        ended_at,
        created_at,
        updated_at,
        loaded_at,

        -- lineage
        landed_date

    from latest

)

select * from final
