"""The one daily partitioning of the code location, and the run window it implies.

A daily partition is one landing day (UTC): the dated landing files of that day. Only what is
really per day is partitioned: the ingestion assets (raw tables), which load a day's files.
The dbt models, the marts and the publication are whole tables, rebuilt from all the raw rows,
so they are not partitioned (the Dagster UI would read each of them as hundreds of "missing"
days that nothing could ever fill); the daily job, which holds both, is partitioned by its
ingestion assets.

A run covers one partition or a range of them; its window is the inclusive range of dates
[first day, last day] that ingestion loads, the raw checks validate and dbt's incremental
models reprocess (env REVOPS_PARTITION_START / _END). Every step of a run reads it from the
run's partition tags, the unpartitioned ones too; a backfill launched in the UI runs the
unpartitioned assets in a run of their own without those tags, which then covers the days of
its backfill (backfill_window).
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
BACKFILL_TAG = "dagster/backfill"


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

    Reads the run's partition tags, so it also works in steps without partitions (the dbt
    models, the publication, the asset checks); in a run without them that a backfill launched,
    the backfill's days (backfill_window); None for any other run.
    """
    op_context = getattr(context, "op_execution_context", context)
    if not (op_context.has_partition_key or op_context.has_partition_key_range):
        return backfill_window(op_context.instance, op_context.run.tags.get(BACKFILL_TAG))
    key_range = op_context.partition_key_range
    return make_window(key_range.start, key_range.end)


def window_of_tags(tags: dict[str, str]) -> Window | None:
    """The window of a run's partition tags (one partition or a range), None without them."""
    if PARTITION_TAG in tags:
        return make_window(tags[PARTITION_TAG], tags[PARTITION_TAG])
    if RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        return make_window(tags[RANGE_START_TAG], tags[RANGE_END_TAG])
    return None


def backfill_window(instance: Any, backfill_id: str | None) -> Window | None:
    """The days a backfill covers, as seen by its run of the unpartitioned assets (dbt, the
    publication): Dagster runs them after, and apart from, the backfill's ingestion runs, which
    carry the partition tags. The window spans those runs' days, first to last (a gap between
    two ranges is reprocessed too, which costs time and changes no result). None when the run
    belongs to no backfill or the backfill has no partitioned run."""
    if not backfill_id:
        return None
    runs = instance.get_runs(filters=dg.RunsFilter(tags={BACKFILL_TAG: backfill_id}))
    windows = [w for w in (window_of_tags(dict(r.tags)) for r in runs) if w is not None]
    if not windows:
        return None
    return make_window(min(w[0] for w in windows), max(w[1] for w in windows))


def run_tags(start: date, end: date) -> dict[str, str]:
    """Tags that make one run cover the window: a partition, or a partition range."""
    if start == end:
        return {PARTITION_TAG: key_of(start)}
    return {RANGE_START_TAG: key_of(start), RANGE_END_TAG: key_of(end)}
