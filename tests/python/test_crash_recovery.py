"""Crash recovery: SIGKILL the daily job (its whole process group, dbt included) during
ingestion and during the dbt build, run it again to completion, and compare with an
uninterrupted run on the same landing (helpers.reference_run): every mart hashes the same, raw
holds each landed row once, and every landing file is loaded once.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from helpers import (
    ReferenceRun,
    RunPaths,
    cmdline,
    duplicate_lineage,
    landing_files,
    loaded_files,
    raw_row_counts,
    run_job,
    schema_checksums,
    start_job,
)

pytestmark = pytest.mark.slow


def _assert_recovered(paths: RunPaths, reference: ReferenceRun) -> None:
    dupes = duplicate_lineage(paths.warehouse)
    assert dupes and not any(dupes.values()), dupes
    assert loaded_files(paths.warehouse) == landing_files(paths.landing)
    raw = raw_row_counts(paths.warehouse)
    # raw_meta.load_log may hold extra rows of the killed run; data tables must match exactly
    data = {t: n for t, n in raw.items() if not t.startswith("raw_meta.")}
    expected = {t: n for t, n in reference.raw_counts.items() if not t.startswith("raw_meta.")}
    assert data == expected
    assert raw["raw_meta.quarantine"] == reference.raw_counts["raw_meta.quarantine"]
    marts = schema_checksums(paths.warehouse)
    assert sorted(marts) == sorted(reference.marts)
    differ = [t for t in marts if marts[t] != reference.marts[t]]
    assert not differ, f"marts that differ from the uninterrupted run: {differ}"


def test_kill_during_ingestion_then_rerun(
    tmp_path: Path, trust_landing: Path, reference_run: ReferenceRun
) -> None:
    paths = RunPaths(tmp_path / "run", trust_landing)
    job = start_job(paths)
    # the first ingestion step has committed its files; the next one is under way
    job.wait_for(
        lambda: any(
            ln.strip().startswith("<- ingest_") and " ok in " in ln
            for ln in job.output().splitlines()
        ),
        "the first ingestion step to finish",
        timeout_s=600,
    )
    job.kill_group()
    assert job.popen.returncode == -9
    assert not job.group_pids(), "processes of the killed job survived"
    assert "-> revops_dbt" not in job.output()

    # the kill really landed inside ingestion: some files are loaded, not all
    partial = loaded_files(paths.warehouse)
    assert partial, "nothing was loaded before the kill"
    assert partial < landing_files(trust_landing), "every file was loaded before the kill"

    run_job(paths)
    _assert_recovered(paths, reference_run)


def test_kill_during_dbt_build_then_rerun(
    tmp_path: Path, trust_landing: Path, reference_run: ReferenceRun
) -> None:
    paths = RunPaths(tmp_path / "run", trust_landing)
    job = start_job(paths)
    job.wait_for(lambda: "-> revops_dbt" in job.output(), "the dbt step to start", 600)

    def dbt_running() -> bool:
        return any(" build" in cmdline(pid) and "dbt" in cmdline(pid) for pid in job.group_pids())

    job.wait_for(dbt_running, "the dbt subprocess to appear", 120)
    # kill about a third of the way through a build (timed on the reference run)
    deadline = time.monotonic() + max(reference_run.dbt_seconds * 0.35, 5.0)
    while time.monotonic() < deadline and job.popen.poll() is None:
        time.sleep(0.1)
    assert dbt_running(), "dbt finished before the kill: " + job.output()[-2000:]
    job.kill_group()
    assert not job.group_pids(), "processes of the killed job (dbt?) survived"
    assert "<- revops_dbt" not in job.output()

    # the kill landed inside the build: ingestion is complete, the marts are not
    assert loaded_files(paths.warehouse) == landing_files(trust_landing)
    built = schema_checksums(paths.warehouse)
    assert len(built) < len(reference_run.marts), "every mart existed before the kill"

    run_job(paths)
    _assert_recovered(paths, reference_run)
