"""End to end: a small generated business through the real revops_daily job, in-process.

Real ingestion into a real DuckDB file, a real `dbt build` (models, seeds, unit and data tests)
through dagster-dbt, all in a temporary folder.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from revops.contract import demo_tables

from helpers import EMPTY_WHEN_ALL_IS_WELL

pytestmark = pytest.mark.slow


def test_daily_job_succeeds(demo_run) -> None:
    _, result = demo_run
    failures = [
        e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    assert result.success, f"failed steps: {failures}"


def test_every_layer_has_data(demo_run, pipeline_env) -> None:
    with duckdb.connect(str(pipeline_env.warehouse), read_only=True) as con:
        for schema in (
            "raw_crm",
            "raw_marketing",
            "raw_billing",
            "raw_plan",
            "staging",
            "intermediate",
            "marts",
        ):
            tables = [
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = ?",
                    [schema],
                ).fetchall()
            ]
            assert tables, f"schema {schema} is empty"
            empty = [
                t
                for t in tables
                if con.execute(f'select count(*) from {schema}."{t}"').fetchone()[0] == 0
            ]
            # every relation of a layer holds rows on a coherent demo business, except those
            # that are empty when all is well
            assert set(empty) <= EMPTY_WHEN_ALL_IS_WELL, f"{schema}: empty relations {empty}"


def test_no_generated_row_is_lost(demo_run, pipeline_env) -> None:
    """Rows written by the generator = rows in raw + rows in quarantine, for every table."""
    counts, _ = demo_run
    with duckdb.connect(str(pipeline_env.warehouse), read_only=True) as con:
        for table in demo_tables():
            written = counts[f"{table.system}.{table.name}"]
            loaded = con.execute(f"select count(*) from {table.qualified_name}").fetchone()[0]
            quarantined = con.execute(
                "select count(distinct (source_file, source_row)) from raw_meta.quarantine "
                'where "table" = ?',
                [table.qualified_name],
            ).fetchone()[0]
            assert loaded + quarantined == written, table.qualified_name


def test_dbt_tests_are_asset_checks_and_pass(demo_run) -> None:
    _, result = demo_run
    evaluations = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    assert len(evaluations) > 50
    failed = [
        ev.check_name
        for ev in evaluations
        if not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR
    ]
    assert not failed


def _not_null_contract_columns() -> tuple[dict, set[tuple[str, str]]]:
    """The dbt manifest, and (model, column) of every enforced-contract column that carries a
    not_null constraint."""
    from revops.assets.dbt import manifest as load_manifest

    manifest = load_manifest()  # the manifest Dagster loads, read once per process
    columns = {
        (node["name"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node["config"].get("contract") or {}).get("enforced")
        for column in node["columns"].values()
        if any(c["type"] == "not_null" for c in column.get("constraints") or [])
    }
    return manifest, columns


def test_a_not_null_rule_of_a_mart_lives_in_its_contract_only() -> None:
    """docs/checks.md: the contract's not_null constraint is the rule; a not_null test on the
    same column could never fail, since the build of the model fails first."""
    manifest, constrained = _not_null_contract_columns()
    assert len(constrained) > 100
    nodes = manifest["nodes"]
    repeated = sorted(
        (nodes[parent]["name"], test["test_metadata"]["kwargs"]["column_name"])
        for test in nodes.values()
        if (test.get("test_metadata") or {}).get("name") == "not_null"
        for parent in test["depends_on"]["nodes"][:1]
        if parent in nodes
        and (nodes[parent]["name"], test["test_metadata"]["kwargs"]["column_name"]) in constrained
    )
    assert not repeated, f"not_null tests that repeat a contract constraint: {repeated}"


def test_the_warehouse_enforces_every_not_null_constraint(demo_run, pipeline_env) -> None:
    """The built tables carry NOT NULL for every constrained column, so the engine refuses a
    NULL there (the reason the marts need no not_null tests)."""
    _, constrained = _not_null_contract_columns()
    with duckdb.connect(str(pipeline_env.warehouse), read_only=True) as con:
        nullable = {
            (table, column): is_nullable
            for table, column, is_nullable in con.execute(
                "select table_name, column_name, is_nullable from duckdb_columns() "
                "where schema_name = 'marts'"
            ).fetchall()
        }
    missing = sorted(c for c in constrained if c not in nullable)
    assert not missing, f"constrained columns not in the warehouse: {missing}"
    assert not sorted(c for c in constrained if nullable[c]), "NOT NULL missing in the DDL"


def test_a_run_with_nothing_new_builds_checks_and_publishes_nothing(demo_run, pipeline_env):
    """The same window again, nothing landed since: `revops run` decides so before Dagster
    starts; a scheduled Dagster run still goes through ingestion and the raw checks, but dbt
    is not invoked (no artifacts for the run), the mart checks and the publication are skipped
    and the published file is the same file as before."""
    from pathlib import Path

    from conftest import E2E_WINDOW

    from revops.config import dbt_run_dir, published_dir
    from revops.definitions import defs
    from revops.partitions import run_tags
    from revops.runner import loaded_paths, nothing_new

    _, first = demo_run
    assert first.success
    landing, db = pipeline_env.landing, pipeline_env.warehouse
    reason = nothing_new(landing, db, loaded_paths(db, landing), E2E_WINDOW, None)
    assert reason is not None and reason.startswith("nothing new")
    published = Path(published_dir()) / "revops.duckdb"
    before = published.stat()

    with dg.DagsterInstance.ephemeral() as instance:
        again = defs.resolve_job_def("revops_daily").execute_in_process(
            instance=instance, raise_on_error=False, tags=run_tags(*E2E_WINDOW)
        )

    assert again.success
    assert not dbt_run_dir(again.run_id).exists()  # dbt never started
    materialized = {e.asset_key.to_user_string() for e in again.get_asset_materialization_events()}
    assert not {k for k in materialized if k.startswith("marts/")}
    assert "published_warehouse" not in materialized
    assert not [e for e in again.get_asset_check_evaluations() if e.asset_key.path[0] == "marts"]
    after = published.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_file_exported_again_under_the_same_path_is_new(demo_run, pipeline_env):
    """The loader keys a file on its path and content, so must the no-op decision: a landing
    file of the window replaced by a corrected export (same name, other bytes) means work."""
    from conftest import E2E_WINDOW

    from revops.ingest.discover import discover
    from revops.runner import loaded_paths, nothing_new

    _, first = demo_run
    assert first.success
    landing, db = pipeline_env.landing, pipeline_env.warehouse
    assert nothing_new(landing, db, loaded_paths(db, landing), E2E_WINDOW, None) is not None
    path = next(
        f.path for f in discover(landing, window=E2E_WINDOW).files if f.path.suffix == ".csv"
    )
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n")  # a re-export: same path, other content
        assert nothing_new(landing, db, loaded_paths(db, landing), E2E_WINDOW, None) is None
    finally:
        path.write_bytes(original)
    assert nothing_new(landing, db, loaded_paths(db, landing), E2E_WINDOW, None) is not None
