"""Load new landing files into raw_<system>.<table>, one transaction per file.

A file is identified by its path relative to the landing folder and the sha256 of its content;
a file already loaded is skipped. A run with a window (first day, last day) considers the dated
files of those days and every undated file; each row gets the file's landed date
(`_landed_date`: the day of a dated file, else the window's last day, else the UTC load date).
Rows that break the contract go to raw_meta.quarantine and the rest of the file loads; a file
that cannot be read, or lacks a required column, is rejected as a whole. Every outcome is
logged in raw_meta.load_log, and a rejection never stops other files.

raw_meta.load_log holds one row per attempt at a file's content and raw table, with `status`:
- `loaded`: the rows are in raw (rows_loaded) and raw_meta.quarantine (rows_quarantined);
- `rejected`: the file itself is at fault (unreadable, a required column missing...), nothing
  of it was loaded; `error` says why. The same content is NOT tried again: later runs skip it
  and report it again (FileResult status `skipped` carrying the earlier `error`, listed in
  `LoadReport.still_rejected`) until the file's content (its sha256) changes;
- `failed`: the load broke for a reason outside the file (a database error); nothing of it was
  loaded, and the next run tries it again;
- `duplicate`: the same content (sha256), with at least one row, was already loaded from
  another path for the same landed date (in an earlier run or earlier in this one); nothing
  was loaded, so an identical copy under a new name never doubles rows; `error` names the
  first path. The same content landed on another day loads as that day's versions (a snapshot
  whose values went back to an earlier day's must win over the day between);
A file rejected before is tried again, its content unchanged, when the user's mapping file
(`<landing>/mapping.yml`) changed after its last rejection: the mapping may be its fix.
An entry of the mapping file with an error rejects the files of its table (naming the mapping
file and the key); a mapping error that concerns no table is in `LoadReport.errors`.
A skip writes no row. Paths that cannot be loaded at all (a broken symbolic link, another
extension) are listed in `LoadReport.unknown`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from revops.contract import Table, load_contract
from revops.ingest.discover import LandingFile, discover
from revops.ingest.mapping import Mapping, load_mapping
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


@dataclass
class History:
    """What raw_meta.load_log says of earlier attempts, kept up to date during a run."""

    done: set[tuple[str, str]] = field(default_factory=set)  # (file, sha) loaded or duplicate
    # (file, sha, table) of a rejected content -> (its error, when first rejected)
    rejected: dict[tuple[str, str, str], tuple[str, datetime]] = field(default_factory=dict)
    # (file, sha, table) of a rejected content -> when last rejected
    rejected_last: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    # (sha, landed date) -> the first path that loaded rows of that content on that day
    content: dict[tuple[str, date | None], str] = field(default_factory=dict)

    def retry_rejected(self, key: tuple[str, str, str], mapping_changed: datetime | None) -> bool:
        """Whether a rejected (file, sha, table) is to be tried again, its content unchanged:
        the user's mapping file changed after its last rejection."""
        last = self.rejected_last.get(key)
        return mapping_changed is not None and last is not None and mapping_changed > last

    def record(self, results: list[FileResult]) -> None:
        """Take in a loaded file (its content now counts as loaded under its path)."""
        for r in results:
            if r.status == "loaded":
                self.done.add((r.file, r.sha256))
                if r.rows_in > 0:
                    self.content.setdefault((r.sha256, r.landed_date), r.file)


def load_history(con: duckdb.DuckDBPyConnection) -> History:
    history = History()
    for file, sha in con.execute(
        "select distinct file, sha256 from raw_meta.load_log "
        "where status in ('loaded', 'duplicate')"
    ).fetchall():
        history.done.add((file, sha))
    for sha, landed, file in con.execute(
        "select sha256, landed_date, min(file) from raw_meta.load_log where status = 'loaded' "
        "group by sha256, landed_date having sum(rows_in) > 0"
    ).fetchall():
        history.content[(sha, landed)] = file
    for file, sha, table, error, first, last in con.execute(
        'select file, sha256, "table", arg_max(error, loaded_at), min(loaded_at), max(loaded_at) '
        "from raw_meta.load_log where status = 'rejected' and sha256 is not null "
        # before the status 'failed', a database error was logged as rejected: retry those
        "and error not like '%: load failed: %' "
        'group by file, sha256, "table"'
    ).fetchall():
        history.rejected[(file, sha, table)] = (error, first)
        history.rejected_last[(file, sha, table)] = last
    return history


def _log(
    con: duckdb.DuckDBPyConnection,
    result: FileResult,
    loaded_at: datetime,
    status: str | None = None,
    error: str | None = None,
) -> None:
    """One load_log row for a result; `status` and `error` override the result's (for the
    statuses failed and duplicate, which FileResult does not have)."""
    con.execute(
        f"insert into raw_meta.load_log ({LOG_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.file,
            result.sha256,
            result.table,
            result.rows_in,
            result.rows_loaded,
            result.rows_quarantined,
            status or result.status,
            error or result.error,
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
    checked, problems = check(con, table, staged.relation, staged.checks)
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


def _skip_or_duplicate(
    lf: LandingFile,
    label: str,
    sha: str,
    targets: list[Table],
    history: History,
    landed: date,
    mapping_changed: datetime | None = None,
) -> tuple[list[FileResult], bool] | None:
    """Results for a file that is not to be loaded (done before, still rejected, or a copy of
    content loaded from another path for the same landed date) and whether to log them as
    duplicates; else None. The same content on ANOTHER landed date loads: a daily snapshot
    whose values went back to an earlier day's is a newer version, not a copy."""
    if (lf.rel_path, sha) in history.done:
        return [FileResult(lf.rel_path, t.qualified_name, sha, "skipped") for t in targets], False
    keys = [(lf.rel_path, sha, t.qualified_name) for t in targets]
    earlier = [history.rejected.get(k) for k in keys]
    if any(history.retry_rejected(k, mapping_changed) for k in keys):
        earlier = []  # the mapping changed since: it may be the fix, try again
    if any(earlier):
        error, first = next(e for e in earlier if e)
        results = [
            FileResult(lf.rel_path, t.qualified_name, sha, "skipped", error=(prev or (error,))[0])
            for t, prev in zip(targets, earlier, strict=True)
        ]
        results[0].messages.append(
            f"{label}: still rejected (first on {first:%Y-%m-%d %H:%M} UTC); its content has "
            "not changed, so it is not tried again"
        )
        return results, False
    first_path = history.content.get((sha, landed))
    if first_path is not None and first_path != lf.rel_path:
        note = (
            f"{label}: same content as {first_path}, which is loaded: not loaded again "
            "(its rows would be counted twice); remove one of the two files"
        )
        results = [
            FileResult(lf.rel_path, t.qualified_name, sha, "skipped", duplicate_of=first_path)
            for t in targets
        ]
        results[0].messages.append(note)
        return results, True
    return None


def load_file(
    con: duckdb.DuckDBPyConnection,
    lf: LandingFile,
    label: str,
    loaded_at: datetime,
    history: History,
    landed: date | None = None,
    mapping: Mapping | None = None,
) -> list[FileResult]:
    """Load one file into its raw table(s) in a single transaction; never raises for the file's
    own faults (they come back as a rejected result). `landed` is the rows' _landed_date
    (default: the file's own date, else the UTC date of loaded_at). `history` says what was
    done before (skips, still rejected, duplicates) and takes in this file's outcome.
    `mapping`: the user's mapping file (mapping.py), applied to the file's table."""
    landed = landed or landed_date_of(lf, None, loaded_at)
    mapping = mapping or Mapping()
    table_key = (lf.table.system, lf.table.name)
    targets = target_tables(lf)

    def rejected(reason: str, sha: str | None, status: str = "rejected") -> list[FileResult]:
        results = [
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
        for result in results:
            _log(con, result, loaded_at, status)
        return results

    try:
        sha = file_sha256(lf.path)
    except OSError as exc:
        # vanished or unreadable (permissions): the next run tries again
        return rejected(f"cannot be read: {exc.strerror or exc}", None, "failed")
    skip = _skip_or_duplicate(lf, label, sha, targets, history, landed, mapping.changed_at)
    if skip is not None:
        results, duplicate = skip
        if duplicate:
            for result in results:
                result.landed_date = landed
                _log(con, result, loaded_at, "duplicate", results[0].messages[0])
            history.done.add((lf.rel_path, sha))
        return results
    if table_key in mapping.blocked:
        return rejected(mapping.blocked[table_key], sha)
    try:
        staged = stage_file(con, lf, mapping.tables.get(table_key))
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
        for note in staged.notes:
            results[0].messages.append(f"{label}: {note}")
        if staged.extra_columns:
            results[0].messages.append(
                f"{label}: extra column(s) ignored: {', '.join(staged.extra_columns)}"
            )
        history.record(results)
        return results
    except RejectedFile as exc:
        return rejected(str(exc), sha)
    except (duckdb.Error, OSError) as exc:
        # not the file's fault as far as we know: logged as failed, tried again next run
        return rejected(f"load failed: {exc}", sha, "failed")
    except Exception as exc:  # one file must never stop the others: logged, tried next run
        return rejected(f"load failed: {type(exc).__name__}: {exc}", sha, "failed")
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
    each file; files rejected in this run are in `report.rejected`, files rejected before whose
    content has not changed in `report.still_rejected`; neither stops the others.
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
    mapping = load_mapping(landing_dir)
    report = LoadReport(
        loaded_at=loaded_at, unknown=found.unknown, window=window, errors=list(mapping.errors)
    )
    history = load_history(con)
    loaded_paths = {path for path, _ in history.done}
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
            report.files.extend(load_file(con, lf, label, loaded_at, history, landed, mapping))
    finally:
        con.execute(f"set TimeZone = '{previous_tz}'")
    return report
