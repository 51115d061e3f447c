{#- One row per CRM user (employees: reps, managers, marketers): the latest version by
    system_modstamp. The CRM does not soft-delete users; inactive ones keep is_active = false.
    user_name is PII kept for employees only; it must not reach the marts. -#}
with

source as (

    {{ crm_current_records('user', soft_deletes=false) }}

),

renamed as (

    select
        -- ids
        id as user_id,
        manager_id,

        -- strings
        name as user_name,
        {{ hash_pii('email') }} as email_hash,
        user_role_name as role_name,
        team_c as team_name,
        region_c as region,

        -- booleans
        is_active,

        -- timestamps
        created_date as created_at,
        system_modstamp as updated_at,
        {{ lineage_columns() }}

    from source

)

select * from renamed
