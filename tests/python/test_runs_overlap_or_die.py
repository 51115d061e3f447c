"""Runs that overlap or die, with real processes: a second `revops run` waits for the whole
first run (saying so) and each run keeps its own log; a publish killed mid-way leaves temporary
files that the next publish removes, never those of a publish still in progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from revops import runner
from revops.publish import DB_NAME, publish, remove_killed_publish_leftovers
from revops.warehouse import run_lock

from helpers import PROJECT_DIR, TRUST_AS_OF, JobProcess, RunPaths, group_members, start_job


def _wait_until(predicate, what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _python(code: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, start_new_session=True, **kwargs
    )


def _hold_run(paths: RunPaths, env: dict[str, str]) -> subprocess.Popen:
    """A process that holds the warehouse's run lock (a run in progress) until its stdin closes;
    it prints 'held' once it has the lock."""
    return _python(
        "import sys; from pathlib import Path; from revops.warehouse import run_lock\n"
        f"with run_lock(Path({str(paths.warehouse)!r})):\n"
        "    print('held', flush=True); sys.stdin.read()\n",
        env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _kill(popen: subprocess.Popen) -> None:
    os.killpg(popen.pid, signal.SIGKILL)
    popen.wait(timeout=30)
    _wait_until(lambda: not group_members(popen.pid), "the killed processes to end", 30)


# --- the demo stays out of `revops run` --------------------------------------------------------


def test_run_on_an_empty_landing_writes_nothing_and_says_how_to_get_the_demo(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    paths = RunPaths(tmp_path / "run", landing)
    proc = subprocess.run(
        [sys.executable, "-m", "revops.cli", "run"],
        cwd=PROJECT_DIR,
        env=paths.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"the landing folder {landing} holds no file" in proc.stdout
    assert "make run" in proc.stdout and "revops-demo generate" in proc.stdout
    assert list(landing.iterdir()) == []  # no demo written
    assert not paths.warehouse.parent.exists()  # no warehouse, no log, no lock


def test_revops_never_imports_the_demo() -> None:
    """revops_demo depends on revops, never the reverse: no module of revops names it, and
    loading the runtime's entry points (CLI, runner, Dagster definitions) loads nothing of it."""
    package = PROJECT_DIR / "orchestration" / "revops"
    naming = sorted(
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if "revops_demo" in p.read_text()
    )
    assert naming == []
    code = (
        "import sys, revops.cli, revops.runner, revops.publish, revops.definitions; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'revops_demo'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


# --- one log per run ---------------------------------------------------------------------------


def test_each_run_gets_its_own_log_and_the_latest_is_linked(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "revops_daily.log").write_text("the single log of an older version\n")
    first = runner.run_log_path(logs, "aaaaaaaa-1111")
    second = runner.run_log_path(logs, "bbbbbbbb-2222")
    assert first != second and first.exists() and second.exists()
    assert first.name.startswith("revops_daily-") and first.name.endswith("-aaaaaaaa.log")
    assert second.name.endswith("-bbbbbbbb.log")
    latest = logs / "revops_daily.log"
    assert latest.is_symlink() and latest.resolve() == second.resolve()
    [kept] = logs.glob("revops_daily-before-*.log")
    assert kept.read_text() == "the single log of an older version\n"
    assert not list(logs.glob(".*"))  # no temporary link left


# --- overlapping runs --------------------------------------------------------------------------


def test_a_second_run_waits_for_the_whole_first_run(tmp_path: Path) -> None:
    """A real `revops run` started while another process holds the run (the first run) prints
    that it waits and does nothing (no log, no warehouse) until the whole first run has ended;
    then it starts. Killed, it leaves nothing that blocks the next run."""
    landing = tmp_path / "landing"
    export = landing / "crm" / "account" / "2026-10-30.csv"
    export.parent.mkdir(parents=True)
    export.write_text("id,name,created_date,system_modstamp\n001A,Acme,2026-10-01,2026-10-30\n")
    paths = RunPaths(tmp_path / "run", landing)
    env = paths.env()
    holder = _hold_run(paths, env)
    second = None
    try:
        assert holder.stdout.readline().strip() == "held"
        second = start_job(paths, as_of_date=None)
        _wait_until(lambda: "waiting for the whole run" in second.output(), "the waiting line")
        [line] = [ln for ln in second.output().splitlines() if "waiting" in ln]
        assert f"in progress (pid {holder.pid}, since " in line
        time.sleep(3)  # the second run stays put while the first one lasts
        assert second.popen.poll() is None
        assert "[1/3]" not in second.output()
        assert not (paths.warehouse.parent / "logs").exists()
        assert not paths.warehouse.exists()

        holder.stdin.close()  # the first run ends
        holder.wait(timeout=30)
        second.wait_for(lambda: "[1/3] landing" in second.output(), "the second run", 60)
        second.kill_group()
    finally:
        if holder.poll() is None:
            _kill(holder)
        if second is not None and second.popen.poll() is None:
            second.kill_group()
    # a killed run holds nothing: the next one takes the lock at once
    waited = []
    with run_lock(paths.warehouse, on_wait=waited.append):
        pass
    assert waited == []


def test_docs_wait_for_the_run_in_progress(tmp_path: Path) -> None:
    """`revops docs` (make docs: dbt docs generate, whose catalog query opens the working file
    read-write) says it waits while a run holds the warehouse, writes nothing meanwhile, and
    generates the docs once the run has ended."""
    paths = RunPaths(tmp_path / "run", tmp_path / "landing")
    env = paths.env()
    docs_dir = tmp_path / "docs"
    holder = _hold_run(paths, env)
    docs = None
    try:
        assert holder.stdout.readline().strip() == "held"
        dbt_args = ["--quiet", "--empty-catalog", "--no-compile", "--target-path", str(docs_dir)]
        docs = subprocess.Popen(
            [sys.executable, "-m", "revops.cli", "docs", "--", *dbt_args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert f"waiting for the run in progress (pid {holder.pid}" in docs.stdout.readline()
        time.sleep(2)
        assert docs.poll() is None
        assert not (docs_dir / "index.html").exists()
        holder.stdin.close()  # the run ends
        holder.wait(timeout=30)
        assert docs.wait(timeout=300) == 0
        assert (docs_dir / "index.html").exists()
    finally:
        for process in (holder, docs):
            if process is not None and process.poll() is None:
                _kill(process)


def _started_after(later: JobProcess, earlier: JobProcess) -> bool:
    started = "[1/3]" in later.output()
    assert not started or "\nDone in " in earlier.output(), "the runs overlapped"
    return started


@dataclass(frozen=True)
class SecondRun(RunPaths):
    """The same warehouse as RunPaths(root, landing), with an output file of its own."""

    @property
    def output(self) -> Path:
        return self.root / "second_run_output.log"


@pytest.mark.slow
def test_two_runs_started_together_run_one_after_the_other(
    tmp_path: Path, trust_landing: Path
) -> None:
    """Two real `revops run` on one warehouse: the second waits for the whole first run, never
    interleaving steps; both succeed, each with its own log, and the second finds nothing left
    to load. The second is a --full-refresh, so it has work to do once it runs (a plain second
    run of the same day would end at "nothing new", before any step)."""
    paths = RunPaths(tmp_path / "run", trust_landing)
    first = start_job(paths)
    first.wait_for(lambda: "-> ingest_" in first.output(), "the first run's ingestion", 600)
    second = start_job(SecondRun(tmp_path / "run", trust_landing), TRUST_AS_OF, "--full-refresh")
    try:
        second.wait_for(
            lambda: "waiting for the whole run" in second.output(), "the waiting line", 120
        )
        # the second run's output is read before the first's: when it has started, the first
        # run must already have printed its last lines
        second.wait_for(lambda: _started_after(second, first), "the second run to start", 1200)
        assert first.popen.wait(timeout=120) == 0, first.output()[-3000:]
        assert second.popen.wait(timeout=1200) == 0, second.output()[-3000:]
    finally:
        for job in (first, second):
            if job.popen.poll() is None:
                job.kill_group()
    assert "waiting" not in first.output()
    assert "  files:            0 loaded," in second.output()
    logs = sorted((paths.warehouse.parent / "logs").glob("revops_daily-*.log"))
    assert len(logs) == 2
    latest = paths.warehouse.parent / "logs" / "revops_daily.log"
    assert latest.resolve() == logs[-1].resolve()
    for job, log in zip((first, second), logs, strict=True):
        assert f"step output (dbt's log): {log}" in job.output()


# --- a publish that dies -----------------------------------------------------------------------


@pytest.fixture
def marts_warehouse(tmp_path: Path) -> Iterator[Path]:
    """A warehouse whose schema marts takes a few seconds to publish."""
    db = tmp_path / "warehouse" / "revops.duckdb"
    db.parent.mkdir()
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        for i in range(2):
            con.execute(
                f"create table marts.big_{i} as select range as id, random() as x, "
                "md5(range::varchar) as s from range(1500000)"
            )
    yield db


def _start_publish(db: Path, published: Path, env: dict[str, str]) -> subprocess.Popen:
    return _python(
        "from pathlib import Path; from revops.publish import publish\n"
        f"publish(Path({str(db)!r}), Path({str(published)!r}))\n",
        env,
    )


def _temporary(published: Path) -> list[str]:
    return sorted(p.name for p in published.glob(".*"))


def test_the_next_publish_removes_what_a_killed_publish_left(
    tmp_path: Path, marts_warehouse: Path
) -> None:
    published = tmp_path / "published"
    killed = _start_publish(marts_warehouse, published, dict(os.environ))
    _wait_until(lambda: any(published.glob(f".{DB_NAME}.*.tmp")), "the publish's temporary file")
    time.sleep(0.5)  # mid-copy
    _kill(killed)
    left = _temporary(published)
    assert any(n.startswith(f".{DB_NAME}.") and n.endswith(".tmp") for n in left), left
    assert not (published / DB_NAME).exists()  # nothing half-written was swapped in

    result = publish(marts_warehouse, published)
    assert _temporary(published) == []
    assert result.tables == {"big_0": 1_500_000, "big_1": 1_500_000}
    with duckdb.connect(str(published / DB_NAME), read_only=True) as con:
        assert con.execute("select count(*) from marts.big_1").fetchone()[0] == 1_500_000


def test_a_publish_in_progress_keeps_its_files(tmp_path: Path, marts_warehouse: Path) -> None:
    """While another live process publishes, a publish starting here removes nothing of it
    (the other publish completes); once that process has ended, leftovers go."""
    published = tmp_path / "published"
    other = _start_publish(marts_warehouse, published, dict(os.environ))
    try:
        _wait_until(lambda: any(published.glob(f".{DB_NAME}.*.tmp")), "the other publish")
        assert remove_killed_publish_leftovers(published) == []
        assert other.wait(timeout=120) == 0  # its temporary files were there to swap in
    finally:
        if other.poll() is None:
            _kill(other)
    assert (published / DB_NAME).exists() and _temporary(published) == []
    # a leftover of a process that has ended goes with the next publish
    stale = published / f".{DB_NAME}.20260101T000000000000-deadbeef.tmp"
    stale.write_bytes(b"partial")
    (published / ".parquet.20260101T000000000000-deadbeef.tmp").mkdir()
    removed = remove_killed_publish_leftovers(published)
    assert sorted(p.name for p in removed) == [
        ".parquet.20260101T000000000000-deadbeef.tmp",
        ".revops.duckdb.20260101T000000000000-deadbeef.tmp",
    ]
    assert _temporary(published) == []
