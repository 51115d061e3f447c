"""Load new landing files into raw_<system>.<table>, one transaction per file.

A file is identified by its path relative to the landing folder and the sha256 of its content;
a file already loaded is skipped. A run with a window (first day, last day) considers the dated
files of those days and every undated file; each row gets the file's landed date
(`_landed_date`: the day of a dated file, else the window's last day, else the UTC load date).
Rows that break the contract go to raw_meta.quarantine and the rest of the file loads; a file
that cannot be read, or lacks a required column, is rejected as a whole. Every outcome is
logged in raw_meta.load_log, and a rejection never stops other files.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from revops.contract import Table, load_contract
from revops.ingest.discover import LandingFile, discover
from revops.ingest.readers import RejectedFile, StagedTable, drop_staging, stage_file, target_tables
from revops.ingest.report import FileResult, LoadReport
from revops.ingest.validate import check
from revops.warehouse import ensure_raw_tables

MAX_MESSAGES_PER_FILE = 20

META_DDL = (
    "create schema if not exists raw_meta",
    """create table if not exists raw_meta.load_log (
        file varchar, sha256 varchar, "table" varchar, rows_in bigint, rows_loaded bigint,
        rows_quarantined bigint, status varchar, error varchar, loaded_at timestamp,
        landed_date date)""",
    """create table if not exists raw_meta.quarantine (
        "table" varchar, source_file varchar, source_row bigint, column_name varchar,
        problem varchar, raw_value varchar, record varchar, quarantined_at timestamp,
        landed_date date)""",
    # warehouses created before daily partitions
    "alter table raw_meta.load_log add column if not exists landed_date date",
    "alter table raw_meta.quarantine add column if not exists landed_date date",
)
LOG_COLUMNS = (
    'file, sha256, "table", rows_in, rows_loaded, rows_quarantined, status, error, loaded_at, '
    "landed_date"
)
QUARANTINE_COLUMNS = (
    '"table", source_file, source_row, column_name, problem, raw_value, record, quarantined_at, '
    "landed_date"
)


def ensure_meta_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in META_DDL:
        con.execute(ddl)


def landed_date_of(lf: LandingFile, window: tuple[date, date] | None, loaded_at: datetime) -> date:
    """The file's landed date: its own day if dated, else the window's last day, else the
    UTC date of the load (loaded_at is naive UTC)."""
    if lf.file_date is not None:
        return lf.file_date
    return window[1] if window is not None else loaded_at.date()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _loaded_files(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    rows = con.execute(
        "select distinct file, sha256 from raw_meta.load_log where status = 'loaded'"
    ).fetchall()
    return {(f, s) for f, s in rows}


def _log(con: duckdb.DuckDBPyConnection, result: FileResult, loaded_at: datetime) -> None:
    con.execute(
        f"insert into raw_meta.load_log ({LOG_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.file,
            result.sha256,
            result.table,
            result.rows_in,
            result.rows_loaded,
            result.rows_quarantined,
            result.status,
            result.error,
            loaded_at,
            result.landed_date,
        ],
    )


def _load_staged(
    con: duckdb.DuckDBPyConnection,
    staged: StagedTable,
    lf: LandingFile,
    label: str,
    sha: str,
    loaded_at: datetime,
    landed: date,
) -> FileResult:
    """Insert the valid rows of one staged table and quarantine the others (no commit)."""
    table: Table = staged.table
    checked, problems = check(con, table, staged.relation)
    cols = ", ".join(f'"{c.name}"' for c in table.columns)
    con.execute(
        f"insert into {table.qualified_name} "
        f"({cols}, _source_file, _source_row, _loaded_at, _landed_date) "
        f"select {cols}, ?, _source_row, ?, ? from {checked} where _problems is null",
        [lf.rel_path, loaded_at, landed],
    )
    con.execute(
        f"insert into raw_meta.quarantine ({QUARANTINE_COLUMNS}) select ?, ?, _source_row, "
        f"column_name, problem, raw_value, _record, ?, ? from {problems} "
        "order by _row_id, ordinal",
        [table.qualified_name, lf.rel_path, loaded_at, landed],
    )
    rows_in, rows_bad = con.execute(
        f"select count(*), count(*) filter (where _problems is not null) from {checked}"
    ).fetchone()
    samples = con.execute(
        f"select _source_row, column_name, problem from {problems} order by _row_id, ordinal "
        f"limit {MAX_MESSAGES_PER_FILE}"
    ).fetchall()
    n_problems = con.execute(f"select count(*) from {problems}").fetchone()[0]
    messages = [f"{label} row {r}, column {c}: {p}" for r, c, p in samples]
    if n_problems > len(samples):
        messages.append(
            f"{label}: {n_problems - len(samples)} more problem(s) in raw_meta.quarantine"
        )
    return FileResult(
        file=lf.rel_path,
        table=table.qualified_name,
        sha256=sha,
        status="loaded",
        rows_in=rows_in,
        rows_loaded=rows_in - rows_bad,
        rows_quarantined=rows_bad,
        messages=messages,
        landed_date=landed,
    )


def load_file(
    con: duckdb.DuckDBPyConnection,
    lf: LandingFile,
    label: str,
    loaded_at: datetime,
    already_loaded: set[tuple[str, str]],
    landed: date | None = None,
) -> list[FileResult]:
    """Load one file into its raw table(s) in a single transaction; never raises for the file's
    own faults (they come back as a rejected result). `landed` is the rows' _landed_date
    (default: the file's own date, else the UTC date of loaded_at)."""
    landed = landed or landed_date_of(lf, None, loaded_at)
    sha = file_sha256(lf.path)
    targets = target_tables(lf)
    if (lf.rel_path, sha) in already_loaded:
        return [FileResult(lf.rel_path, t.qualified_name, sha, "skipped") for t in targets]
    try:
        staged = stage_file(con, lf)
        con.begin()
        try:
            results = [
                _load_staged(con, st, lf, label, sha, loaded_at, landed) for st in staged.tables
            ]
            for result in results:
                _log(con, result, loaded_at)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        if staged.extra_columns:
            results[0].messages.append(
                f"{label}: extra column(s) ignored: {', '.join(staged.extra_columns)}"
            )
        return results
    except (RejectedFile, duckdb.Error) as exc:
        reason = str(exc) if isinstance(exc, RejectedFile) else f"load failed: {exc}"
        rejected = [
            FileResult(
                lf.rel_path,
                t.qualified_name,
                sha,
                "rejected",
                error=f"{label}: {reason}",
                landed_date=landed,
            )
            for t in targets
        ]
        for result in rejected:
            _log(con, result, loaded_at)
        return rejected
    finally:
        drop_staging(con)


def load_landing(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    systems: list[str] | None = None,
    loaded_at: datetime | None = None,
    tables: set[tuple[str, str]] | None = None,
    window: tuple[date, date] | None = None,
) -> LoadReport:
    """Load every new landing file of the given systems (default all) into the raw schemas.

    `loaded_at` is the run's single UTC timestamp (naive, in UTC); `tables` optionally limits
    the load to some (system, table) pairs; `window` (first day, last day, inclusive) limits
    dated files to those days (undated files always count; dated files of other days wait for
    their run and are listed in `report.waiting` when never loaded). Returns what happened to
    each file; rejected files are in `report.rejected` and never stop the others.
    """
    loaded_at = loaded_at or datetime.now(UTC)
    if loaded_at.tzinfo is not None:
        loaded_at = loaded_at.astimezone(UTC).replace(tzinfo=None)
    contract = load_contract()
    chosen = [s for s in contract if systems is None or s in systems]
    ensure_raw_tables(con, [t for s in chosen for t in contract[s].tables.values()])
    ensure_meta_tables(con)

    if window is not None and window[1] < window[0]:
        raise ValueError(f"window end {window[1]} is before its start {window[0]}")
    found = discover(landing_dir, systems, window)
    report = LoadReport(loaded_at=loaded_at, unknown=found.unknown, window=window)
    already = _loaded_files(con)
    loaded_paths = {path for path, _ in already}
    report.waiting = [
        lf.rel_path
        for lf in found.outside_window
        if lf.rel_path not in loaded_paths
        and (tables is None or (lf.table.system, lf.table.name) in tables)
    ]
    previous_tz = con.execute("select current_setting('TimeZone')").fetchone()[0]
    con.execute("set TimeZone = 'UTC'")  # offset-less timestamps are read as UTC
    try:
        for lf in found.files:
            if tables is not None and (lf.table.system, lf.table.name) not in tables:
                continue
            label = f"{landing_dir.name}/{lf.rel_path}"
            landed = landed_date_of(lf, window, loaded_at)
            report.files.extend(load_file(con, lf, label, loaded_at, already, landed))
    finally:
        con.execute(f"set TimeZone = '{previous_tz}'")
    return report
