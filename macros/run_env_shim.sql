{#- TEMPORARY (branch h13-run, until h13-incr's macros land): a run setting, the dbt var `name`
    when a developer passes it, else the environment variable `env_name` read at run time only
    (never at parse time, so it is no parse input and partial parsing stays valid); none when
    neither is set. -#}
{% macro run_setting(name, env_name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none and execute -%}
        {%- set value = env_var(env_name, '') | trim -%}
    {%- endif -%}
    {{ return(value if value else none) }}
{%- endmacro %}
