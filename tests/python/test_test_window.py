"""Data tests scoped to the run's window (macros/test_window.sql): a <test>_in_window checks
only the rows landed in a run's window (vars or REVOPS_PARTITION_*), and every row without a
window or in a full refresh.

Real dbt on a copy of the reference run's warehouse, with one bad CRM task version (no creation
time) landed on a day of its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from helpers import run_dbt

pytestmark = pytest.mark.slow

TEST = "not_null_in_window_stg_crm__task_versions_created_at"
BAD_DAY = "2026-10-20"  # no landing file of the demo is dated this day


@pytest.fixture(scope="module")
def bad_version_warehouse(demo_run, pipeline_env, tmp_path_factory) -> Path:
    _, result = demo_run
    assert result.success
    root = tmp_path_factory.mktemp("test_window")
    warehouse = root / "revops.duckdb"
    shutil.copy(pipeline_env.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_crm.task (id, created_date, system_modstamp, is_deleted, "
            "_source_file, _source_row, _loaded_at, _landed_date) values "
            "('00TBADVERSION', null, timestamp '2026-10-20 08:00:00', false, "
            "'task/2026-10-20.csv', 1, timestamp '2026-10-21 06:00:00', date '2026-10-20')"
        )
    return warehouse


def _run_test(
    warehouse: Path,
    root: Path,
    dbt_vars: dict[str, str] | None,
    *extra: str,
    env: dict[str, str] | None = None,
) -> tuple[str, int]:
    args = ["build", "--select", TEST, *extra]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    (result,) = run_dbt(warehouse, root, args, timeout=600, env=env)["results"]
    return result["status"], result["failures"]


def _window(start: str, end: str) -> dict[str, str]:
    return {"partition_start": start, "partition_end": end, "as_of_date": end}


def test_a_window_without_the_bad_version_passes(bad_version_warehouse, tmp_path) -> None:
    assert _run_test(bad_version_warehouse, tmp_path, _window("2026-10-30", "2026-10-31")) == (
        "pass",
        0,
    )


def test_the_window_of_the_bad_version_fails(bad_version_warehouse, tmp_path) -> None:
    assert _run_test(bad_version_warehouse, tmp_path, _window("2026-10-19", BAD_DAY)) == (
        "fail",
        1,
    )


def test_without_a_window_every_row_is_checked(bad_version_warehouse, tmp_path) -> None:
    assert _run_test(bad_version_warehouse, tmp_path, None) == ("fail", 1)


def test_the_window_from_the_environment_applies(bad_version_warehouse, tmp_path) -> None:
    env = {"REVOPS_PARTITION_START": "2026-10-19", "REVOPS_PARTITION_END": BAD_DAY}
    assert _run_test(bad_version_warehouse, tmp_path, None, env=env) == ("fail", 1)
    env = {"REVOPS_PARTITION_START": "2026-10-30", "REVOPS_PARTITION_END": "2026-10-31"}
    assert _run_test(bad_version_warehouse, tmp_path / "other", None, env=env) == ("pass", 0)


def test_a_full_refresh_checks_every_row(bad_version_warehouse, tmp_path) -> None:
    window = _window("2026-10-30", "2026-10-31")
    assert _run_test(bad_version_warehouse, tmp_path, window, "--full-refresh") == ("fail", 1)
