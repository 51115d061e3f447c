"""Publish the marts: a read-only DuckDB file for BI tools plus one Parquet file per mart.

  <published>/revops.duckdb          every table of schema `marts`, written with
                                     STORAGE_VERSION v1.5.0 so DuckDB 1.5 readers open it
  <published>/parquet/<mart>.parquet the same tables; `parquet` is a symlink to a versioned
                                     folder (parquet-<stamp>), swapped atomically

Both are built beside their final name and swapped in with os.replace: a reader that holds
the old file keeps reading it (POSIX keeps the unlinked inode), a new reader sees the new one,
nobody ever sees a half-written file, and publishing never waits for a reader. The working
warehouse is read under the writer lock, so a publish never reads a half-built dbt run.

Only the marts rebuilt since the last publication (raw_meta.build_state) are exported to Parquet
again; the others are hard-linked from the previous version (their content is the same). The
DuckDB file always holds every mart. Nothing rebuilt since the last publication: nothing is
published.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revops import build_state
from revops.config import published_dir, warehouse_path
from revops.sql import ident as _ident
from revops.sql import lit as _literal
from revops.warehouse import writer_lock

STORAGE_VERSION = "v1.5.0"
PUBLISHED_SCHEMA = build_state.MARTS_SCHEMA
DB_NAME = "revops.duckdb"
PARQUET_LINK = "parquet"
KEEP_PARQUET_VERSIONS = 2  # the current one and the previous one, for readers mid-way


@dataclass
class PublishResult:
    database: Path
    parquet_dir: Path
    storage_version: str
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    exported: list[str] = field(default_factory=list)  # Parquet written anew (else linked)
    published: bool = True  # False: nothing changed since the last publication


def _copy_schema(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, int]:
    """Copy every table and view of src.<schema> into pub.<schema> as tables, with comments
    and NOT NULL where the source column has it (a mart's contract: BI tools read nullability
    from the schema)."""
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'src' and table_schema = ? order by table_name",
            [schema],
        ).fetchall()
    ]
    con.execute(f"create schema if not exists pub.{_ident(schema)}")
    counts: dict[str, int] = {}
    for name in names:
        src, dst = f"src.{_ident(schema)}.{_ident(name)}", f"pub.{_ident(schema)}.{_ident(name)}"
        con.execute(f"create table {dst} as select * from {src}")
        counts[name] = con.execute(f"select count(*) from {dst}").fetchone()[0]
    comments = con.execute(
        "select table_name, comment from duckdb_tables() "
        "where database_name = 'src' and schema_name = ? and comment is not null "
        "union all select view_name, comment from duckdb_views() "
        "where database_name = 'src' and schema_name = ? and comment is not null",
        [schema, schema],
    ).fetchall()
    for name, comment in comments:
        con.execute(f"comment on table pub.{_ident(schema)}.{_ident(name)} is {_literal(comment)}")
    columns = con.execute(
        "select table_name, column_name, comment, is_nullable from duckdb_columns() "
        "where database_name = 'src' and schema_name = ? "
        "and (comment is not null or not is_nullable)",
        [schema],
    ).fetchall()
    for name, column, comment, is_nullable in columns:
        table = f"pub.{_ident(schema)}.{_ident(name)}"
        if comment is not None:
            con.execute(f"comment on column {table}.{_ident(column)} is {_literal(comment)}")
        if not is_nullable:
            con.execute(f"alter table {table} alter column {_ident(column)} set not null")
    return counts


CHECKSUM_KEY = "revops_checksum"  # Parquet key-value metadata: the checksum of the file's rows


def _checksum(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The rows of a table as one value (row count and the sum of the rows' hashes): equal
    for equal contents in any order."""
    rows, total = con.execute(f"select count(*), sum(hash(t)) from {relation} as t").fetchone()
    return f"{rows}:{total}"


def _file_checksum(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """The checksum a Parquet file was written with (None: none, or no such file)."""
    if not path.is_file():
        return None
    row = con.execute(
        "select decode(value) from parquet_kv_metadata(?) where decode(key) = ?",
        [str(path), CHECKSUM_KEY],
    ).fetchone()
    return row[0] if row else None


def _export_parquet(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    tables: list[str],
    folder: Path,
    previous: Path | None = None,
) -> list[str]:
    """Write each table's Parquet file, except a table whose rows equal those of the previous
    version's file (the checksum in its metadata): that file is hard-linked. Returns the
    tables written. Deciding by content, not by which models a build reported, means a mart
    changed by any route (a UI run of some assets, a developer's dbt build) is never left
    stale in Parquet."""
    folder.mkdir(parents=True)
    written = []
    for name in tables:
        relation = f"pub.{_ident(schema)}.{_ident(name)}"
        checksum = _checksum(con, relation)
        target = folder / f"{name}.parquet"
        old = previous / target.name if previous is not None else None
        if old is not None and _file_checksum(con, old) == checksum:
            os.link(old, target)
            continue
        con.execute(
            f"copy {relation} to {_literal(str(target))} (format parquet, compression zstd, "
            f"kv_metadata {{{CHECKSUM_KEY}: {_literal(checksum)}}})"
        )
        written.append(name)
    return written


def _changed_since_publication(
    con: duckdb.DuckDBPyConnection,
) -> tuple[set[str] | None, datetime | None]:
    """(marts rebuilt since the last publication, or None when unknown: every mart; the
    latest build seen), read by revops.build_state from the working warehouse attached as src."""
    con.execute("use src")
    try:
        return build_state.unpublished_marts(con), build_state.latest_build_at(con)
    finally:
        con.execute("use memory")


def _storage_version(path: Path) -> str:
    con = duckdb.connect()
    try:
        con.execute(f"attach {_literal(str(path))} as chk (read_only)")
        tags = con.execute(
            "select tags from duckdb_databases() where database_name = 'chk'"
        ).fetchone()[0]
        con.execute("detach chk")
    finally:
        con.close()
    return str(tags.get("storage_version", ""))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_parquet(target_dir: Path, built: Path, stamp: str) -> Path:
    """Point target_dir/parquet at the freshly built folder in one rename; prune old ones."""
    version = target_dir / f"{PARQUET_LINK}-{stamp}"
    os.replace(built, version)
    link = target_dir / PARQUET_LINK
    if link.exists() and not link.is_symlink():  # a plain folder from an older layout
        os.replace(link, target_dir / f"{PARQUET_LINK}-{stamp}-legacy")
    tmp_link = target_dir / f".{PARQUET_LINK}.{stamp}.link"
    tmp_link.symlink_to(version.name)
    os.replace(tmp_link, link)
    versions = sorted(p for p in target_dir.glob(f"{PARQUET_LINK}-*") if p.is_dir())
    for old in versions[:-KEEP_PARQUET_VERSIONS]:
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
    return link


# Every process that publishes holds a shared flock on the published folder itself until it
# exits (the kernel drops it when the process dies, killed or not): one descriptor per folder.
_PUBLISH_LEASES: dict[Path, int] = {}


def remove_killed_publish_leftovers(target_dir: Path) -> list[Path]:
    """Remove what a publish killed mid-way left in target_dir: its temporary database
    (.revops.duckdb.<stamp>.tmp, with its .wal), Parquet folder (.parquet.<stamp>.tmp) and
    link (.parquet.<stamp>.link). Returns the paths removed.

    Called at the start of publish(). A temporary file is removed only when no other live
    process has published here (the removal runs under the exclusive lock, which every
    publishing process's shared lock keeps out): a publish in progress keeps its files, and
    what it leaves if killed goes with the next publish after its process has ended.
    """
    key = target_dir.resolve()
    fd = _PUBLISH_LEASES.get(key)
    if fd is None or os.fstat(fd).st_ino != key.stat().st_ino:  # new, or folder re-created
        fd = _PUBLISH_LEASES[key] = os.open(key, os.O_RDONLY | os.O_DIRECTORY)
    removed: list[Path] = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pass  # another live process publishes here: its temporary files are not leftovers
    else:
        patterns = (f".{DB_NAME}.*.tmp", f".{DB_NAME}.*.tmp.wal", f".{PARQUET_LINK}.*.tmp")
        for path in sorted({p for pattern in patterns for p in key.glob(pattern)}):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        for link in key.glob(f".{PARQUET_LINK}.*.link"):
            link.unlink()
            removed.append(link)
    fcntl.flock(fd, fcntl.LOCK_SH)  # until this process exits
    return removed


def publish(
    source: Path | None = None, target_dir: Path | None = None, schema: str = PUBLISHED_SCHEMA
) -> PublishResult:
    """Copy schema `schema` of the working warehouse into a new published file and Parquet
    (the Parquet of a mart whose rows did not change linked, not rewritten); nothing when no
    build was recorded since the last publication (revops.build_state) and a published file
    exists."""
    source = source or warehouse_path()
    target_dir = target_dir or published_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    remove_killed_publish_leftovers(target_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]
    tmp_db = target_dir / f".{DB_NAME}.{stamp}.tmp"
    tmp_parquet = target_dir / f".{PARQUET_LINK}.{stamp}.tmp"
    link = target_dir / PARQUET_LINK
    previous = link.resolve() if link.is_symlink() and link.resolve().is_dir() else None
    con = duckdb.connect()
    try:
        with writer_lock(source):
            con.execute(f"attach {_literal(str(source))} as src (read_only)")
            changed, latest_build = _changed_since_publication(con)
            if changed == set() and (target_dir / DB_NAME).exists() and previous is not None:
                con.execute("detach src")
                con.close()
                return PublishResult(target_dir / DB_NAME, link, STORAGE_VERSION, published=False)
            con.execute(
                f"attach {_literal(str(tmp_db))} as pub "
                f"(storage_version {_literal(STORAGE_VERSION)})"
            )
            counts = _copy_schema(con, schema)
            con.execute("detach src")
        if not counts:
            raise RuntimeError(f"nothing to publish: schema {schema!r} of {source} has no tables")
        exported = _export_parquet(con, schema, sorted(counts), tmp_parquet, previous)
        con.execute("detach pub")
    except BaseException:
        con.close()
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(tmp_parquet, ignore_errors=True)
        raise
    con.close()
    if Path(str(tmp_db) + ".wal").exists():
        raise RuntimeError(f"{tmp_db} left a WAL behind; not publishing a partial file")
    version = _storage_version(tmp_db)
    _fsync(tmp_db)
    database = target_dir / DB_NAME
    os.replace(tmp_db, database)
    parquet_dir = _swap_parquet(target_dir, tmp_parquet, stamp)
    if latest_build is not None:
        _mark_published(source, latest_build)
    return PublishResult(
        database=database,
        parquet_dir=parquet_dir,
        storage_version=version,
        tables=counts,
        exported=exported,
    )


def _mark_published(source: Path, latest_build: datetime) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    with writer_lock(source), duckdb.connect(str(source)) as con:
        build_state.mark_published(con, now, latest_build)
