"""The one daily partitioning of the code location, and the run window it implies.

A daily partition is one landing day (UTC). A run covers one partition or a range of them; its
window is the inclusive range of dates [first day, last day] that ingestion loads (dated files
of those days), the raw checks validate and dbt's incremental models reprocess
(vars partition_start / partition_end).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import dagster as dg

from revops.config import partitions_start
from revops.window import Window, make_window

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
PARTITION_TAG = "dagster/partition"


daily_partitions = dg.DailyPartitionsDefinition(start_date=partitions_start(), timezone="UTC")


def first_day() -> date:
    return date.fromisoformat(partitions_start())


def last_day() -> date | None:
    """The last complete day, i.e. the newest partition (None before the first one exists)."""
    key = daily_partitions.get_last_partition_key()
    return date.fromisoformat(key) if key else None


def key_of(day: date) -> str:
    """The partition key of a date (keys are ISO dates)."""
    return day.isoformat()


def keys_between(start: date, end: date) -> list[str]:
    """Partition keys of every day from start to end, inclusive."""
    start, end = make_window(start, end)
    return [key_of(start + timedelta(days=i)) for i in range((end - start).days + 1)]


def window_of(context: Any) -> Window | None:
    """The inclusive date window of a run, from any execution context (asset, op, check).

    Reads the run's partition tags, so it also works in steps without partitions (the asset
    checks); None for a run that is not partitioned.
    """
    op_context = getattr(context, "op_execution_context", context)
    if not (op_context.has_partition_key or op_context.has_partition_key_range):
        return None
    key_range = op_context.partition_key_range
    return make_window(key_range.start, key_range.end)


def run_tags(start: date, end: date) -> dict[str, str]:
    """Tags that make one run cover the window: a partition, or a partition range."""
    if start == end:
        return {PARTITION_TAG: key_of(start)}
    return {RANGE_START_TAG: key_of(start), RANGE_END_TAG: key_of(end)}
