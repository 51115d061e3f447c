"""The run's window and as_of_date reach dbt through environment variables read at run time
(macros/incremental.sql, macros/as_of_date.sql), so a new window keeps dbt's partial parse.

Real dbt, compiling on an empty DuckDB file with one stable target path: the first invocation
parses the project, every later one with other REVOPS_PARTITION_* / REVOPS_AS_OF_DATE values
must say that partial parsing found no changes, and must still apply the new values.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import PROJECT_DIR

NO_CHANGES = "Partial parsing enabled, no changes found"
WINDOW_NAMES = ("REVOPS_PARTITION_START", "REVOPS_PARTITION_END", "REVOPS_AS_OF_DATE")
# a test that checks only the rows landed in the window (macros/test_window.sql)
WINDOWED_TEST = "not_null_in_window_int_activities_classified_activity_date"


def _dbt(root: Path, args: list[str], **window: str) -> tuple[int, str]:
    """dbt <args> on an empty warehouse under root with a stable target path; return its exit
    code and its debug log of this invocation."""
    env = {k: v for k, v in os.environ.items() if k not in WINDOW_NAMES}
    env.update(
        REVOPS_WAREHOUSE=str(root / "empty.duckdb"),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        **window,
    )
    log = root / "logs" / "dbt.log"
    if log.exists():
        log.unlink()
    argv = [str(Path(sys.executable).with_name("dbt")), "--log-level-file", "debug", *args]
    argv += ["--target-path", str(root / "target"), "--log-path", str(root / "logs")]
    proc = subprocess.run(
        argv, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return proc.returncode, proc.stdout + proc.stderr + (log.read_text() if log.exists() else "")


def _compiled(root: Path, node: str) -> str:
    (path,) = (root / "target" / "compiled").rglob(f"{node}.sql")
    return path.read_text()


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("run_window")
    code, output = _dbt(root, ["parse"])
    assert code == 0, output[-3000:]
    return root


@pytest.mark.parametrize(
    ("start", "end"), [("2026-10-01", "2026-10-02"), ("2026-10-05", "2026-10-05")]
)
def test_a_new_window_keeps_partial_parse_and_applies(parsed: Path, start: str, end: str) -> None:
    args = ["compile", "-s", "int_as_of_date", WINDOWED_TEST]
    code, output = _dbt(
        parsed,
        args,
        REVOPS_PARTITION_START=start,
        REVOPS_PARTITION_END=end,
        REVOPS_AS_OF_DATE=end,
    )
    assert code == 0, output[-3000:]
    assert NO_CHANGES in output
    assert f"cast('{end}' as date)" in _compiled(parsed, "int_as_of_date")
    windowed = _compiled(parsed, WINDOWED_TEST)
    assert f"cast('{start}' as date) and cast('{end}' as date)" in windowed


def test_without_settings_today_comes_from_the_data_and_tests_see_every_row(parsed: Path) -> None:
    code, output = _dbt(parsed, ["compile", "-s", "int_as_of_date", WINDOWED_TEST])
    assert code == 0, output[-3000:]
    assert NO_CHANGES in output
    assert "latest_event_date" in _compiled(parsed, "int_as_of_date")
    assert "between" not in _compiled(parsed, WINDOWED_TEST)


def test_a_var_wins_over_the_environment(tmp_path: Path) -> None:
    # its own target path: new --vars are a parse input, they would make the next test reparse
    args = ["compile", "-s", "int_as_of_date", "--vars", "{as_of_date: '2026-09-30'}"]
    code, output = _dbt(tmp_path, args, REVOPS_AS_OF_DATE="2026-10-05")
    assert code == 0, output[-3000:]
    assert "cast('2026-09-30' as date)" in _compiled(tmp_path, "int_as_of_date")


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"REVOPS_AS_OF_DATE": "2026-10"}, "REVOPS_AS_OF_DATE) must be a date YYYY-MM-DD"),
        ({"REVOPS_PARTITION_START": "2026-10-01"}, "or neither"),
        (
            {"REVOPS_PARTITION_START": "2026-10-03", "REVOPS_PARTITION_END": "2026-10-01"},
            "is after partition_end",
        ),
    ],
)
def test_a_bad_setting_is_refused_by_name(parsed: Path, window: dict, message: str) -> None:
    code, output = _dbt(parsed, ["compile", "-s", "int_as_of_date", WINDOWED_TEST], **window)
    assert code != 0
    assert message in output, output[-3000:]
    assert NO_CHANGES in output
