"""The `dbt build` arguments and environment of a pipeline run, in one place and free of
Dagster, so the Dagster asset and the benchmark invoke dbt the same way.

A run passes its window through environment variables, not --vars: REVOPS_PARTITION_START and
REVOPS_PARTITION_END (inclusive ISO dates, both or neither) and REVOPS_AS_OF_DATE (the window's
last day unless given; empty = the latest business date in the data). The macros read them at
run time only, so a new window leaves dbt's parse inputs unchanged and partial parsing is hit
(--vars are part of the parse hash: every new window meant a full re-parse). A developer's
`--vars '{as_of_date: ...}'` still wins in the macros.

A run leaves out dbt's unit tests unless asked: they test the SQL on fixed inputs, not the
data, so they belong to CI (`make test`) and to an engineer's `dbt build -s model+`, not to
every daily run (dbt's own advice); data tests run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from revops.window import Window

# the name of the dbt multi-asset, hence of its step (op) in a run: run config and summaries use it
DBT_STEP = "revops_dbt"

# as_of_date of a run whose landing holds no dated file (a one-off export, not daily extracts):
# "today" is then the latest business date in the data (model int_as_of_date), not the run's day
AS_OF_FROM_DATA = "data"

# the dbt var each environment variable stands for (the var wins when a developer passes it)
RUN_ENV = {
    "partition_start": "REVOPS_PARTITION_START",
    "partition_end": "REVOPS_PARTITION_END",
    "as_of_date": "REVOPS_AS_OF_DATE",
}


def dbt_vars(window: Window | None = None, as_of_date: str | None = None) -> dict[str, Any]:
    """The run's window and as_of_date by dbt var name (a given as_of_date wins over the
    window's end; AS_OF_FROM_DATA leaves it to the data)."""
    out: dict[str, Any] = {}
    if window is not None:
        out["partition_start"] = window[0].isoformat()
        out["partition_end"] = window[1].isoformat()
        out["as_of_date"] = window[1].isoformat()
    if as_of_date == AS_OF_FROM_DATA:
        out.pop("as_of_date", None)
    elif as_of_date:
        out["as_of_date"] = as_of_date
    return out


def dbt_env(window: Window | None = None, as_of_date: str | None = None) -> dict[str, str]:
    """The environment of the run's dbt invocation: every variable of RUN_ENV, empty when the
    run does not set it (so a value left in the caller's environment never leaks in)."""
    vars_ = dbt_vars(window, as_of_date)
    return {env: str(vars_.get(var, "")) for var, env in RUN_ENV.items()}


def dbt_build_args(
    full_refresh: bool = False,
    unit_tests: bool = False,
    select: list[str] | None = None,
) -> list[str]:
    """`build` and its flags (without dbt's executable); select: dbt selection methods
    (none = the whole project)."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", " ".join(select)]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv need not be on PATH), else `dbt`."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"
