"""The `dbt build` arguments of a pipeline run, in one place and free of Dagster, so the
Dagster asset and the benchmark invoke dbt the same way.

A run passes its window as vars (partition_start, partition_end: inclusive ISO dates) and
as_of_date (the window's last day unless given). It leaves out dbt's unit tests unless asked:
they test the SQL on fixed inputs, not the data, so they belong to CI (`make test`) and to an
engineer's `dbt build -s model+`, not to every daily run (dbt's own advice); data tests run.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

Window = tuple[date, date]

# as_of_date of a run whose landing holds no dated file (a one-off export, not daily extracts):
# "today" is then the latest business date in the data (model int_as_of_date), not the run's day
AS_OF_FROM_DATA = "data"


def dbt_vars(window: Window | None = None, as_of_date: str | None = None) -> dict[str, Any]:
    """The --vars of a run: the window and as_of_date (a given as_of_date wins over the
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


def dbt_build_args(
    window: Window | None = None,
    as_of_date: str | None = None,
    full_refresh: bool = False,
    unit_tests: bool = False,
) -> list[str]:
    """`build` and its flags (without dbt's executable and without node selection)."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    vars_ = dbt_vars(window, as_of_date)
    if vars_:
        args += ["--vars", json.dumps(vars_)]
    return args
