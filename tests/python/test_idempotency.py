"""Idempotency: the daily job run again on the same landing and as_of_date changes nothing.

Run 1 is the session's reference run (helpers.reference_run). Run 2 repeats the job on the same
warehouse: nothing is new, so it does no work and says so. Run 3 is forced to redo everything
(--full-refresh). After each, every mart must hash the same, row for row, and no raw table may
grow.
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
    assert "nothing new for the window" in output  # run 2: no dbt, no checks, no publication
    _assert_unchanged(reference_run)

    output = run_job(paths, TRUST_AS_OF, "--full-refresh")
    assert "dbt --full-refresh" in output  # run 3 rebuilt every model
    _assert_unchanged(reference_run)


def _assert_unchanged(reference_run: ReferenceRun) -> None:
    paths = reference_run.paths
    # raw_meta.build_state gains a row per build: the run's bookkeeping, not data
    raw = {t: n for t, n in raw_row_counts(paths.warehouse).items() if t != "raw_meta.build_state"}
    assert raw == {t: n for t, n in reference_run.raw_counts.items() if t != "raw_meta.build_state"}
    again = schema_checksums(paths.warehouse)
    assert sorted(again) == sorted(reference_run.marts)
    changed = {
        t: (reference_run.marts[t], again[t]) for t in again if again[t] != reference_run.marts[t]
    }
    assert not changed, f"marts that differ from run 1: {changed}"
