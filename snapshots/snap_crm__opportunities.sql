{#- Type-2 history of CRM opportunities as the warehouse saw them at each run: a new version when
    the stage, amount, close date, owner, forecast category or probability changes, and a
    deletion record (dbt_is_deleted = true) when an opportunity leaves stg_crm__opportunities
    (soft-deleted in the CRM). The check strategy is used because the CRM's system_modstamp also
    moves on edits that do not matter to the pipeline. -#}
{% snapshot snap_crm__opportunities %}

    {{
        config(
            schema='snapshots',
            unique_key='opportunity_id',
            strategy='check',
            check_cols=['stage_name', 'amount', 'currency_code', 'close_date', 'owner_id',
                'forecast_category', 'probability_pct'],
            hard_deletes='new_record',
        )
    }}

    select
        opportunity_id,
        account_id,
        owner_id,
        opportunity_type,
        stage_name,
        forecast_category,
        currency_code,
        amount,
        probability_pct,
        is_closed,
        is_won,
        created_date,
        close_date,
        updated_at
    from {{ ref('stg_crm__opportunities') }}

{% endsnapshot %}
