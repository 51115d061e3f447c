"""`revops run`: the daily pipeline as ONE run over the days that landed.

It never writes landing files: on an empty landing folder it says how to get the demo business
(`make run` generates it first, by asking `revops-demo generate --if-empty`). One run at a time
per warehouse: a second run waits for the whole first one (revops.warehouse.run_lock), and each
run writes its steps' output to its own log, logs/revops_daily-<stamp>-<run id>.log
(logs/revops_daily.log links to the latest).

The window of the run: from the earliest day of a dated landing file not loaded yet to the
latest day of a dated landing file (everything loaded: just the latest day); --start / --end
override it. Undated files are loaded by whichever run comes first.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from revops.config import (
    bad_file_policy,
    dagster_home,
    landing_dir,
    warehouse_path,
)
from revops.dbt_args import AS_OF_FROM_DATA, DBT_STEP
from revops.warehouse import run_lock
from revops.window import Window, make_window

LOG_NAME = "revops_daily"
SCHEMAS = (
    "raw_crm",
    "raw_marketing",
    "raw_billing",
    "raw_plan",
    "raw_reference",
    "staging",
    "intermediate",
    "marts",
)


def landing_is_empty(landing: Path) -> bool:
    return not landing.exists() or not any(p.is_file() for p in landing.rglob("*"))


def empty_landing_message(landing: Path) -> str:
    return (
        f"Cannot run: the landing folder {landing} holds no file. Put your exports in "
        "<landing>/<system>/<table>/ (docs/landing_contract.md), or get the demo business: "
        "`make run` generates it when landing/ is empty (or `revops-demo generate`)."
    )


# --- the run's window -----------------------------------------------------------------------


def loaded_paths(db_path: Path, landing: Path | None = None) -> set[str]:
    """Landing paths that need no more loading, as the loader itself sees raw_meta.load_log
    (revops.ingest.load.load_history; none when there is no warehouse): loaded, skipped as a
    copy of loaded content, or rejected with the content the file still has (a rejected file
    is tried again only once its content changes, or the mapping file changed after its
    rejection; only those few files are hashed here)."""
    if not db_path.exists():
        return set()
    from revops.ingest.load import file_sha256, load_history
    from revops.ingest.mapping import load_mapping
    from revops.warehouse import reader

    with reader(db_path) as con:
        if not con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw_meta' and table_name = 'load_log'"
        ).fetchone()[0]:
            return set()
        history = load_history(con)
    settled = {file for file, _ in history.done}
    changed = load_mapping(landing).changed_at if landing is not None else None
    for key in history.rejected:
        file, sha, _ = key
        path = landing / file if landing is not None else None
        if (
            file not in settled
            and path is not None
            and path.is_file()
            and not history.retry_rejected(key, changed)
            and file_sha256(path) == sha
        ):
            settled.add(file)
    return settled


def landing_window(landing: Path, loaded: set[str]) -> Window | None:
    """[earliest day of a dated file not loaded yet, latest day of a dated file]; when every
    dated file is loaded, [latest, latest]; None when landing holds no dated file."""
    from revops.ingest.discover import discover

    dated = [f for f in discover(landing).files if f.file_date is not None]
    if not dated:
        return None
    latest = max(f.file_date for f in dated)
    pending = [f.file_date for f in dated if f.rel_path not in loaded]
    return (min(pending) if pending else latest), latest


def resolve_window(
    found: Window | None, start: date | None = None, end: date | None = None
) -> tuple[Window, list[str]]:
    """The run's window from the landing window and the --start/--end overrides, kept within
    the partitions that exist; returns it with notes for the user. Raises ValueError when the
    window cannot be run."""
    from revops import partitions

    notes: list[str] = []
    first, last = partitions.first_day(), partitions.last_day()
    if last is None:
        raise ValueError(f"no daily partition exists yet (they start on {first})")
    if found is None:
        found = (last, last)
        notes.append(f"no dated landing file: the window is the last complete day, {last}")
    lo, hi = start or found[0], end or found[1]
    if end is None and hi > last:
        notes.append(
            f"landing holds files dated after {last}, the last complete day: they wait for "
            "the run of their day"
        )
        hi = last
    if start is None and lo > hi:
        lo = hi
    if end is None and hi < lo:
        hi = lo
    window = make_window(lo, hi)
    if lo < first or hi > last:
        raise ValueError(
            f"window {lo} .. {hi} is outside the daily partitions {first} .. {last} "
            f"(the first day is env REVOPS_PARTITIONS_START)"
        )
    return window, notes


def nothing_new(
    landing: Path, db_path: Path, loaded: set[str], window: Window, as_of: str | None
) -> str | None:
    """Why a run over the window would do nothing, or None when it has work: every landing
    file of the window is loaded already, and the last successful dbt build
    (revops.build_state) saw the same load log, as_of_date and dbt project and was published.
    Decided before Dagster starts, so such a run takes seconds."""
    if not db_path.exists():
        return None
    import json

    from revops import build_state
    from revops.config import dbt_target_dir
    from revops.dbt_args import dbt_env
    from revops.ingest.discover import discover
    from revops.ingest.load import file_sha256, load_history
    from revops.warehouse import reader

    files = discover(landing, window=window).files
    if any(f.rel_path not in loaded for f in files):
        return None
    manifest = dbt_target_dir() / "manifest.json"
    if not manifest.exists():
        return None
    as_of_env = dbt_env(window, as_of)["REVOPS_AS_OF_DATE"]
    with reader(db_path) as con:
        plan, _ = build_state.plan_for(con, json.loads(manifest.read_text()), as_of_env)
        owed = build_state.unpublished_marts(con)
        history = load_history(con)
    if not plan.nothing or owed:
        return None
    # a file exported again under the same path (corrected rates, a re-export of the day) is
    # new content: the loader keys on path and content, so this decision does too
    seen = history.done | {(file, sha) for file, sha, _ in history.rejected}
    if any((f.rel_path, file_sha256(f.path)) not in seen for f in files):
        return None
    return plan.reason


# --- the run --------------------------------------------------------------------------------


def job_run_config(
    as_of_date: str | None = None, full_refresh: bool = False, unit_tests: bool = False
) -> dict[str, Any]:
    dbt_config: dict[str, Any] = {"as_of_date": as_of_date} if as_of_date else {}
    if full_refresh:
        dbt_config["full_refresh"] = True
    if unit_tests:
        dbt_config["unit_tests"] = True
    return {
        "loggers": {"progress": {}},
        "ops": {DBT_STEP: {"config": dbt_config}},
    }


def execution_args(window: Window) -> dict[str, Any]:
    """execute_in_process arguments that make ONE run over the window's partitions."""
    from revops.partitions import key_of, run_tags

    start, end = window
    if start == end:
        return {"partition_key": key_of(start)}
    return {"tags": run_tags(start, end)}


def run_log_path(logs: Path, run_id: str) -> Path:
    """A new log file of its own for one run, logs/revops_daily-<UTC stamp>-<run id>.log, and
    logs/revops_daily.log pointed at it (a relative symlink, swapped in one rename)."""
    logs.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_path = logs / f"{LOG_NAME}-{stamp}-{run_id[:8]}.log"
    log_path.touch()
    latest = logs / f"{LOG_NAME}.log"
    tmp_link = logs / f".{LOG_NAME}.{run_id}.link"
    tmp_link.symlink_to(log_path.name)
    if latest.exists() and not latest.is_symlink():  # the single log of an older version
        os.replace(latest, logs / f"{LOG_NAME}-before-{stamp}.log")
    os.replace(tmp_link, latest)
    return log_path


def run_daily_job(
    window: Window,
    as_of_date: str | None = None,
    full_refresh: bool = False,
    quiet: bool = True,
    unit_tests: bool = False,
) -> tuple[Any, Path]:
    """Execute revops_daily in-process, as one run over the window, against the persistent
    Dagster instance; returns its result and the log file of the steps' output."""
    import dagster as dg

    from revops.definitions import defs

    home = dagster_home()
    os.environ["DAGSTER_HOME"] = str(home)  # DagsterInstance.get() reads it
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists():
        instance_yaml.write_text("telemetry:\n  enabled: false\n")
    job = defs.resolve_job_def("revops_daily")
    run_config = job_run_config(as_of_date, full_refresh, unit_tests)
    if not quiet:
        run_config.pop("loggers")
    run_id = str(uuid.uuid4())
    log_path = run_log_path(warehouse_path().parent / "logs", run_id)
    with (
        dg.DagsterInstance.get() as instance,
        log_path.open("w") as log,
        contextlib.redirect_stdout(log),
    ):
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            raise_on_error=False,
            run_id=run_id,
            **execution_args(window),
        )
        for event in result.all_events:  # the whole errors, in the log file
            if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                error = event.event_specific_data.error
                print(f"{event.step_key} failed: {error.to_string() if error else 'unknown'}")
    print(f"      step output (dbt's log): {log_path}")
    return result, log_path


def summarize(result: Any, landing: Path, db_path: Path) -> tuple[list[str], str | None]:
    """The summary lines of a finished run and, when it failed, the one line of its cause."""
    from revops import summary
    from revops.config import dbt_run_dir

    events = summary.read_run_events(result)
    dbt = summary.read_dbt_results(dbt_run_dir(result.run_id))
    # the FX gaps as of this run: dq_fx_rates_missing rebuilt by it, or left as it was by a
    # successful build whose selection did not reach it (its inputs did not change); after a
    # failed build the table may describe older data, so it is not read
    dbt_ok = dbt is not None and not dbt.failed
    fx_gaps = summary.read_fx_gaps(db_path) if dbt_ok and db_path.exists() else []
    lines = summary.render(events, dbt, fx_gaps, landing.name)
    cause = summary.diagnose(events, dbt, fx_gaps, landing.name)
    return lines, cause


def schema_row_counts(db_path: Path) -> dict[str, tuple[int, int]]:
    """(tables, rows) per schema of interest, read-only."""
    import duckdb

    counts: dict[str, tuple[int, int]] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' or table_schema = 'staging'"
        ).fetchall()
        for schema in SCHEMAS:
            names = [t for s, t in tables if s == schema and not t.startswith("_")]
            rows = sum(
                con.execute(f'select count(*) from {schema}."{name}"').fetchone()[0]
                for name in names
            )
            counts[schema] = (len(names), rows)
    return counts


def run(
    as_of_date: date | None = None,
    start: date | None = None,
    end: date | None = None,
    full_refresh: bool = False,
    unit_tests: bool = False,
) -> int:
    """`revops run`: one run over the landing folder's files (never generated here), after any
    run in progress on the same warehouse has finished; the exit code of the run."""
    landing = landing_dir()
    if landing_is_empty(landing):
        print(empty_landing_message(landing))
        return 2
    with run_lock(warehouse_path(), on_wait=_say_waiting):
        return _run(as_of_date, start, end, full_refresh, unit_tests)


def _say_waiting(holder: str) -> None:
    print(
        f"      another run of this warehouse is in progress ({holder}): waiting for the whole "
        "run to finish",
        flush=True,
    )


def _run(
    as_of_date: date | None,
    start: date | None,
    end: date | None,
    full_refresh: bool,
    unit_tests: bool,
) -> int:
    started = time.monotonic()
    landing, db_path = landing_dir(), warehouse_path()
    try:
        policy = bad_file_policy()
    except ValueError as exc:
        print(f"Cannot run: {exc}")
        return 2
    print(f"[1/3] landing: the files in {landing}", flush=True)
    try:
        loaded = loaded_paths(db_path, landing)
        found = landing_window(landing, loaded)
        window, notes = resolve_window(found, start, end)
    except ValueError as exc:
        print(f"Cannot run: {exc}")
        return 2
    as_of = as_of_date.isoformat() if as_of_date else None
    if as_of is None and found is None and start is None and end is None:
        as_of = AS_OF_FROM_DATA
    idle = (
        None if full_refresh or unit_tests else nothing_new(landing, db_path, loaded, window, as_of)
    )
    if idle:
        print(
            f"[2/3] nothing new for the window {window[0]} .. {window[1]}: every landing file "
            f"is loaded and the last build is current ({idle.split(': ', 1)[-1]}); no dbt, "
            "no checks, nothing published"
        )
        print(f"\nDone in {time.monotonic() - started:.1f}s.")
        print(page_line())
        return 0
    days = (window[1] - window[0]).days + 1
    refresh = ", dbt --full-refresh" if full_refresh else ""
    refresh += ", with dbt unit tests" if unit_tests else ""
    print(
        "[2/3] running the daily job revops_daily (ingest -> dbt build -> checks -> publish -> "
        "weekly page)\n"
        f"      window {window[0]} .. {window[1]} ({days} day{'s' if days > 1 else ''}, "
        f"one run{refresh}; bad files: {policy})",
        flush=True,
    )
    for note in notes:
        print(f"      note: {note}")
    if as_of == AS_OF_FROM_DATA:
        print("      note: as_of_date is the latest business date in the data (no dated file)")
    result, log_path = run_daily_job(
        window,
        as_of,
        full_refresh,
        unit_tests=unit_tests,
    )
    print("[3/3] run summary", flush=True)
    try:
        lines, cause = summarize(result, landing, db_path)
    except Exception as exc:  # the summary must never hide the run's own outcome
        lines, cause = [f"  (no summary: {type(exc).__name__}: {exc})"], None
    print("\n".join(lines), flush=True)
    if not result.success:
        print(f"The daily job FAILED: {cause or 'a step failed'}")
        print(
            f"      details: {log_path} (step output); every step of run {result.run_id} "
            "in the UI: make dev"
        )
        return 1
    print("      warehouse contents", flush=True)
    for schema, (tables, rows) in schema_row_counts(db_path).items():
        print(f"        {schema:<14} {tables:>3} relations {rows:>12,} rows")
    print(f"\nDone in {time.monotonic() - started:.0f}s.")
    from revops.config import gx_docs_dir, published_dir

    print(f"Warehouse:  {db_path}   (working file: ingestion and dbt write here)")
    print(f"Published:  {published_dir() / 'revops.duckdb'}   (BI reads this; Parquet beside it)")
    print(f"Data Docs:  {gx_docs_dir()}   (Great Expectations results of every run)")
    print(f"Landing:    {landing}")
    print("Dagster UI: make dev   (then open http://127.0.0.1:3000)")
    print(page_line())
    return 0


def page_line() -> str:
    """The last line of a run: where the weekly revenue page is (opens from disk)."""
    from revops.config import page_dir
    from revops.page import INDEX

    index = page_dir() / INDEX
    if not index.is_file():
        return f"Weekly page: not built yet ({index} appears after a run that publishes)"
    return f"Weekly page: {index}   (opens from disk; or: make page)"
