"""The daily job (partitioned by day) and its schedule."""

from __future__ import annotations

import re

import dagster as dg

from revops.config import daily_cron
from revops.partitions import first_day

PARTITIONS = f"daily_partitions, one per UTC day from {first_day()} (env REVOPS_PARTITIONS_START)"

# Steps run one after another in one process: DuckDB takes one writer at a time, and the
# writer lock in revops.warehouse makes a second run wait rather than fail.
revops_daily = dg.define_asset_job(
    name="revops_daily",
    # partitioned by day through its ingestion assets (the only ones on daily_partitions); the
    # dbt models and the publication run in the same run and read its window from its tags
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description=(
        "For one day or a range of days (one run): ingest the landing files of those days "
        "(the raw tables are partitioned by landing day), build and test the dbt project for "
        "that window, check, publish the marts (whole tables, not partitioned)."
    ),
)


def daily_time(cron: str) -> tuple[int, int]:
    """(minute, hour) of a daily cron 'M H * * *' (env REVOPS_DAILY_CRON, UTC)."""
    match = re.fullmatch(r"\s*(\d{1,2})\s+(\d{1,2})\s+\*\s+\*\s+\*\s*", cron)
    if not match or int(match[1]) > 59 or int(match[2]) > 23:
        raise ValueError(
            f"REVOPS_DAILY_CRON={cron!r}: expected a daily 'M H * * *' (the run of a day's "
            "partition starts at H:M UTC the next day)"
        )
    return int(match[1]), int(match[2])


_minute, _hour = daily_time(daily_cron())

# Each tick (06:00 UTC by default) runs the partition of the day that just ended. Dagster 1.13
# no longer shows a schedule's partition set in the UI: its description and metadata name it.
revops_daily_schedule = dg.build_schedule_from_partitioned_job(
    revops_daily,
    name="revops_daily_schedule",
    minute_of_hour=_minute,
    hour_of_day=_hour,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        f"Runs revops_daily for the partition of the day that just ended, at {_hour:02d}:"
        f"{_minute:02d} UTC (env REVOPS_DAILY_CRON). Partition set: {PARTITIONS}: the raw "
        "tables' landing days (the dbt models and the publication are whole tables)."
    ),
    metadata={"partitions": PARTITIONS, "partitioned_assets": "the raw tables (group raw)"},
)
