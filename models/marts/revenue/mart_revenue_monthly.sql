{#- One row per month x segment (the account size band, plus segment = 'All' for the total):
    the MRR bridge summed from fct_mrr_movements, customer counts and the revenue ratios of
    METRICS.md. Every month from the first billing month to the as_of month is published for
    every segment, with zeros where nothing moved; ratios are NULL on a zero denominator. -#}
with

month_spine as (

    select * from {{ ref('int_revenue_month_spine') }}

),

dim_date as (

    select * from {{ ref('dim_date') }}

),

movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

customer_months as (

    select * from {{ ref('int_customer_mrr_monthly') }}

),

movements_with_total as (

    -- every customer-month twice: in its segment and in the company total 'All'
    {%- for segment_column in ['segment', "'All' as segment"] %}
        select
            {{ segment_column }},
            month_start_date,
            customer_id,
            movement_category,
            starting_mrr,
            new_mrr,
            reactivation_mrr,
            expansion_mrr,
            contraction_mrr,
            churn_mrr,
            ending_mrr
        from movements
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

customer_months_with_total as (

    {%- for segment_column in ['segment', "'All' as segment"] %}
        select
            {{ segment_column }},
            month_start_date,
            customer_id,
            mrr
        from customer_months
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

segments as (

    select distinct segment from customer_months_with_total

),

monthly_movements as (

    select
        month_start_date,
        segment,
        sum(starting_mrr) as starting_mrr,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(ending_mrr) as ending_mrr,
        count(case when starting_mrr > 0 then 1 end) as starting_customers,
        count(case when ending_mrr > 0 then 1 end) as active_customers,
        count(case when movement_category = 'new' then 1 end) as new_customers,
        count(case when movement_category = 'reactivation' then 1 end) as reactivated_customers,
        count(case when movement_category = 'expansion' then 1 end) as expansion_customers,
        count(case when movement_category = 'contraction' then 1 end) as contraction_customers,
        count(case when movement_category = 'churn' then 1 end) as churned_customers
    from movements_with_total
    group by month_start_date, segment

),

annual_retention as (

    -- customers active 12 months before: their MRR then and now (explicit zero months keep
    -- churned customers in the numerator at 0); for GRR each customer's current MRR counts at
    -- most its MRR of 12 months before (expansion is left out; an unknown MRR stays unknown)
    select
        current_month.month_start_date,
        current_month.segment,
        sum(year_ago.mrr) as year_ago_mrr,
        sum(current_month.mrr) as retained_mrr,
        sum(
            case
                when current_month.mrr is null then null
                when current_month.mrr < year_ago.mrr then current_month.mrr
                else year_ago.mrr
            end
        ) as retained_mrr_without_expansion
    from customer_months_with_total as current_month
    inner join customer_months_with_total as year_ago
        on
            current_month.customer_id = year_ago.customer_id
            and current_month.segment = year_ago.segment
            and year_ago.month_start_date
            = cast({{ dbt.dateadd('month', -12, 'current_month.month_start_date') }} as date)
    where year_ago.mrr > 0
    group by current_month.month_start_date, current_month.segment

),

grid as (

    select
        month_spine.month_start_date,
        month_spine.month_end_date,
        month_spine.is_as_of_month,
        segments.segment
    from month_spine
    cross join segments

),

joined as (

    select
        grid.month_start_date,
        grid.month_end_date,
        grid.is_as_of_month,
        grid.segment,
        coalesce(monthly_movements.starting_mrr, 0) as starting_mrr,
        coalesce(monthly_movements.new_mrr, 0) as new_mrr,
        coalesce(monthly_movements.reactivation_mrr, 0) as reactivation_mrr,
        coalesce(monthly_movements.expansion_mrr, 0) as expansion_mrr,
        coalesce(monthly_movements.contraction_mrr, 0) as contraction_mrr,
        coalesce(monthly_movements.churn_mrr, 0) as churn_mrr,
        coalesce(monthly_movements.ending_mrr, 0) as ending_mrr,
        coalesce(monthly_movements.starting_customers, 0) as starting_customers,
        coalesce(monthly_movements.active_customers, 0) as active_customers,
        coalesce(monthly_movements.new_customers, 0) as new_customers,
        coalesce(monthly_movements.reactivated_customers, 0) as reactivated_customers,
        coalesce(monthly_movements.expansion_customers, 0) as expansion_customers,
        coalesce(monthly_movements.contraction_customers, 0) as contraction_customers,
        coalesce(monthly_movements.churned_customers, 0) as churned_customers,
        annual_retention.year_ago_mrr,
        annual_retention.retained_mrr,
        annual_retention.retained_mrr_without_expansion
    from grid
    left join monthly_movements
        on
            grid.month_start_date = monthly_movements.month_start_date
            and grid.segment = monthly_movements.segment
    left join annual_retention
        on
            grid.month_start_date = annual_retention.month_start_date
            and grid.segment = annual_retention.segment

),

final as (

    select
        -- keys
        joined.month_start_date,
        joined.segment,

        -- fiscal calendar
        dim_date.fiscal_year,
        dim_date.fiscal_quarter,
        dim_date.fiscal_month,

        -- MRR bridge
        cast(joined.starting_mrr as decimal(38, 6)) as starting_mrr,
        cast(joined.new_mrr as decimal(38, 6)) as new_mrr,
        cast(joined.reactivation_mrr as decimal(38, 6)) as reactivation_mrr,
        cast(joined.expansion_mrr as decimal(38, 6)) as expansion_mrr,
        cast(joined.contraction_mrr as decimal(38, 6)) as contraction_mrr,
        cast(joined.churn_mrr as decimal(38, 6)) as churn_mrr,
        cast(joined.ending_mrr as decimal(38, 6)) as mrr,
        cast(12 * joined.ending_mrr as decimal(38, 6)) as arr,

        -- customer counts
        cast(joined.starting_customers as integer) as starting_customers,
        cast(joined.active_customers as integer) as active_customers,
        cast(joined.new_customers as integer) as new_customers,
        cast(joined.reactivated_customers as integer) as reactivated_customers,
        cast(joined.expansion_customers as integer) as expansion_customers,
        cast(joined.contraction_customers as integer) as contraction_customers,
        cast(joined.churned_customers as integer) as churned_customers,

        -- ratios (fractions; NULL on a zero denominator)
        {{ safe_divide('joined.churned_customers', 'joined.starting_customers') }} as logo_churn_rate,
        {{ safe_divide('joined.churn_mrr + joined.contraction_mrr', 'joined.starting_mrr') }}
            as gross_mrr_churn_rate,
        {{ safe_divide(
            'joined.starting_mrr - joined.contraction_mrr - joined.churn_mrr', 'joined.starting_mrr'
        ) }} as grr,
        {{ safe_divide(
            'joined.starting_mrr + joined.expansion_mrr - joined.contraction_mrr - joined.churn_mrr',
            'joined.starting_mrr'
        ) }} as nrr,
        {{ safe_divide('joined.retained_mrr', 'joined.year_ago_mrr') }} as nrr_annual,
        {{ safe_divide('joined.retained_mrr_without_expansion', 'joined.year_ago_mrr') }} as grr_annual,
        cast({{ safe_divide('joined.ending_mrr', 'joined.active_customers') }} as decimal(38, 6)) as arpa,

        -- booleans
        joined.is_as_of_month,

        -- dates
        joined.month_end_date

    from joined
    left join dim_date
        on joined.month_start_date = dim_date.date_day

)

select * from final
