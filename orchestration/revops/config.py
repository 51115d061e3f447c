"""Paths and settings: the one module that reads the environment, each value with a working
default. Read at call time, never at import, so a test or a run can set them first.

| env | setting |
| --- | --- |
| REVOPS_WAREHOUSE | the working DuckDB file (default warehouse/revops.duckdb) |
| REVOPS_LANDING | where source exports are dropped (default landing/) |
| REVOPS_PUBLISHED | where the published file and Parquet go (default <warehouse dir>/published) |
| REVOPS_GX_DOCS | Great Expectations Data Docs (default <warehouse dir>/gx_docs) |
| REVOPS_PAGE | the weekly revenue page, a static site (default <warehouse dir>/weekly_page) |
| REVOPS_DBT_TARGET_DIR | the manifest Dagster loads (default target/) |
| DBT_TARGET_PATH | where each run's dbt artifacts go (default target/) |
| REVOPS_BAD_FILE_POLICY | lenient or strict |
| REVOPS_PARTITIONS_START | the first daily partition (default 2024-11-01) |
| REVOPS_DAILY_CRON | the daily schedule, 'M H * * *' UTC (default 0 6 * * *) |
| DAGSTER_HOME | the Dagster instance of `revops run` (default .dagster_home/) |
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser().resolve() if value else default


def warehouse_path() -> Path:
    """The working DuckDB file that ingestion and dbt write (env REVOPS_WAREHOUSE)."""
    return _path("REVOPS_WAREHOUSE", PROJECT_DIR / "warehouse" / "revops.duckdb")


def landing_dir() -> Path:
    """Where source exports are dropped (env REVOPS_LANDING)."""
    return _path("REVOPS_LANDING", PROJECT_DIR / "landing")


def published_dir() -> Path:
    """Where published files go (env REVOPS_PUBLISHED, default <warehouse dir>/published)."""
    return _path("REVOPS_PUBLISHED", warehouse_path().parent / "published")


def gx_docs_dir() -> Path:
    """Root folder of the Data Docs (env REVOPS_GX_DOCS, default <warehouse dir>/gx_docs)."""
    return _path("REVOPS_GX_DOCS", warehouse_path().parent / "gx_docs")


def page_dir() -> Path:
    """Folder of the weekly revenue page, index.html and its script (env REVOPS_PAGE,
    default <warehouse dir>/weekly_page)."""
    return _path("REVOPS_PAGE", warehouse_path().parent / "weekly_page")


def dagster_home() -> Path:
    """The Dagster instance `revops run` uses (env DAGSTER_HOME, default .dagster_home/)."""
    return _path("DAGSTER_HOME", PROJECT_DIR / ".dagster_home")


DEFAULT_PARTITIONS_START = "2024-11-01"  # the first day of the demo history
PARTITIONS_START_ENV = "REVOPS_PARTITIONS_START"


def partitions_start() -> str:
    """First daily partition (env REVOPS_PARTITIONS_START, ISO date, default 2024-11-01)."""
    value = os.environ.get(PARTITIONS_START_ENV, DEFAULT_PARTITIONS_START)
    return date.fromisoformat(value).isoformat()


DEFAULT_DAILY_CRON = "0 6 * * *"


def daily_cron() -> str:
    """The daily schedule's cron (env REVOPS_DAILY_CRON, UTC)."""
    return os.environ.get("REVOPS_DAILY_CRON", DEFAULT_DAILY_CRON)


def dbt_target_dir() -> Path:
    """Where Dagster reads dbt's manifest.json (env REVOPS_DBT_TARGET_DIR, default target/ of
    the project, written by `make manifest`). Each dbt invocation of a run writes its own
    artifacts in a subfolder of DBT_TARGET_PATH (default target/)."""
    return _path("REVOPS_DBT_TARGET_DIR", PROJECT_DIR / "target")


BAD_FILE_POLICIES = ("lenient", "strict")


def bad_file_policy() -> str:
    """What a rejected landing file does to a run (env REVOPS_BAD_FILE_POLICY).

    lenient (default): the file is recorded and reported, and the rest of the day ingests,
    builds, checks and publishes. strict: its system's ingestion step fails, so nothing
    downstream runs. Read at run time; an unknown value is an error."""
    value = os.environ.get("REVOPS_BAD_FILE_POLICY", "").strip().lower() or "lenient"
    if value not in BAD_FILE_POLICIES:
        raise ValueError(
            f"REVOPS_BAD_FILE_POLICY={os.environ['REVOPS_BAD_FILE_POLICY']!r}: expected one of "
            f"{', '.join(BAD_FILE_POLICIES)} (default lenient)"
        )
    return value


def dbt_run_dir(run_id: str) -> Path:
    """Where the dbt build of a Dagster run writes its artifacts and log (run_results.json,
    dbt.log): a folder of its own under DBT_TARGET_PATH (default target/ of the project)."""
    base = Path(os.environ.get("DBT_TARGET_PATH") or "target").expanduser()
    return (base if base.is_absolute() else PROJECT_DIR / base) / f"revops_dbt-{run_id}"
