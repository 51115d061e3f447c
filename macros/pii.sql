{#- PII never reaches the marts in clear text. Staging replaces emails with a salted hash (the
    same person hashes the same in every source, so touches, leads, contacts, customers and NPS
    responses still join), keeps the email domain (company identity, not a person), and drops
    names and phone numbers. The salt comes from the environment, never from the repo. -#}

{% macro hash_pii(column) -%}
    case
        when nullif(trim({{ column }}), '') is not null
            then {{ dbt.hash("'" ~ env_var('REVOPS_PII_SALT', 'revops') ~ "' || lower(trim(" ~ column ~ "))") }}
    end
{%- endmacro %}

{#- The domain of an email address, lower-cased: 'Ann@Acme.COM' -> 'acme.com'. -#}
{% macro email_domain(column) -%}
    nullif(lower(trim({{ dbt.split_part(column, "'@'", 2) }})), '')
{%- endmacro %}

{#- A website as a bare domain: 'https://www.Acme.com:443/about?x=1' -> 'acme.com'. -#}
{% macro website_domain(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(lower(trim({{ column }})), '^([a-z]+://)?(www[.])?', ''),
            '[/?#:].*$', ''
        ),
        ''
    )
{%- endmacro %}
