"""Incremental runs give the numbers a full rebuild gives.

A small demo business lands as a history file per table plus DAILY_DAYS daily drops (new
records, new versions of records landed earlier, soft deletes, late rows, restated ad reports).
The daily job runs once per day, each run one Dagster partition and one incremental dbt build,
exactly as the schedule would. Then the same warehouse, copied, is rebuilt with
`revops run --full-refresh`. Every mart and every intermediate model must be identical (row
count and an order-independent checksum of all columns), and the test proves it could have
failed: the daily drops really changed the marts and really held updated and deleted records.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from helpers import (
    EMPTY_WHEN_ALL_IS_WELL,
    JOB_TIMEOUT_S,
    PROJECT_DIR,
    RunPaths,
    schema_checksums,
)

SCALE = float(os.environ.get("REVOPS_INCREMENTAL_SCALE", "0.02"))
SEED = 23
END = date(2026, 10, 31)  # the generator's default end date
DAILY_DAYS = 3
HISTORY_DAY = END - timedelta(days=DAILY_DAYS)


def run_window(paths: RunPaths, start: date, end: date, *extra: str) -> str:
    """`revops run --start --end` in a process of its own; fail the test with its output."""
    paths.root.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "revops.cli", "run", "--start", str(start), "--end", str(end)]
    proc = subprocess.run(
        [*cmd, *extra],
        cwd=PROJECT_DIR,
        env=paths.env(),
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(cmd[3:])} failed:\n{output[-5000:]}"
    return output


def raw_versions_across_days(db_path: Path) -> dict[str, int]:
    """Per CRM table: ids with versions that landed on more than one day (updates), and ids
    whose newest version is a soft delete while an older one was live."""
    out: dict[str, int] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        for table in ("opportunity", "task", "event"):
            out[f"{table}_updated"] = con.execute(
                f"select count(*) from (select id from raw_crm.{table} "
                "group by id having count(distinct _landed_date) > 1)"
            ).fetchone()[0]
            out[f"{table}_deleted"] = con.execute(
                f"""
                select count(*) from (
                    select id,
                        arg_max(coalesce(is_deleted, false), system_modstamp) as deleted_now,
                        bool_or(not coalesce(is_deleted, false)) as was_live
                    from raw_crm.{table} group by id
                ) where deleted_now and was_live and id in (
                    select id from raw_crm.{table} where _landed_date > ?
                )
                """,
                [HISTORY_DAY],
            ).fetchone()[0]
    return out


@pytest.fixture(scope="module")
def daily_then_full(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from revops_demo.generate import generate

    root = tmp_path_factory.mktemp("incremental")
    landing = root / "landing"
    generate(landing, scale=SCALE, seed=SEED, daily_days=DAILY_DAYS)

    daily = RunPaths(root / "daily", landing)
    marts_by_day: list[dict[str, tuple[int, int]]] = []
    outputs: list[str] = []
    for offset in range(DAILY_DAYS + 1):
        day = HISTORY_DAY + timedelta(days=offset)
        outputs.append(run_window(daily, day, day))
        marts_by_day.append(schema_checksums(daily.warehouse, "marts"))

    full = RunPaths(root / "full", landing)
    full.warehouse.parent.mkdir(parents=True)
    shutil.copy2(daily.warehouse, full.warehouse)
    full_output = run_window(full, END, END, "--full-refresh")
    return {
        "daily": daily,
        "full": full,
        "marts_by_day": marts_by_day,
        "outputs": outputs,
        "full_output": full_output,
    }


def _differences(left: dict, right: dict) -> list[str]:
    return [
        f"{name}: incremental {left.get(name)} vs full refresh {right.get(name)}"
        for name in sorted(set(left) | set(right))
        if left.get(name) != right.get(name)
    ]


def test_every_mart_equals_a_full_refresh(daily_then_full: dict) -> None:
    incremental = schema_checksums(daily_then_full["daily"].warehouse, "marts")
    full = schema_checksums(daily_then_full["full"].warehouse, "marts")
    assert len(incremental) >= 28, sorted(incremental)
    empty = {name for name, (rows, _) in full.items() if rows == 0}
    assert empty <= EMPTY_WHEN_ALL_IS_WELL, empty
    assert _differences(incremental, full) == []


def test_every_intermediate_model_equals_a_full_refresh(daily_then_full: dict) -> None:
    incremental = schema_checksums(daily_then_full["daily"].warehouse, "intermediate")
    full = schema_checksums(daily_then_full["full"].warehouse, "intermediate")
    assert _differences(incremental, full) == []


def test_the_full_refresh_rebuilt_the_incremental_models(daily_then_full: dict) -> None:
    """The comparison means something only if the second build really started from scratch."""
    log = daily_then_full["full"].root / "dbt_target"
    assert "--full-refresh" in daily_then_full["full_output"] or any(
        "full_refresh" in p.read_text() for p in log.glob("run_results.json")
    )
    with duckdb.connect(str(daily_then_full["daily"].warehouse), read_only=True) as con:
        incremental_models = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'intermediate'"
        ).fetchone()[0]
    assert incremental_models > 0


def test_daily_drops_held_updates_and_deletes(daily_then_full: dict) -> None:
    versions = raw_versions_across_days(daily_then_full["daily"].warehouse)
    for table in ("opportunity", "task", "event"):
        assert versions[f"{table}_updated"] > 0, versions
    assert sum(versions[f"{t}_deleted"] for t in ("opportunity", "task", "event")) > 0, versions


def test_each_daily_run_changed_the_marts(daily_then_full: dict) -> None:
    """Had the daily runs loaded or built nothing, equality would prove nothing."""
    by_day = daily_then_full["marts_by_day"]
    for before, after in itertools.pairwise(by_day):
        assert _differences(before, after), "a daily run left every mart unchanged"
