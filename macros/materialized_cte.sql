{#- The keyword that makes a CTE an optimisation barrier, written after `name as`:
        span_months as {{ materialized_cte() }} ( ... )
    DuckDB computes a MATERIALIZED CTE once and never moves a join of the outer query inside
    it: int_pipeline_daily_state needs that, or DuckDB joins its day expansion first and builds
    a hash table on tens of millions of rows (out of memory at scale 10). Other engines plan
    CTEs their own way: the keyword is empty there. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'revops')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro duckdb__materialized_cte() -%}
    materialized
{%- endmacro %}
