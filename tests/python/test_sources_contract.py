"""The dbt sources declare the raw tables of the landing contract, no more and no less: each
contract table is a source table of the same system with exactly the contract's columns plus
the lineage columns ingestion adds, and what the sources say a column is (PII, required) agrees
with the contract. The raw tables' types come from the contract itself (ingestion creates them
with Column.duckdb_type), so the sources declare no data types to drift."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from revops.contract import Table, all_tables

from helpers import PROJECT_DIR

STAGING = PROJECT_DIR / "models" / "staging"
LINEAGE = ["_source_file", "_source_row", "_loaded_at", "_landed_date"]
# sources that are not landing tables of a system: the ingestion log
NOT_LANDING = {"meta"}
REQUIRED_WORDING = "Required by the landing contract"


def _sources() -> dict[str, dict]:
    """source name -> its YAML entry, from every models/staging/*/_*__sources.yml."""
    found: dict[str, dict] = {}
    for path in sorted(STAGING.glob("*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            assert source["name"] not in found, f"{path}: source {source['name']} twice"
            found[source["name"]] = {**source, "_path": path}
    return found


SOURCES = _sources()
TABLES = all_tables()


def _source_table(table: Table) -> dict:
    source = SOURCES.get(table.system)
    assert source is not None, f"no dbt source {table.system!r} for {table.qualified_name}"
    by_name = {t["name"]: t for t in source["tables"]}
    assert table.name in by_name, f"{Path(source['_path']).name}: no table {table.name!r}"
    return by_name[table.name]


def test_every_landing_system_is_a_source_of_its_raw_schema() -> None:
    systems = {t.system for t in TABLES}
    assert set(SOURCES) - NOT_LANDING == systems
    for system in systems:
        assert SOURCES[system]["schema"] == f"raw_{system}"


def test_every_source_table_is_a_contract_table() -> None:
    contract = {(t.system, t.name) for t in TABLES}
    declared = {
        (name, t["name"])
        for name, source in SOURCES.items()
        if name not in NOT_LANDING
        for t in source["tables"]
    }
    assert declared == contract


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.qualified_name)
def test_source_columns_are_the_contract_columns(table: Table) -> None:
    declared = [c["name"] for c in _source_table(table).get("columns", [])]
    assert sorted(declared) == sorted([c.name for c in table.columns] + LINEAGE)
    assert len(declared) == len(set(declared)), f"{table.qualified_name}: a column twice"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.qualified_name)
def test_source_column_pii_and_required_agree_with_the_contract(table: Table) -> None:
    declared = {c["name"]: c for c in _source_table(table).get("columns", [])}
    for column in table.columns:
        entry = declared[column.name]
        where = f"{table.qualified_name}.{column.name}"
        assert bool((entry.get("meta") or {}).get("pii")) == column.pii, f"{where}: pii"
        says_required = REQUIRED_WORDING in (entry.get("description") or "")
        assert not says_required or column.required, f"{where}: says required, is not"


# What the staging macros crm_current_records and billing_current_records (macros/deduplicate.sql)
# assume of every raw table of their system: its key and the column that orders its versions.
STAGING_CONVENTIONS = {"crm": (("id",), "system_modstamp"), "billing": (("id",), "_loaded_at")}


@pytest.mark.parametrize(
    "table",
    [t for t in TABLES if t.system in STAGING_CONVENTIONS],
    ids=lambda t: t.qualified_name,
)
def test_the_staging_convention_of_a_system_is_its_contract_key_and_order(table: Table) -> None:
    """A CRM or billing table whose contract keys or orders its versions otherwise than its
    system's staging macro needs its own latest_versions call, not the system's macro."""
    assert (table.key, table.updated_by) == STAGING_CONVENTIONS[table.system]
