"""Who owns each asset, and its tags, in the Dagster UI: one scheme for every asset.

Owners by layer: the data platform team owns what lands and shapes the data (the raw tables,
staging, intermediate, the seeds, the data-quality marts `dq_*` and the publication); RevOps
analytics owns the business marts and what is read from them (e.g. the weekly page). Tags:
`layer` (raw, staging, intermediate, marts, seeds, publish, ...) and `domain` (the source system
for raw and staging, the subject folder for intermediate and marts: sales, revenue, ...).

The dbt models carry the same owners as dbt `meta.owner` (dbt_project.yml folder configs, so
dbt docs says the same); the translator (revops.assets.dbt) reads them there and falls back to
owner_of. An asset outside dbt (ingestion, publication, a page built from the marts) calls
owners() and tags() directly.
"""

from __future__ import annotations

PLATFORM = "data-platform"
ANALYTICS = "revops-analytics"
# layers whose assets the platform team owns; the rest (marts, pages) belong to analytics
PLATFORM_LAYERS = {"raw", "staging", "intermediate", "seeds", "publish"}
# mart domains that are about the data rather than the business
PLATFORM_DOMAINS = {"dq"}


def owner_of(layer: str, domain: str) -> str:
    """The owning team's name (as in dbt meta.owner) of an asset of this layer and domain."""
    if layer in PLATFORM_LAYERS or domain in PLATFORM_DOMAINS:
        return PLATFORM
    return ANALYTICS


def team(name: str) -> str:
    """A team name as a Dagster owner ("team:<name>"; an email stays as it is)."""
    return name if "@" in name or name.startswith("team:") else f"team:{name}"


def owners(layer: str, domain: str) -> list[str]:
    """Dagster owners of an asset of this layer and domain."""
    return [team(owner_of(layer, domain))]


def tags(layer: str, domain: str) -> dict[str, str]:
    """Dagster tags of an asset of this layer and domain (filterable in the UI's catalog)."""
    return {"layer": layer, "domain": domain}
