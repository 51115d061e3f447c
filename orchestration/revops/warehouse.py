"""The working DuckDB file: one writer at a time, raw schemas created from the contract."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revops.config import warehouse_path
from revops.contract import LINEAGE_COLUMNS, Table, all_tables


@contextmanager
def _exclusive(
    lock_path: Path,
    timeout_s: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold an exclusive flock on lock_path, with the holder (pid, since when) written in it.

    The kernel drops the lock when the holder's process ends, killed or not, so a lock file
    left behind never blocks anyone. When the lock is taken, on_wait gets the holder's text
    once; timeout_s None waits as long as it takes, else TimeoutError after timeout_s.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as fh:
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        waited = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait is not None:
                    fh.seek(0)
                    on_wait(fh.read().strip() or "unknown")
                waited = True
                if deadline is None:
                    fcntl.flock(fh, fcntl.LOCK_EX)
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another run holds {lock_path}") from None
                time.sleep(0.2)
        try:
            fh.seek(0)
            fh.truncate()
            since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            fh.write(f"pid {os.getpid()}, since {since}")
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def writer_lock(db_path: Path | None = None, timeout_s: float | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock beside the warehouse file.

    DuckDB allows one writing process per file; every writer in this project (ingestion, dbt,
    publish) takes this lock first, so two writers queue instead of failing on DuckDB's own
    lock.
    """
    db_path = db_path or warehouse_path()
    with _exclusive(db_path.with_name(db_path.name + ".lock"), timeout_s):
        yield


def run_lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".run.lock")


@contextmanager
def run_lock(
    db_path: Path | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of a whole `revops run` (window, ingestion, dbt, checks, publication).

    The writer lock only orders single writes, so two runs would take turns step by step and
    one run's checks and publication would act on the other's build. A second run waits here
    for the whole first run; on_wait gets the first run's holder text (pid, since when) once.
    """
    db_path = db_path or warehouse_path()
    with _exclusive(run_lock_path(db_path), None, on_wait):
        yield


def connect(db_path: Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db_path = db_path or warehouse_path()
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(db_path), read_only=read_only)


@contextmanager
def reader(db_path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for a process that only reads, taken under the writer lock:
    DuckDB refuses a reader while another process writes, so it waits for that writer."""
    db_path = db_path or warehouse_path()
    with writer_lock(db_path):
        con = connect(db_path, read_only=True)
        try:
            yield con
        finally:
            con.close()


def raw_table_ddl(table: Table) -> str:
    cols = [f'"{c.name}" {c.duckdb_type}' for c in table.columns]
    cols += [f"{name} {dtype}" for name, dtype in LINEAGE_COLUMNS.items()]
    return f"create table if not exists {table.qualified_name} (\n  " + ",\n  ".join(cols) + "\n)"


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, tables: list[Table] | None = None) -> None:
    """Create every raw schema and table of the contract that does not exist yet, and add the
    columns that a table created by an older version lacks: a contract column added since (e.g.
    an optional CRM field) and the lineage columns (e.g. _landed_date). Existing rows keep NULL
    there, as a file without an optional column loads it."""
    tables = tables if tables is not None else all_tables()
    for schema in sorted({t.raw_schema for t in tables}):
        con.execute(f"create schema if not exists {schema}")
    for table in tables:
        con.execute(raw_table_ddl(table))
    present = set(
        con.execute(
            "select table_schema || '.' || table_name, column_name from information_schema.columns"
        ).fetchall()
    )
    for table in tables:
        wanted = [(f'"{c.name}"', c.name, c.duckdb_type) for c in table.columns]
        wanted += [(name, name, dtype) for name, dtype in LINEAGE_COLUMNS.items()]
        for quoted, name, dtype in wanted:
            if (table.qualified_name, name) not in present:
                con.execute(
                    f"alter table {table.qualified_name} add column if not exists {quoted} {dtype}"
                )
