"""Data tests scoped to the run's window (macros/test_window.sql): a <test>_in_window checks
only the rows landed in a run's window (vars or REVOPS_PARTITION_*), and every row without a
window or in a full refresh.

Real dbt on a copy of the reference run's warehouse, with bad built rows (an activity without a
date or a known source, an invoice twice, an ad spend key twice) landed on a day of their own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from helpers import run_dbt

pytestmark = pytest.mark.slow

TEST = "not_null_in_window_int_activities_classified_activity_date"
BAD_DAY = "2026-10-20"  # no landing file of the demo is dated this day
BAD_ROWS = {
    "int_invoices_converted": "'in_BAD' as invoice_id",
    "int_ad_spend_daily": "'BAD' as campaign_id",
    "int_activities_classified": "'bogus' as activity_source, null as activity_date",
}
# the other generic tests of macros/test_window.sql, each failing on one bad key or value
OTHER_TESTS = (
    "unique_in_window_int_invoices_converted_invoice_id",
    "unique_combination_of_columns_in_window_int_ad_spend_daily_spend_date__ad_platform__campaign_id",
    "accepted_values_in_window_int_activities_classified_activity_source__task__event",
)


@pytest.fixture(scope="module")
def bad_version_warehouse(demo_run, pipeline_env, tmp_path_factory) -> Path:
    _, result = demo_run
    assert result.success
    root = tmp_path_factory.mktemp("test_window")
    warehouse = root / "revops.duckdb"
    shutil.copy(pipeline_env.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        # built rows as a run would have written them on BAD_DAY: an invoice twice, an ad
        # spend key twice, an activity of an unknown source and without a date
        for table, replace in BAD_ROWS.items():
            con.execute(
                f"create temp table bad as select * replace ({replace}, "
                f"date '{BAD_DAY}' as landed_date) from intermediate.{table} limit 1"
            )
            copies = 2 if table != "int_activities_classified" else 1
            for _ in range(copies):
                con.execute(f"insert into intermediate.{table} select * from bad")
            con.execute("drop table bad")
    return warehouse


def _run_test(
    warehouse: Path,
    root: Path,
    dbt_vars: dict[str, str] | None,
    *extra: str,
    env: dict[str, str] | None = None,
    test: str = TEST,
) -> tuple[str, int]:
    args = ["build", "--select", test, *extra]
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


@pytest.mark.parametrize("test", OTHER_TESTS)
def test_each_windowed_test_checks_the_window_only(bad_version_warehouse, tmp_path, test) -> None:
    outside = _window("2026-10-30", "2026-10-31")
    assert _run_test(bad_version_warehouse, tmp_path / "out", outside, test=test) == ("pass", 0)
    inside = _window("2026-10-19", BAD_DAY)
    assert _run_test(bad_version_warehouse, tmp_path / "in", inside, test=test) == ("fail", 1)
    assert _run_test(bad_version_warehouse, tmp_path / "all", None, test=test) == ("fail", 1)
