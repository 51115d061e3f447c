"""The run window: an inclusive range of landing days [first, last], checked in one place.

A run's window is what ingestion loads (dated files of those days), the raw checks validate and
dbt's incremental models reprocess (env REVOPS_PARTITION_START / _END, revops.dbt_args)."""

from __future__ import annotations

from datetime import date

Window = tuple[date, date]


def make_window(start: date | str, end: date | str) -> Window:
    """The window [start, end] (dates or ISO strings); ValueError when end is before start."""
    first = date.fromisoformat(start) if isinstance(start, str) else start
    last = date.fromisoformat(end) if isinstance(end, str) else end
    if last < first:
        raise ValueError(f"window end {last} is before its start {first}")
    return first, last
