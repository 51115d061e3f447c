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
