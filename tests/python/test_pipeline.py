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
