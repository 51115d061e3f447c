"""Idempotency: the daily job run twice on the same landing and as_of_date changes nothing.

Run 1 is the session's reference run (helpers.reference_run); run 2 repeats the whole job on
the same warehouse. Every mart must hash the same, row for row, and no raw table may grow.
"""

from __future__ import annotations

import pytest

from helpers import (
    TRUST_AS_OF,
    ReferenceRun,
    landing_files,
    loaded_files,
    raw_row_counts,
    run_job,
    schema_checksums,
)

pytestmark = pytest.mark.slow


def test_second_run_changes_no_mart_and_adds_no_raw_row(reference_run: ReferenceRun) -> None:
    paths = reference_run.paths
    # the reference run really built something worth comparing
    assert len(reference_run.marts) >= 10
    assert sum(rows for rows, _ in reference_run.marts.values()) > 0
    assert loaded_files(paths.warehouse) == landing_files(paths.landing)

    output = run_job(paths, TRUST_AS_OF)

    assert "landing: using the files already in" in output  # nothing regenerated
    assert raw_row_counts(paths.warehouse) == reference_run.raw_counts
    again = schema_checksums(paths.warehouse)
    assert sorted(again) == sorted(reference_run.marts)
    changed = {
        t: (reference_run.marts[t], again[t]) for t in again if again[t] != reference_run.marts[t]
    }
    assert not changed, f"marts that differ between run 1 and run 2: {changed}"
