{#- Per-period comparison of a metric (the rep weekly and monthly marts): the value of the
    previous period and of the same period a year earlier, NULL when that period is before the
    first data period (never 0), the change and ratio against both, and the rank among the
    period's peers. Column names: <metric>_last_<period>, <metric>_last_year,
    <metric>_change_vs_last_<period|year>, <metric>_ratio_vs_last_<period|year>, <metric>_rank. -#}

{#- The previous and year-earlier values of a metric, read from the self-joins aliased
    last_<period> and last_year; `current` carries has_last_<period> and has_last_year. -#}
{% macro prior_period_values(current, metric, period, fill_zero=true) -%}
    {%- for prior in ['last_' ~ period, 'last_year'] %}
        {%- set value = prior ~ '.' ~ metric %}
        case
            when {{ current }}.has_{{ prior }} then {{ 'coalesce(' ~ value ~ ', 0)' if fill_zero else value }}
        end as {{ metric }}_{{ prior }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Rank (1 = highest) of a metric among the period's peers (is_peer); NULL for a non-peer and,
    with skip_nulls, for a NULL metric (ranked apart from the non-NULL ones). -#}
{% macro peer_rank(metric, period_column, skip_nulls=false) -%}
    case
        when is_peer{{ ' and ' ~ metric ~ ' is not null' if skip_nulls }}
            then rank() over (
                    partition by {{ period_column }}, is_peer{{ ', ' ~ metric ~ ' is null' if skip_nulls }}
                    order by {{ metric }} desc
                )
    end as {{ metric }}_rank
{%- endmacro %}

{#- The mart columns of the comparison, in contract order: last period, change, ratio, last year,
    change, ratio, rank; values and changes cast to data_type, ratios to double. -#}
{% macro period_comparison_columns(metric, period, data_type) -%}
    {%- for prior in ['last_' ~ period, 'last_year'] %}
        cast({{ metric }}_{{ prior }} as {{ data_type }}) as {{ metric }}_{{ prior }},
        cast({{ metric }} - {{ metric }}_{{ prior }} as {{ data_type }}) as {{ metric }}_change_vs_{{ prior }},
        cast({{ safe_divide(metric, metric ~ '_' ~ prior) }} as double) as {{ metric }}_ratio_vs_{{ prior }},
    {%- endfor %}
        cast({{ metric }}_rank as bigint) as {{ metric }}_rank
{%- endmacro %}

{#- The metrics a rep is compared and ranked on in both rep marts, with whether each is a rate
    (no row means no rate, not 0; a NULL rate is not ranked). -#}
{% macro rep_comparison_metrics() -%}
    {{ return({
        'bookings_amount': false,
        'pipeline_created_amount': false,
        'sales_activities': false,
        'win_rate': true
    }) }}
{%- endmacro %}

{#- The select of a rep mart's comparison step: every row of `current` (which carries rep_id,
    is_peer, has_last_<period>, has_last_year, last_<period>_start_date and last_year_start_date)
    with each rep_comparison_metrics metric of the previous period and the same period a year
    earlier (self-joins on `periods`), and peer_reps, the number of peers in the period. -#}
{% macro rep_period_comparison(current, periods, period, period_start_column) -%}
    select
        {{ current }}.*,
        {%- for metric, is_rate in rep_comparison_metrics().items() %}
        {{ prior_period_values(current, metric, period, fill_zero=not is_rate) }},
        {%- endfor %}
        case
            when {{ current }}.is_peer
                then count(*) over (partition by {{ current }}.{{ period_start_column }}, {{ current }}.is_peer)
        end as peer_reps
    from {{ current }}
    left join {{ periods }} as last_{{ period }}
        on
            {{ current }}.rep_id = last_{{ period }}.rep_id
            and {{ current }}.last_{{ period }}_start_date = last_{{ period }}.{{ period_start_column }}
    left join {{ periods }} as last_year
        on
            {{ current }}.rep_id = last_year.rep_id
            and {{ current }}.last_year_start_date = last_year.{{ period_start_column }}
{%- endmacro %}

{#- The rank columns of every rep_comparison_metrics metric among the period's peers. -#}
{% macro rep_peer_ranks(period_start_column) -%}
    {%- for metric, is_rate in rep_comparison_metrics().items() %}
        {{ peer_rank(metric, period_start_column, skip_nulls=is_rate) }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
