"""What a team's landing holds drives "today", the calendar and the published coverage: the
coverage model must read every landing table, and the README's "Bring your own data" table must
say what each mart's YAML declares it needs (meta `requires`)."""

from __future__ import annotations

import json
import re

import pytest

from helpers import PROJECT_DIR

MANIFEST = PROJECT_DIR / "target" / "manifest.json"
# sources that are not landing tables of a system: the ingestion log, read by the dq marts
NOT_LANDING = {"meta"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    if not MANIFEST.exists():
        pytest.fail(f"{MANIFEST} missing: run `make manifest` (dbt parse) first")
    return json.loads(MANIFEST.read_text())


def _model(manifest: dict, name: str) -> dict:
    return next(
        n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] == name
    )


def test_coverage_reads_every_landing_table(manifest: dict) -> None:
    landing = {
        f"{s['source_name']}.{s['name']}"
        for s in manifest["sources"].values()
        if s["source_name"] not in NOT_LANDING
    }
    read = {  # source.<project>.<source>.<table>
        ".".join(dep.split(".")[-2:])
        for dep in _model(manifest, "int_source_coverage")["depends_on"]["nodes"]
        if dep.startswith("source.")
    }
    assert read == landing


def _readme_requirements() -> dict[str, set[str]]:
    """mart -> what the README's table lists for it: requirements separated by commas, each
    `a` or `a` or `b`; '-' for none."""
    text = (PROJECT_DIR / "README.md").read_text()
    section = text.split("## Bring your own data", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\|\s*`(\w+)`\s*\|(.*)\|\s*", line)
        if match:
            cell = match[2].strip()
            pieces = [] if cell == "-" else cell.split(",")
            rows[match[1]] = {" or ".join(re.findall(r"`([^`]+)`", p)) for p in pieces}
    return rows


def test_readme_lists_what_each_mart_requires(manifest: dict) -> None:
    declared: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["fqn"][1] == "marts":
            requires = node["config"].get("meta", {}).get("requires")
            assert requires is not None, f"{node['name']}: no meta.requires in its YAML"
            declared[node["name"]] = {
                " or ".join(t.strip() for t in r.split("|")) for r in requires
            }
    assert _readme_requirements() == declared


def test_requirements_name_landing_tables(manifest: dict) -> None:
    landing = {f"{s['source_name']}.{s['name']}" for s in manifest["sources"].values()}
    for node in manifest["nodes"].values():
        for requirement in node["config"].get("meta", {}).get("requires", []):
            for table in requirement.split("|"):
                assert table.strip() in landing, f"{node['name']}: unknown table {table}"


def test_every_landing_table_declares_its_freshness_sla(manifest: dict) -> None:
    """dq_source_freshness and `dbt source freshness` judge each landing table by the warn and
    error thresholds of the sources YAML: none may be missing, and warn comes before error."""
    for source in manifest["sources"].values():
        if source["source_name"] in NOT_LANDING:
            continue
        name = f"{source['source_name']}.{source['name']}"
        freshness = source.get("freshness") or {}
        warn, error = freshness.get("warn_after") or {}, freshness.get("error_after") or {}
        assert warn.get("count") and error.get("count"), f"{name}: no freshness thresholds"
        assert warn.get("period") == error.get("period") == "day", name
        assert warn["count"] < error["count"], name
