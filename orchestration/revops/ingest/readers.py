"""Read one landing file into DuckDB temp tables of text values, one per target raw table.

Every staged table has the columns `_row_id` (unique per staged row), `_source_row` (1-based
data row of the file, or element index of the JSON list; a nested row gets its parent's),
`_record` (the row as JSON text, for the quarantine) and one VARCHAR column per contract column
(NULL when the file lacks it). Nothing is typed here: validate.py checks and casts in SQL.

The real format of a file comes from its first bytes (`sniff`), not its name: a gzip stream is
decompressed (CSV and JSON; a note says so when the name hides it), and an Excel workbook, a zip
archive, a Parquet file or UTF-16 text under a CSV or JSON name is rejected naming what it is.
A CSV header is checked before any row is read: a column named twice is refused (which value
would be meant is unknowable); empty header cells (Excel writes `id,name,,`) are ignored when
their column holds no value and refused when it does; when required columns are missing but a
later line (within the first 30) holds them, the message says where the header seems to start.
A Stripe list response with `has_more: true` loads with a note that the export is partial.
"""

from __future__ import annotations

import csv
import gzip
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from revops.contract import SUM_PATH, Column, Table, get_table
from revops.ingest.columns import ColumnConflict, Resolution, resolve
from revops.ingest.discover import LandingFile
from revops.ingest.mapping import TableMapping, value_case
from revops.sql import ident as _ident
from revops.sql import lit as _lit

# Stripe parents whose API objects carry child lists: parent table -> (child table, list path,
# child column -> parent column whose value (read by its json_path list) is used when the
# child lacks one).
NESTED: dict[tuple[str, str], tuple[str, str, dict[str, str]]] = {
    ("billing", "subscriptions"): ("subscription_items", "items.data", {"subscription_id": "id"}),
    ("billing", "invoices"): (
        "invoice_line_items",
        "lines.data",
        {"invoice_id": "id", "subscription_id": "subscription_id"},
    ),
}
MAX_JSON_BYTES = 1 << 30
HEADER_SCAN_LINES = 30  # lines searched for a header that does not start on line 1
MAX_HEADER_BYTES = 16 << 20  # the longest header line read
BLANK_COLUMN = "_blank_column_"  # placeholder name of an empty header cell, + its position

# What a file really is, by its first bytes (None: text, taken as the format its name says).
KIND_NAMES: dict[str, str] = {
    "xlsx": "an Excel workbook (xlsx)",
    "xls": "an Excel 97-2003 workbook (xls)",
    "zip": "a zip archive",
    "parquet": "a Parquet file",
    "utf-16": "UTF-16 text",
    "gzip": "gzip-compressed",
}


class RejectedFile(Exception):
    """The file as a whole cannot be loaded; the message says why."""


@dataclass
class StagedTable:
    table: Table
    relation: str  # temp view name
    # row checks beyond the contract's: (column name, SQL condition, SQL problem text)
    checks: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class StagedFile:
    tables: list[StagedTable] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # loaded, but the user should know


def sniff(path: Path) -> str | None:
    """What the file is by its magic bytes: a key of KIND_NAMES, or None for anything else."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head == b"PAR1":
        return "parquet"
    if head == b"\xd0\xcf\x11\xe0":
        return "xls"
    if head == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return "zip"
        return "xlsx" if any(n.startswith("xl/") for n in names) else "zip"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    return None


def _wrong_kind(kind: str, expected: str) -> RejectedFile:
    advice = {
        "xlsx": "save it as CSV UTF-8 (comma delimited)",
        "xls": "save it as CSV UTF-8 (comma delimited)",
        "zip": "unzip it and land the files it holds",
        "parquet": "name it .parquet",
        "utf-16": "save it as UTF-8",
        "gzip": "land it uncompressed (Parquet compresses inside the file)",
    }[kind]
    return RejectedFile(
        f"unreadable {expected}: the file is {KIND_NAMES[kind]}, not {expected}: {advice}"
    )


def _compression(lf: LandingFile, expected: str) -> str:
    """DuckDB's compression option for a CSV or JSON file ('gzip' or 'none'); raise
    RejectedFile when the file is another format than its name says."""
    kind = sniff(lf.path)
    if kind == "gzip":
        return "gzip"
    if kind is not None:
        raise _wrong_kind(kind, expected)
    return "none"


def _gzip_note(lf: LandingFile, compression: str) -> list[str]:
    if compression == "gzip" and not lf.path.name.lower().endswith(".gz"):
        return ["the file is gzip-compressed (its name does not say so): loaded decompressed"]
    return []


def target_tables(lf: LandingFile) -> list[Table]:
    """The raw tables a file feeds: its own, plus the nested child for Stripe JSON parents."""
    nested = NESTED.get((lf.table.system, lf.table.name))
    if nested and lf.fmt in ("json", "jsonl"):
        return [lf.table, get_table(lf.table.system, nested[0])]
    return [lf.table]


def _duck_error(exc: Exception) -> str:
    """The useful first lines of a DuckDB error, without its 'Possible fixes' advice and
    without the source line it quotes ('Original Line: ...'): the line number says where, and
    the quoted record may hold personal data (emails, names) that the error carries on to the
    screen, the logs and the published dq_rejected_files."""
    lines = []
    for line in str(exc).splitlines():
        if line.strip().lower().startswith(("possible", "* ")):
            break
        line = line.strip()
        if line.startswith("Original Line:"):
            continue
        if line:
            # a message line can be long: keep both ends, so which line and what problem
            # survive
            lines.append(line if len(line) <= 300 else f"{line[:150]} ... {line[-150:]}")
    return "; ".join(lines)[:1200]


def _check_header(table: Table, present: set[str], kind: str) -> list[str]:
    missing = [c for c in table.required_columns if c not in present]
    if missing:
        raise RejectedFile(f"required column(s) {', '.join(missing)} missing from the {kind}")
    known = {c.name for c in table.columns}
    return sorted(present - known)


# --- CSV and Parquet: columns by name -------------------------------------------------------


def _first_lines(lf: LandingFile, compression: str) -> list[bytes]:
    """The first HEADER_SCAN_LINES raw lines of a CSV file (decompressed)."""
    opener = gzip.open if compression == "gzip" else open
    try:
        with opener(lf.path, "rb") as fh:
            # a header line up to 16 MB (a file with no newline is not read whole); later lines
            # only in part (they are only searched for a header)
            lines = [fh.readline(MAX_HEADER_BYTES)]
            lines += [fh.readline(1 << 16) for _ in range(HEADER_SCAN_LINES - 1)]
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectedFile(f"unreadable gzip: {exc}") from None
    if len(lines[0]) >= MAX_HEADER_BYTES:
        raise RejectedFile(
            f"unreadable CSV: no line break in the first {MAX_HEADER_BYTES >> 20} MB (a header "
            "that long, or lines ending in a bare CR as old Mac exports write them)"
        )
    return [line for line in lines if line]


def _csv_row(text: str) -> list[str]:
    """One CSV record's cells; a line the csv module refuses (e.g. a bare CR inside it, as old
    Mac exports end their lines) rejects the file with the reason."""
    try:
        return next(csv.reader([text]), [])
    except csv.Error as exc:
        raise RejectedFile(f"unreadable CSV: {exc} (lines ending in a bare CR?)") from None


def _cells(line: bytes) -> list[str]:
    text = line.decode("utf-8-sig", errors="replace")
    return [c.strip().lower() for c in _csv_row(text)]


def _header_line(table: Table, lines: list[bytes]) -> int | None:
    """The 1-based line (after line 1) that holds every required column, if any."""
    required = set(table.required_columns)
    for number, line in enumerate(lines[1:], start=2):
        if required and required <= set(_cells(line)):
            return number
    return None


def _csv_header(lf: LandingFile, lines: list[bytes]) -> list[str]:
    """The file's column names as written (trimmed), an empty cell named BLANK_COLUMN +
    position; a name repeated in any case is refused."""
    if not lines:
        raise RejectedFile("unreadable CSV: no header row")
    # Only the header line is decoded strictly here: a bad byte further down is DuckDB's to
    # report, with its line number.
    try:
        text = lines[0].decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RejectedFile(
            f"unreadable CSV: line 1 (the header) is not UTF-8 ({exc.reason})"
        ) from None
    header = [h.strip() for h in _csv_row(text)]
    if not any(header):
        raise RejectedFile("unreadable CSV: no header row")
    if len(header) == 1:
        for delim in (";", "\t", "|"):
            if delim in header[0]:
                shown = "tab" if delim == "\t" else repr(delim)
                raise RejectedFile(
                    f"unreadable CSV: the header looks delimited by {shown}, expected ','"
                )
    first: dict[str, int] = {}
    names = []
    for position, h in enumerate(header, start=1):
        if not h:
            names.append(f"{BLANK_COLUMN}{position}")
            continue
        if h.lower() in first:
            raise RejectedFile(
                f"the CSV header names column '{h.lower()}' twice (columns {first[h.lower()]} "
                f"and {position}): which value is meant cannot be told; rename or remove one"
            )
        first[h.lower()] = position
        names.append(h)
    return names


def _resolve(table: Table, names: list[str], mapping: TableMapping | None) -> Resolution:
    try:
        return resolve(table, names, mapping.columns if mapping else None)
    except ColumnConflict as exc:
        raise RejectedFile(str(exc)) from None


def _flat_value(sources: list[str]) -> str:
    """The text of a contract column from its file columns: the first non-empty one."""
    refs = [f"cast(r.{_ident(n)} as varchar)" for n in sources]
    if len(refs) == 1:
        return refs[0]
    return "coalesce(" + ", ".join(f"nullif({ref}, '')" for ref in refs) + ")"


def _text(ref: str) -> str:
    return f"lower(trim(cast({ref} as varchar)))"


def _is_true(ref: str) -> str:
    return f"coalesce({_text(ref)} in ('true', '1'), false)"


def _is_active(res: Resolution) -> str:
    """SQL: the row is a current version (its _fivetran_active is not false; empty counts as
    current)."""
    return f"coalesce({_text('r.' + _ident(res.fivetran_active))}, 'true') not in ('false', '0')"


def _one_version_per_key(table: Table, res: Resolution) -> bool:
    """A history-mode file of a table that orders versions by no record column: only the
    active version of each key loads."""
    return bool(res.fivetran_active) and table.updated_by in (None, "_loaded_at")


def _with_key_active(table: Table, source_sql: str, res: Resolution) -> str:
    """`source_sql` plus `_ing_key_active`: whether the row's key has a version with
    _fivetran_active = true in the file (none: the record was deleted in the source)."""
    keys = ", ".join(_flat_value(res.sources[k]) for k in table.key if k in res.sources)
    return (
        f"select r.*, bool_or({_is_active(res)}) "
        f"over (partition by {keys or 'null'}) as _ing_key_active from ({source_sql}) as r"
    )


def _stage_flat(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    source_sql: str,
    names: list[str],
    row_expr: str,
    res: Resolution,
) -> StagedTable:
    """Stage a flat file's rows as text columns of the contract (see columns.py for which file
    column feeds which contract column and what Fivetran's system columns do)."""
    # Fivetran history mode: a key with no active row in the file was deleted in the source
    key_gone = ""
    if res.fivetran_active:
        source_sql = _with_key_active(table, source_sql, res)
        key_gone = "not r._ing_key_active"
    cols = []
    for c in table.columns:
        value = _flat_value(res.sources[c.name]) if c.name in res.sources else "null"
        if c.name == table.deleted_column and (res.deleted_markers or key_gone):
            flags = [_is_true("r." + _ident(m)) for m in res.deleted_markers]
            deleted = " or ".join(flags + ([key_gone] if key_gone else []))
            value = f"case when {deleted} then 'true' else {value} end"
        cols.append(f"cast({value} as varchar) as {_ident(c.name)}")
    checks = []
    for marker in res.deleted_markers if table.deleted_column is None else []:
        # staged under its own lower-case name (it is no contract column of this table)
        alias = marker.strip().lower()
        cols.append(f"cast(r.{_ident(marker)} as varchar) as {_ident(alias)}")
        checks.append(
            (
                alias,
                _is_true(_ident(alias)),
                _lit(
                    f"deleted in the source ({alias} = true) and {table.qualified_name} has no "
                    "deletion flag: not loaded as a live record"
                ),
            )
        )
    if key_gone and table.deleted_column is None:
        alias = res.fivetran_active.strip().lower()
        cols.append(f"cast(r.{_ident(res.fivetran_active)} as varchar) as {_ident(alias)}")
        cols.append("r._ing_key_active")
        checks.append(
            (
                alias,
                "not _ing_key_active",
                _lit(
                    f"deleted in the source (no version of its key has {alias} = true) and "
                    f"{table.qualified_name} has no deletion flag: not loaded as a live record"
                ),
            )
        )
    where = ""
    if _one_version_per_key(table, res):
        # one version per key: the active one, or every version of a deleted key (flagged or
        # quarantined above, so that the key does not stay live)
        where = f" where {_is_active(res)} or {key_gone}"
    record = "{" + ", ".join(f"{_lit(n)}: r.{_ident(n)}" for n in names) + "}"
    relation = f"_ing_{table.name}"
    con.execute(
        f"create or replace temp view {relation} as select {row_expr} as _row_id, "
        f"{row_expr} as _source_row, cast(to_json({record}) as varchar) as _record, "
        f"{', '.join(cols)} from ({source_sql}) as r{where}"
    )
    return StagedTable(table, relation, checks)


def _flat_notes(
    con: duckdb.DuckDBPyConnection, table: Table, source_sql: str, res: Resolution
) -> list[str]:
    """What the loader did with the file's columns that the user should know."""
    notes = []
    # the file columns of each contract column, less those its `prefer` names
    own = {
        c: [n for n in ns if f"{n} -> {c}" not in res.preferred] for c, ns in res.sources.items()
    }
    api = [
        f"{n} -> {c}"
        for c, ns in own.items()
        for n in ns[:1]
        if n.strip().lower() != c and f"{n} -> {c}" not in res.renamed
    ]
    aliased = [f"{n} -> {c}" for c, ns in own.items() for n in ns[1:]]
    if res.renamed:
        notes.append(f"columns renamed by the mapping file: {', '.join(res.renamed)}")
    if api:
        notes.append(f"columns read by their other names: {', '.join(api)}")
    if aliased:
        notes.append(f"empty values filled from: {', '.join(aliased)}")
    if res.preferred:
        notes.append(f"values taken first from: {', '.join(res.preferred)}")
    if _one_version_per_key(table, res):
        past = con.execute(
            f"select count(*) from ({_with_key_active(table, source_sql, res)}) as r "
            f"where not ({_is_active(res)}) and r._ing_key_active"
        ).fetchone()[0]
        if past:
            notes.append(
                f"{past} past version(s) (_fivetran_active = false, Fivetran history mode) not "
                f"loaded: {table.qualified_name} keeps one version per key and has no column "
                "to order versions by"
            )
    return notes


def _blank_columns(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[str]:
    """Check the columns of empty header cells: raise when one holds a value (it would be
    lost), else return a note that they were ignored."""
    blanks = [n for n in names if n.startswith(BLANK_COLUMN)]
    for name in blanks:
        row = con.execute(
            f"select min(rowid) + 1 from _ing_file where nullif(trim({_ident(name)}), '') "
            "is not null"
        ).fetchone()[0]
        if row is not None:
            raise RejectedFile(
                f"the CSV header has no name for column {name[len(BLANK_COLUMN) :]}, yet "
                f"row {row} holds a value there: name the column or remove it"
            )
    if not blanks:
        return []
    positions = ", ".join(n[len(BLANK_COLUMN) :] for n in blanks)
    return [f"empty column(s) {positions} without a header name ignored"]


def _stage_csv(
    con: duckdb.DuckDBPyConnection, lf: LandingFile, mapping: TableMapping | None
) -> StagedFile:
    if lf.path.stat().st_size == 0:
        raise RejectedFile("unreadable CSV: the file is empty")
    compression = _compression(lf, "CSV")
    lines = _first_lines(lf, compression)
    names = _csv_header(lf, lines)
    named = [n for n in names if not n.startswith(BLANK_COLUMN)]
    res = _resolve(lf.table, named, mapping)
    try:
        _check_header(lf.table, res.present, "CSV header")
    except RejectedFile as exc:
        line = _header_line(lf.table, lines)
        if line is None:
            raise
        raise RejectedFile(
            f"{exc}: the header was not found on line 1; it seems to start on line {line} "
            "(title lines above it, as report exports write them? remove them)"
        ) from None
    columns = "{" + ", ".join(f"{_lit(n)}: 'VARCHAR'" for n in names) + "}"
    try:
        con.execute(
            "create or replace temp table _ing_file as select * from read_csv("
            f"{_lit(str(lf.path))}, header = true, auto_detect = false, columns = {columns}, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"null_padding = false, encoding = 'utf-8', compression = {_lit(compression)})"
        )
    except duckdb.Error as exc:
        raise RejectedFile(f"unreadable CSV: {_duck_error(exc)}") from None
    notes = _gzip_note(lf, compression) + _blank_columns(con, names)
    source = "select rowid as _rid, * from _ing_file"
    staged = _stage_flat(con, lf.table, source, named, "r._rid + 1", res)
    notes += _flat_notes(con, lf.table, source, res)
    return StagedFile([staged], sorted(res.extra), notes)


def _parquet_top_names(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """The top-level column names stored in a Parquet file, as written (case kept)."""
    elements = con.execute(
        f"select name, coalesce(num_children, 0) from parquet_schema({_lit(str(path))})"
    ).fetchall()

    def after(i: int) -> int:  # the index after element i and its descendants
        j = i + 1
        for _ in range(elements[i][1]):
            j = after(j)
        return j

    names, i = [], 1
    for _ in range(elements[0][1] if elements else 0):
        names.append(elements[i][0])
        i = after(i)
    return names


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, lf: LandingFile, mapping: TableMapping | None
) -> StagedFile:
    kind = sniff(lf.path)
    if kind not in (None, "parquet"):
        raise _wrong_kind(kind, "Parquet")
    source = f"read_parquet({_lit(str(lf.path))}, file_row_number = true)"
    try:
        names = [r[0] for r in con.execute(f"describe select * from {source}").fetchall()]
    except duckdb.Error as exc:
        raise RejectedFile(f"unreadable Parquet: {_duck_error(exc)}") from None
    names = [n for n in names if n != "file_row_number"]
    # DuckDB renames a repeated name (Name, name -> Name, name_1): look at the file's own names
    try:
        own = _parquet_top_names(con, lf.path)
    except duckdb.Error as exc:
        raise RejectedFile(f"unreadable Parquet: {_duck_error(exc)}") from None
    first: dict[str, str] = {}
    for name in own:
        if name.lower() in first:
            raise RejectedFile(
                f"the Parquet schema names column '{name.lower()}' twice "
                f"('{first[name.lower()]}' and '{name}'): which value is meant cannot be told; "
                "rename or remove one"
            )
        first[name.lower()] = name
    res = _resolve(lf.table, names, mapping)
    _check_header(lf.table, res.present, "Parquet schema")
    select = ", ".join(_ident(n) for n in names)
    flat = f"select file_row_number + 1 as _frn, {select} from {source}"
    try:
        staged = _stage_flat(con, lf.table, flat, names, "r._frn", res)
        notes = _flat_notes(con, lf.table, flat, res)
    except duckdb.Error as exc:
        raise RejectedFile(f"unreadable Parquet: {_duck_error(exc)}") from None
    return StagedFile([staged], sorted(res.extra), notes)


# --- JSON: columns by json_path ---------------------------------------------------------------


def _candidate_paths(col: Column) -> list[str]:
    """Where a column may sit in an object, in order: its `prefer` keys, each json_path (one
    per API shape), each followed by the id's parent (`price.id` -> `price`, an unexpanded
    id), then its name."""
    paths: list[str] = list(col.prefer)
    for path in col.json_paths or (col.name,):
        paths.append(path)
        if path.endswith(".id"):
            paths.append(path[: -len(".id")])
    if col.name not in paths:
        paths.append(col.name)
    return paths


def _top_key(path: str) -> str:
    """The object key a path starts from ('items.data[0].x' and 'lines[*].amount' -> items,
    lines)."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


class _PathList:
    """The JSON paths a staged table reads from one object column, extracted in ONE parse.

    json_extract(doc, [paths]) parses the document once and returns the value at every path
    (JSON fragments, NULL where absent); each column then reads its small fragment, instead of
    re-parsing the whole object once per path and per function call.
    """

    def __init__(self, column: str, alias: str) -> None:
        self.column, self.alias = column, alias
        self.paths: list[str] = []

    def ref(self, path: str) -> str:
        """The fragment at `path` ('a.b'), as an element of the extracted list."""
        p = "$." + path
        if p not in self.paths:
            self.paths.append(p)
        return f"{self.alias}[{self.paths.index(p) + 1}]"

    def extract(self) -> str:
        paths = ", ".join(_lit(p) for p in self.paths) or "'$.__none__'"
        return f"json_extract({self.column}, [{paths}]) as {self.alias}"


def _json_value(fragment: str, as_json: bool) -> str:
    if as_json:
        return f"nullif(cast({fragment} as varchar), 'null')"
    # an expanded object (e.g. customer: {...}) stands for its id
    return (
        f"case when json_type({fragment}) = 'OBJECT' "
        f"then json_extract_string({fragment}, '$.id') "
        f"else json_extract_string({fragment}, '$') end"
    )


def _array_sum(array: str, field_path: str) -> str:
    """The sum, as text, of `field_path` over the elements of the JSON array fragment `array`
    (an empty array sums to '0'; not an array: NULL). When an element lacks the field or holds
    no whole number there, the array's own text is returned instead, so that the value fails
    the integer check and the row is quarantined showing it: never a partial sum."""
    values = (
        f"list_transform(json_extract({array}, '$[*]'), "
        f"lambda e: json_extract_string(e, {_lit('$.' + field_path)}))"
    )
    # at most 18 digits: every element and the sum fit a bigint-sized check
    whole = (
        f"list_bool_and(list_transform({values}, "
        "lambda v: coalesce(regexp_full_match(v, '-?[0-9]{1,18}'), false)))"
    )
    return (
        f"case when coalesce(json_type({array}), 'NULL') <> 'ARRAY' then null "
        f"when json_array_length({array}) = 0 then '0' "
        f"when {whole} then cast(list_sum(list_transform({values}, "
        "lambda v: cast(v as hugeint))) as varchar) "
        f"else cast({array} as varchar) end"
    )


def _path_value(path: str, own: _PathList, as_json: bool) -> str:
    summed = SUM_PATH.fullmatch(path)
    if summed:
        return _array_sum(own.ref(summed["array"]), summed["field"])
    return _json_value(own.ref(path), as_json)


def _column_expr(
    col: Column, parent_paths: dict[str, list[str]], own: _PathList, parent: _PathList
) -> str:
    exprs = [_path_value(p, own, col.type == "json") for p in _candidate_paths(col)]
    exprs += [_path_value(p, parent, False) for p in parent_paths.get(col.name, [])]
    return exprs[0] if len(exprs) == 1 else f"coalesce({', '.join(exprs)})"


def _stage_json_table(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    source: str,
    parent_paths: dict[str, list[str]],
) -> tuple[str, set[str]]:
    """Stage objects of `source` (columns _row_id, _source_row, o, _parent) for one table."""
    relation = f"_ing_{table.name}"
    own, parent = _PathList("o", "_v"), _PathList("_parent", "_pv")
    cols = ", ".join(
        f"{_column_expr(c, parent_paths, own, parent)} as {_ident(c.name)}" for c in table.columns
    )
    lists = own.extract() + (f", {parent.extract()}" if parent.paths else "")
    con.execute(
        f"create or replace temp view {relation} as select _row_id, _source_row, _record, "
        f"{cols} from (select _row_id, _source_row, cast(o as varchar) as _record, {lists} "
        f"from {source})"
    )
    keys = {
        r[0]
        for r in con.execute(
            f"select distinct unnest(json_keys(o)) from {source} where json_type(o) = 'OBJECT'"
        ).fetchall()
    }
    present = set()
    for c in table.columns:
        if any(_top_key(p) in keys for p in _candidate_paths(c)) or c.name in parent_paths:
            present.add(c.name)
    used = {_top_key(p) for c in table.columns for p in _candidate_paths(c)}
    return relation, present | (keys - used)


def _partial_list_note(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A note when the JSON document is a list response that says more objects exist."""
    partial = con.execute(
        "select json_extract_string(doc, '$.data[#-1].id') from _ing_file "
        "where json_type(doc) = 'OBJECT' and json_type(doc, '$.data') = 'ARRAY' "
        "and json_extract_string(doc, '$.has_more') = 'true'"
    ).fetchall()
    if not partial:
        return []
    last = partial[0][0]
    after = f" after {last}" if last else ""
    page = f"starting_after={last}" if last else "starting_after"
    return [
        f"partial export: the list response says has_more = true, so the objects{after} were "
        f"not exported (page on with {page} and land the next pages too)"
    ]


def _stage_json(con: duckdb.DuckDBPyConnection, lf: LandingFile) -> StagedFile:
    if lf.path.stat().st_size == 0:
        raise RejectedFile("unreadable JSON: the file is empty")
    compression = _compression(lf, "JSON")
    path = _lit(str(lf.path))
    notes = _gzip_note(lf, compression)
    try:
        if lf.fmt == "jsonl":
            con.execute(
                "create or replace temp table _ing_file as select json as o from "
                f"read_json_objects({path}, format = 'newline_delimited', "
                f"maximum_object_size = {MAX_JSON_BYTES}, compression = {_lit(compression)})"
            )
            # a view, not a copy: the file's objects are held once
            con.execute(
                "create or replace temp view _ing_objects as select rowid + 1 as _row_id, "
                "rowid + 1 as _source_row, o, cast(null as json) as _parent from _ing_file"
            )
        else:
            if compression == "gzip":
                # read_text cannot decompress; one JSON document read as one object
                con.execute(
                    "create or replace temp table _ing_file as select json as doc from "
                    f"read_json_objects({path}, format = 'unstructured', "
                    f"maximum_object_size = {MAX_JSON_BYTES}, compression = 'gzip')"
                )
                docs = con.execute("select count(*) from _ing_file").fetchone()[0]
                if docs != 1:
                    raise RejectedFile(
                        f"unreadable JSON: the file holds {docs} JSON documents, expected one "
                        "(a list or a list response); one object per line is .jsonl"
                    )
            else:
                con.execute(
                    "create or replace temp table _ing_file as select "
                    f"cast(content as json) as doc from read_text({path})"
                )
            notes += _partial_list_note(con)
            con.execute(
                "create or replace temp table _ing_objects as "
                "with lists as (select case json_type(doc) "
                "  when 'ARRAY' then json_extract(doc, '$[*]') "
                "  when 'OBJECT' then case when json_type(doc, '$.data') = 'ARRAY' "
                "    then json_extract(doc, '$.data[*]') else [doc] end end as e "
                "  from _ing_file) "
                "select unnest(range(1, len(e) + 1)) as _row_id, "
                "unnest(range(1, len(e) + 1)) as _source_row, unnest(e) as o, "
                "cast(null as json) as _parent from lists"
            )
    except duckdb.Error as exc:
        raise RejectedFile(f"unreadable JSON: {_duck_error(exc)}") from None

    staged = StagedFile(notes=notes)
    relation, present = _stage_json_table(con, lf.table, "_ing_objects", {})
    known = {c.name for c in lf.table.columns}
    rows = con.execute("select count(*) from _ing_objects").fetchone()[0]
    # an empty list response has no keys to check; a non-empty one must carry required keys
    if rows:
        _check_header(lf.table, present, "JSON objects")
    staged.extra_columns = sorted(present - known)
    staged.tables.append(StagedTable(lf.table, relation))

    nested = NESTED.get((lf.table.system, lf.table.name))
    if nested:
        child_name, list_path, parent_columns = nested
        child = get_table(lf.table.system, child_name)
        # the parent column's paths, one per API shape (basil's parent.subscription_details)
        parent_paths = {
            c: _candidate_paths(lf.table.column(pc)) for c, pc in parent_columns.items()
        }
        # each child keeps only the parent's keys it may fall back on, not a copy of the parent
        tops = sorted({_top_key(p) for ps in parent_paths.values() for p in ps})
        parent = ", ".join(f"{_lit(t)}, json_extract(o, {_lit('$.' + t)})" for t in tops)
        con.execute(
            "create or replace temp table _ing_children as "
            "select row_number() over (order by _source_row, i) as _row_id, _source_row, "
            "o, _parent from (select _source_row, _parent, unnest(e) as o, "
            "unnest(range(len(e))) as i from (select _source_row, "
            f"json_object({parent}) as _parent, "
            f"json_extract(o, {_lit('$.' + list_path + '[*]')}) as e from _ing_objects "
            "where json_type(o) = 'OBJECT'))"
        )
        child_relation, _ = _stage_json_table(con, child, "_ing_children", parent_paths)
        staged.tables.append(StagedTable(child, child_relation))
        staged.extra_columns = [k for k in staged.extra_columns if k != list_path.split(".")[0]]
    return staged


def _map_values(
    con: duckdb.DuckDBPyConnection, staged: StagedTable, mapping: TableMapping
) -> list[str]:
    """Replace the file's values by the mapping file's contract values (a view over the staged
    relation); return a note per mapped column with the rows it changed."""
    rules = {
        c: r for c, r in mapping.values.items() if any(x.name == c for x in staged.table.columns)
    }
    if not rules:
        return []
    cases = {c: value_case(_ident(c), r) for c, r in rules.items()}
    replace = ", ".join(
        f"coalesce({case}, {_ident(c)}) as {_ident(c)}" for c, case in cases.items()
    )
    counts = con.execute(
        "select "
        + ", ".join(f"count(*) filter (where ({case}) is not null)" for case in cases.values())
        + f" from {staged.relation}"
    ).fetchone()
    relation = f"{staged.relation}_mapped"
    con.execute(
        f"create or replace temp view {relation} as "
        f"select * replace ({replace}) from {staged.relation}"
    )
    staged.relation = relation
    return [
        f"values of {c} mapped by the mapping file in {n} row(s)"
        for c, n in zip(cases, counts, strict=True)
    ]


def stage_file(
    con: duckdb.DuckDBPyConnection, lf: LandingFile, mapping: TableMapping | None = None
) -> StagedFile:
    """Stage a file as text; raise RejectedFile when it cannot be read or lacks a column.
    `mapping`: the mapping file's entry for the file's table (column names for CSV and
    Parquet, values for every format), applied before any contract check."""
    if lf.fmt == "csv":
        staged = _stage_csv(con, lf, mapping)
    elif lf.fmt == "parquet":
        staged = _stage_parquet(con, lf, mapping)
    else:
        staged = _stage_json(con, lf)
    if mapping is not None:
        staged.notes.append(
            f"loaded with the mapping file's entry {lf.table.system}.{lf.table.name}"
        )
        for table in staged.tables[:1]:
            staged.notes += _map_values(con, table, mapping)
    return staged


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp views and tables a file's staging created."""
    for kind, catalog in (("view", "duckdb_views()"), ("table", "duckdb_tables()")):
        names = con.execute(
            f"select {kind}_name from {catalog} "
            f"where temporary and starts_with({kind}_name, '_ing_')"
        ).fetchall()
        for (name,) in names:
            con.execute(f"drop {kind} if exists temp.{_ident(name)}")
