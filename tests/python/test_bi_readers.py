"""BI readers never block a run and never see a half-built mart.

Two reader processes work on the published file through a whole second run of the daily job:
one holds a read-only connection open from start to end, one opens a connection and queries a
mart in a loop. Expected: zero reader errors, zero run failures, and the publish replaced the
file while both were reading.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from conftest import E2E_WINDOW

pytestmark = pytest.mark.slow

READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

path, mode, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3])
query = "select count(*), sum(mrr) from marts.mart_revenue_monthly"
ok, errors, messages = 0, 0, []
if mode == "hold":
    con = duckdb.connect(path, read_only=True)
    first = con.execute(query).fetchone()
    while not stop.exists():
        try:
            assert con.execute(query).fetchone() == first
            ok += 1
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            errors += 1
            messages.append(repr(exc)[:300])
        time.sleep(0.2)
    con.close()
else:
    while not stop.exists():
        try:
            with duckdb.connect(path, read_only=True) as con:
                rows, _ = con.execute(query).fetchone()
                assert rows > 0
            ok += 1
        except Exception as exc:  # noqa: BLE001
            errors += 1
            messages.append(repr(exc)[:300])
        time.sleep(0.05)
print(json.dumps({"ok": ok, "errors": errors, "messages": messages[:5]}))
"""


def _start_reader(published: Path, mode: str, stop: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", READER, str(published), mode, str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_readers_hold_and_poll_the_published_file_through_a_whole_run(
    demo_run, pipeline_env, tmp_path: Path
) -> None:
    from revops.config import published_dir
    from revops.definitions import defs

    _, first = demo_run
    assert first.success
    published = published_dir() / "revops.duckdb"
    assert published.exists(), "the first run did not publish"
    inode_before = published.stat().st_ino

    stop = tmp_path / "stop"
    readers = [_start_reader(published, mode, stop) for mode in ("hold", "loop")]
    try:
        time.sleep(2)  # both readers are inside the file before the run starts
        job = defs.resolve_job_def("revops_daily")
        with dg.DagsterInstance.ephemeral() as instance:
            # nothing new landed since the first run, which would build and publish nothing
            # (revops.build_state): a full refresh rebuilds and republishes the same marts
            second = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                partition_key=E2E_WINDOW[1].isoformat(),
                run_config={"ops": {"revops_dbt": {"config": {"full_refresh": True}}}},
            )
    finally:
        stop.touch()
    results = []
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        results.append(json.loads(out))

    assert second.success, "the run failed while BI readers were connected"
    assert published.stat().st_ino != inode_before, "the second run did not republish"
    for result in results:
        assert result["errors"] == 0, result["messages"]
        assert result["ok"] > 0
