"""The daily pipeline's stages as plain functions: ingest -> build -> check -> publish.

The Dagster assets (revops.assets), hence the `revops` runner that runs their job, and the
benchmark call these, so a stage has one home: each opens the working warehouse itself, under
the writer lock (revops.warehouse), and reads its paths from revops.config.

  ingest       load the landing files of a window into the raw tables (revops.ingest)
  plan_build   what dbt must build now (revops.build_state): nothing, a selection, or all
  record_build the state of a successful build, read by the next plan and by publish
  check_raw    measure the raw tables' GX suites in DuckDB and validate them (revops.checks)
  publish      copy the marts to the published file and Parquet (revops.publish)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revops import build_state, config, warehouse
from revops.publish import publish
from revops.window import Window

if TYPE_CHECKING:
    from revops.checks.gx_run import SuiteOutcome
    from revops.checks.rules import Suite
    from revops.ingest.report import LoadReport

__all__ = ["Ingested", "check_raw", "ingest", "plan_build", "publish", "record_build"]


@dataclass
class Ingested:
    report: LoadReport
    totals: dict[str, int]  # qualified raw table -> rows in it after the load


def ingest(
    window: Window | None,
    systems: Sequence[str] | None = None,
    tables: set[tuple[str, str]] | None = None,
) -> Ingested:
    """Load the landing files of the window (and undated ones not loaded yet) of these systems
    and tables (None: all) into the working warehouse; the row count of each table after."""
    from revops.ingest import load_landing

    db_path = config.warehouse_path()
    with warehouse.writer_lock(db_path):
        con = warehouse.connect(db_path)
        try:
            report = load_landing(
                con,
                config.landing_dir(),
                systems=list(systems) if systems is not None else None,
                tables=tables,
                window=window,
            )
            names = sorted(tables) if tables is not None else []
            totals = {
                f"raw_{s}.{t}": con.execute(f"select count(*) from raw_{s}.{t}").fetchone()[0]
                for s, t in names
            }
        finally:
            con.close()
    return Ingested(report, totals)


def plan_build(
    manifest: Mapping[str, Any], as_of_date: str, full_refresh: bool = False
) -> tuple[build_state.BuildPlan, build_state.BuildState]:
    """What this run's dbt build covers (revops.build_state) and the state to record once it
    succeeded. The caller holds the writer lock until the build is recorded."""
    db_path = config.warehouse_path()
    if not db_path.exists():
        return build_state.plan_for(None, manifest, as_of_date, full_refresh)
    with warehouse.connect(db_path, read_only=True) as con:
        return build_state.plan_for(con, manifest, as_of_date, full_refresh)


def record_build(
    manifest: Mapping[str, Any],
    state: build_state.BuildState | None,
    started: datetime,
    window: Window | None,
    plan: build_state.BuildPlan | None,
    target: Path,
) -> set[str]:
    """Record a build (the marts it rebuilt, from run_results.json in `target`) and return
    those marts. The caller holds the writer lock.

    A build that does not stand for its run's plan (state None: a run of a subset of the
    assets, or a build that failed half-way) is recorded with the state of the last build
    that did, so the next plan still sees everything new, and publication still sees the
    marts it changed."""
    results = target / "run_results.json"
    marts = (
        build_state.rebuilt_marts(json.loads(results.read_text()), manifest)
        if results.exists()
        else set()
    )
    db_path = config.warehouse_path()
    if db_path.exists() and (state is not None or marts):
        with warehouse.connect(db_path) as con:
            if state is None:
                state = build_state.last_build(con) or build_state.BuildState(None, "", "")
            build_state.record_build(con, state, started, window, plan, marts)
    return marts


def check_raw(
    window: Window | None,
    suites: Iterable[Suite] | None = None,
    docs_dir: Path | None = None,
    run_name: str = "revops",
    db_path: Path | None = None,
) -> list[SuiteOutcome]:
    """Measure the suites (default: every raw table's) inside DuckDB, read-only, scoped to
    the rows landed in the window, and validate them with Great Expectations."""
    from revops.checks.gx_run import validate
    from revops.checks.metrics import measure
    from revops.checks.suites import raw_suites

    suites = list(suites) if suites is not None else raw_suites()
    with warehouse.reader(db_path or config.warehouse_path()) as con:
        measurements = [measure(con, s, window) for s in suites]
    return validate(measurements, docs_dir=docs_dir or config.gx_docs_dir(), run_name=run_name)
