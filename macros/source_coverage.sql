{#- What the landing holds, per source table: the one place that names each table's business
    date. int_source_coverage reads every source through it, so "today" (int_as_of_date), the
    calendar's span (int_calendar_bounds) and the published coverage (dq_source_coverage) all
    come from the same measurements, whichever systems a team lands.

    Each entry: source and table; `date`: the column holding the record's business date (a
    creation or event date) and `kind` its type (date, timestamp in UTC, or epoch: unix seconds,
    Stripe's); `role`: activity (the
    date is an event of the business: it may set "today" and opens the calendar), plan (months
    of the plan: they open and extend the calendar, never set "today") or reference (inputs such
    as FX rates: neither). A test (test_source_coverage.py) keeps this list equal to the landing
    tables of the dbt sources. -#}
{% macro coverage_source_tables() -%}
    {{ return([
        {'source': 'crm', 'table': 'user', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'account', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'contact', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'lead', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'opportunity', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'opportunity_history', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'task', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'event', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'campaign', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'campaign_member', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'crm', 'table': 'product_2', 'date': 'created_date', 'kind': 'timestamp', 'role': 'reference'},
        {'source': 'crm', 'table': 'pricebook_entry', 'date': 'created_date', 'kind': 'timestamp', 'role': 'reference'},
        {'source': 'crm', 'table': 'opportunity_line_item', 'date': 'created_date', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'marketing', 'table': 'google_ads_campaign_stats', 'date': 'date', 'kind': 'date', 'role': 'activity'},
        {'source': 'marketing', 'table': 'meta_ads_insights', 'date': 'date_start', 'kind': 'date', 'role': 'activity'},
        {'source': 'marketing', 'table': 'linkedin_ads_analytics', 'date': 'day', 'kind': 'date', 'role': 'activity'},
        {'source': 'marketing', 'table': 'web_sessions', 'date': 'started_at', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'marketing', 'table': 'form_submissions', 'date': 'submitted_at', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'marketing', 'table': 'nps_responses', 'date': 'responded_at', 'kind': 'timestamp', 'role': 'activity'},
        {'source': 'billing', 'table': 'customers', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'products', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'prices', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'coupons', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'discounts', 'date': 'start', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'subscriptions', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'subscription_items', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'invoices', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'invoice_line_items', 'date': 'period_start', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'charges', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'billing', 'table': 'refunds', 'date': 'created', 'kind': 'epoch', 'role': 'activity'},
        {'source': 'plan', 'table': 'quotas', 'date': 'month', 'kind': 'date', 'role': 'plan'},
        {'source': 'plan', 'table': 'revenue_plan', 'date': 'month', 'kind': 'date', 'role': 'plan'},
        {'source': 'plan', 'table': 'team_costs', 'date': 'month', 'kind': 'date', 'role': 'plan'},
        {'source': 'plan', 'table': 'comp_plans', 'date': 'month', 'kind': 'date', 'role': 'plan'},
        {'source': 'plan', 'table': 'comp_plan_tiers', 'date': '_landed_date', 'kind': 'date', 'role': 'reference'},
        {'source': 'plan', 'table': 'marketing_budget', 'date': 'month', 'kind': 'date', 'role': 'plan'},
        {'source': 'reference', 'table': 'fx_rates', 'date': 'rate_month', 'kind': 'date', 'role': 'reference'},
    ]) }}
{%- endmacro %}

{#- One row per source table of coverage_source_tables(): system, source_table, table_role,
    row_count,
    first_date / last_date (the business date's range over every landed row), latest_event_date
    (the latest business date no later than the day its row was loaded, for activity tables
    only: a record dated after its own load is a defect and never moves "today"), and
    last_landed_date (the latest landing day: the date of a dated file, else the day of the run
    that loaded it; unlike the load time it is the same for a daily and a full build) and
    last_landed_rows (the rows landed on that day: the last load). -#}
{% macro source_coverage_sql() -%}
    {%- for entry in coverage_source_tables() %}
        {%- if entry.role not in ('activity', 'plan', 'reference') -%}
            {{ exceptions.raise_compiler_error('coverage_source_tables: unknown role ' ~ entry.role) }}
        {%- endif -%}
        {%- set relation = source(entry.source, entry.table) -%}
        {%- set column = adapter.quote(entry.date) -%}
        {%- if entry.kind == 'epoch' -%}
            {%- set business_date = to_company_date(epoch_to_timestamp(column)) -%}
        {%- elif entry.kind == 'timestamp' -%}
            {%- set business_date = to_company_date(column) -%}
        {%- else -%}
            {%- set business_date = 'cast(' ~ column ~ ' as date)' -%}
        {%- endif %}
    select
        '{{ entry.source }}' as system,
        '{{ entry.table }}' as source_table,
        '{{ entry.role }}' as table_role,
        count(*) as row_count,
        min({{ business_date }}) as first_date,
        max({{ business_date }}) as last_date,
        {% if entry.role == 'activity' -%}
        max(case when {{ business_date }} <= {{ to_company_date('_loaded_at') }} then {{ business_date }} end)
        {%- else -%}
        cast(null as date)
        {%- endif %} as latest_event_date,
        cast(max(_landed_date) as date) as last_landed_date,
        sum(case when _landed_date = (select max(_landed_date) from {{ relation }}) then 1 else 0 end)
            as last_landed_rows
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- (system, source_table, mart) for every mart downstream of a source table, read from dbt's
    graph at run time (at parse time: none). A mart is a model of the marts layer. The models
    that measure the whole landing (int_source_coverage, int_source_landings and what reads only
    them: "today" and the
    calendar's span) are not followed: every mart reads them, so through them every table would
    seem to feed every mart. Nor is int_channel_values, which reads the channel values of every
    marketing and CRM table: a mart that maps its own values needs no other table's. -#}
{% macro source_mart_pairs() -%}
    {%- set not_followed = [
        'int_source_coverage', 'int_source_landings', 'int_as_of_date', 'int_calendar_bounds',
        'int_channel_values'
    ] -%}
    {%- set pairs = [] -%}
    {%- if execute -%}
        {%- for mart in graph.nodes.values() if mart.resource_type == 'model' and mart.fqn[1] == 'marts' -%}
            {%- set queue = [mart.unique_id] -%}
            {%- for i in range(5000) if i < queue | length -%}
                {%- set node = graph.nodes.get(queue[i]) -%}
                {%- set followed = node and node.name not in not_followed -%}
                {%- for parent in (node.depends_on.nodes if followed else []) if parent not in queue -%}
                    {%- do queue.append(parent) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- for id in queue if id in graph.sources -%}
                {%- set src = graph.sources[id] -%}
                {%- do pairs.append((src.source_name, src.name, mart.name)) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(pairs | sort) }}
{%- endmacro %}

{#- source_mart_pairs() as rows (system, source_table, mart_name); no row at parse time. -#}
{% macro source_mart_pairs_sql() -%}
    {%- set pairs = source_mart_pairs() -%}
    {%- for system, source_table, mart in pairs %}
    select '{{ system }}' as system, '{{ source_table }}' as source_table, '{{ mart }}' as mart_name
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as mart_name
    where 1 = 0
    {%- endfor %}
{%- endmacro %}

{#- One row per source table of coverage_source_tables() and landing day: system, source_table,
    landed_date and landed_rows (the rows that day's load brought; a row loaded before raw tables
    recorded _landed_date counts on the day it was loaded). What landed by a given day is read
    from it, so a rerun of a past day measures that day's landing, not a later one. -#}
{% macro source_landings_sql() -%}
    {%- for entry in coverage_source_tables() %}
    select
        '{{ entry.source }}' as system,
        '{{ entry.table }}' as source_table,
        coalesce(cast(_landed_date as date), {{ to_company_date('_loaded_at') }}) as landed_date,
        count(*) as landed_rows
    from {{ source(entry.source, entry.table) }}
    group by coalesce(cast(_landed_date as date), {{ to_company_date('_loaded_at') }})
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
