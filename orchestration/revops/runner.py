"""`make run`: the whole daily pipeline once, on the bundled demo data when landing is empty."""

from __future__ import annotations

import contextlib
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from revops.config import PROJECT_DIR, landing_dir, warehouse_path

DEFAULT_RUN_SCALE = 0.2
SCHEMAS = (
    "raw_crm",
    "raw_marketing",
    "raw_billing",
    "raw_plan",
    "staging",
    "intermediate",
    "marts",
)


def landing_is_empty(landing: Path) -> bool:
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*"))


def ensure_demo_data(landing: Path, scale: float, seed: int) -> None:
    if not landing_is_empty(landing):
        print(f"[1/3] landing: using the files already in {landing}", flush=True)
        return
    from revops.generate import generate

    print(f"[1/3] landing is empty: generating demo data (scale {scale}, seed {seed})", flush=True)
    started = time.monotonic()
    counts = generate(landing, scale=scale, seed=seed)
    total = sum(counts.values())
    print(f"      {total:,} rows in {len(counts)} tables, {time.monotonic() - started:.1f}s")


def job_run_config(as_of_date: str | None) -> dict[str, Any]:
    dbt_config: dict[str, Any] = {"as_of_date": as_of_date} if as_of_date else {}
    return {
        "loggers": {"progress": {}},
        "ops": {"revops_dbt": {"config": dbt_config}},
    }


def run_daily_job(as_of_date: str | None = None, quiet: bool = True) -> bool:
    """Execute revops_daily in-process against the persistent Dagster instance."""
    import dagster as dg

    from revops.definitions import defs

    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists():
        instance_yaml.write_text("telemetry:\n  enabled: false\n")
    job = defs.resolve_job_def("revops_daily")
    run_config = job_run_config(as_of_date) if quiet else {}
    log_path = warehouse_path().parent / "logs" / "revops_daily.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with (
        dg.DagsterInstance.get() as instance,
        log_path.open("w") as log,
        contextlib.redirect_stdout(log),
    ):
        result = job.execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False
        )
    print(f"      step output (dbt's log): {log_path}")
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            message = error.message if error else "unknown error"
            print(f"      {event.step_key} failed: {message.strip()[:2000]}")
    return result.success


def schema_row_counts(db_path: Path) -> dict[str, tuple[int, int]]:
    """(tables, rows) per schema of interest, read-only."""
    import duckdb

    counts: dict[str, tuple[int, int]] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' or table_schema = 'staging'"
        ).fetchall()
        for schema in SCHEMAS:
            names = [t for s, t in tables if s == schema and not t.startswith("_")]
            rows = sum(
                con.execute(f'select count(*) from {schema}."{name}"').fetchone()[0]
                for name in names
            )
            counts[schema] = (len(names), rows)
    return counts


def run(scale: float | None = None, seed: int = 42, as_of_date: date | None = None) -> int:
    started = time.monotonic()
    landing, db_path = landing_dir(), warehouse_path()
    ensure_demo_data(landing, scale or DEFAULT_RUN_SCALE, seed)
    print(
        "[2/3] running the daily job revops_daily (ingest -> dbt build -> checks -> publish)",
        flush=True,
    )
    ok = run_daily_job(as_of_date.isoformat() if as_of_date else None)
    if not ok:
        print("The daily job FAILED: open the run in the UI (make dev) for the failing step.")
        return 1
    print("[3/3] warehouse contents", flush=True)
    for schema, (tables, rows) in schema_row_counts(db_path).items():
        print(f"      {schema:<14} {tables:>3} relations {rows:>12,} rows")
    print(f"\nDone in {time.monotonic() - started:.0f}s.")
    from revops.checks.gx_run import gx_docs_dir
    from revops.publish import published_dir

    print(f"Warehouse:  {db_path}   (working file: ingestion and dbt write here)")
    print(f"Published:  {published_dir() / 'revops.duckdb'}   (BI reads this; Parquet beside it)")
    print(f"Data Docs:  {gx_docs_dir()}   (Great Expectations results of every run)")
    print(f"Landing:    {landing}")
    print("Dagster UI: make dev   (then open http://127.0.0.1:3000)")
    return 0
