"""Paths and settings, read from environment variables with working defaults."""

from __future__ import annotations

import os
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
