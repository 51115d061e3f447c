"""`dbt source freshness` in the daily job: what it found, in one line for the run's log.

dbt compares each landing table's latest `_loaded_at` with the clock, against the warn_after /
error_after thresholds of the sources YAML. The job records it and goes on (a stale source is
something to look at, not a reason to withhold today's numbers); the published table of it is
the mart dq_source_freshness, which applies the same thresholds to the landing dates against
as_of_date, so a past day reproduces.
"""

from __future__ import annotations

import json
from pathlib import Path

FRESHNESS_ARGS = ["source", "freshness"]


def summarize(sources_json: Path) -> tuple[str, bool]:
    """One line (counts per status, the stale tables named) and whether every landed table
    passed. A missing or unreadable sources.json says so instead."""
    try:
        results = json.loads(sources_json.read_text())["results"]
    except (OSError, ValueError, KeyError) as exc:
        return f"dbt source freshness: no results ({sources_json}: {exc})", False
    counts: dict[str, int] = {}
    stale: list[str] = []
    for result in results:
        status = str(result.get("status"))
        # an empty table (a system or optional input not landed) has no load time: dbt reports
        # it as year 1 and 'error'; absence is not staleness (dq_source_coverage shows it)
        # (a query that failed has no max_loaded_at at all: it stays its status, not fresh)
        if str(result.get("max_loaded_at") or "").startswith("0001-01-01"):
            status = "absent"
        counts[status] = counts.get(status, 0) + 1
        if status not in ("pass", "absent"):
            stale.append(f"{'.'.join(str(result.get('unique_id')).split('.')[-2:])} ({status})")
    shown = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no sources"
    line = f"dbt source freshness: {shown}"
    if stale:
        line += "; not fresh: " + ", ".join(sorted(stale))
    return line, not stale
