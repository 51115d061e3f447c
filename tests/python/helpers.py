"""Shared helpers for the trust tests (bad input, idempotency, crash recovery, PII).

Row counts here are taken independently of the loader (Python's csv and json modules on the
files themselves), and the daily job runs in a subprocess of its own (`python -m revops.cli run`)
so that a test can SIGKILL it and so that its environment never leaks into the test process.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
BAD_INPUT_DIR = PROJECT_DIR / "tests" / "bad_input"
BAD_LANDING = BAD_INPUT_DIR / "landing"

# The demo business of the trust tests: tiny, so that a full run stays around a few minutes.
TRUST_SCALE = float(os.environ.get("REVOPS_TRUST_SCALE", "0.01"))
TRUST_SEED = 11
TRUST_AS_OF = "2026-10-31"  # the generator's default end date
JOB_TIMEOUT_S = float(os.environ.get("REVOPS_TRUST_TIMEOUT", "1200"))

# The huge-field case is written at test time rather than committed (5 MB of text), and so are
# the binary cases (gzip, xlsx, UTF-16, Parquet) and the broken symbolic link.
HUGE_FIELD_FILE = "crm/account/2026-01-15__huge_field.csv"
HUGE_FIELD_BYTES = 5_000_000
ACCOUNT_HEADER = "id,name,industry,number_of_employees,website,created_date,system_modstamp\n"
GZIP_CSV_FILE = "crm/account/2026-01-15__gzip.csv.gz"
GZIP_NAMED_CSV_FILE = "crm/account/2026-01-15__gzip_named.csv"
GZIP_JSONL_FILE = "billing/customers/2026-01-15__gzip.jsonl.gz"
XLSX_AS_CSV_FILE = "crm/account/2026-01-15__excel.csv"
UTF16_CSV_FILE = "crm/account/2026-01-15__utf16.csv"
DUPLICATE_PARQUET_FILE = "crm/account/2026-01-15__duplicate_columns.parquet"
DANGLING_LINK_FILE = "crm/account/2026-01-15__dangling.csv"


# Relations that are empty on a healthy demo business, so "every relation holds rows" checks
# leave them out.
EMPTY_WHEN_ALL_IS_WELL = frozenset(
    {
        "stg_reference__fx_rates",  # the demo lands no FX rates: the bundled seed applies
        "dq_rejected_files",  # no landing file was refused
        "dq_fx_rates_missing",  # every amount had its rate
    }
)


# --- independent row counts ------------------------------------------------------------------


def run_dbt(
    warehouse: Path,
    root: Path,
    args: list[str],
    timeout: int = 900,
    env: dict[str, str] | None = None,
) -> dict:
    """Run the project's dbt (`dbt <args>`) on its own warehouse file, with target and log
    paths under root, so nothing shared is touched, and with env on top of this process's
    environment; return its run_results.json."""
    env = {**os.environ, **(env or {})}
    env.update(
        REVOPS_WAREHOUSE=str(warehouse),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    target = root / "target"
    argv = [str(Path(sys.executable).with_name("dbt")), *args]
    argv += ["--target-path", str(target), "--log-path", str(root / "logs")]
    proc = subprocess.run(
        argv, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    run_results = target / "run_results.json"
    assert run_results.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(run_results.read_text())


def count_data_rows(path: Path) -> int:
    """Data rows of a landing file, counted without the loader: CSV records after the header
    (Python's csv module, quoted newlines included), JSON lines, or the elements of a JSON list
    response; a gzip file (whatever its name) is decompressed with Python's gzip module first.
    Raises ValueError when the file cannot be parsed as its format."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    name = path.name.lower().removesuffix(".gz")
    suffix = Path(name).suffix
    text = raw.decode("utf-8", errors="strict")
    if suffix == ".csv":
        csv.field_size_limit(1 << 30)
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        return max(len([r for r in records if r]) - 1, 0)
    if suffix in (".jsonl", ".ndjson"):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        for ln in lines:
            json.loads(ln)
        return len(lines)
    if suffix == ".json":
        doc = json.loads(text)
        return len(doc["data"] if isinstance(doc, dict) and "data" in doc else doc)
    raise ValueError(f"no independent row count for {path.name}")


def data_line_count(path: Path) -> int:
    """Physical lines after the header, for files that no parser accepts (truncated, wrong
    encoding): what a human would count as the rows the sender meant to deliver."""
    raw = path.read_bytes()
    return max(len([ln for ln in raw.splitlines() if ln.strip()]) - 1, 0)


# --- the bad-input corpus --------------------------------------------------------------------


def _minimal_xlsx() -> bytes:
    """A one-sheet Excel workbook as Excel writes it (a zip of XML parts), built by hand."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"/>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook><sheets><sheet name="accounts" '
        'sheetId="1"/></sheets></workbook>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>id</t></is></c></row></sheetData></worksheet>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, xml in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 15, 0, 0, 0)), xml)
    return buf.getvalue()


def _write_binary_cases(dest: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def put(rel: str, data: bytes) -> None:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    put(
        GZIP_CSV_FILE,
        gzip.compress(
            (
                ACCOUNT_HEADER
                + "001GZ1,Gzip One,Software,10,https://gz1.io,2025-10-01,2026-01-14\n"
                + "001GZ2,Gzip Two,Software,20,https://gz2.io,2025-10-02,2026-01-14\n"
            ).encode(),
            mtime=0,
        ),
    )
    put(
        GZIP_NAMED_CSV_FILE,
        gzip.compress(
            (
                ACCOUNT_HEADER
                + "001GZN1,Hidden Gzip,Retail,5,https://gzn.io,2025-10-03,2026-01-14\n"
            ).encode(),
            mtime=0,
        ),
    )
    put(
        GZIP_JSONL_FILE,
        gzip.compress(
            b'{"id": "cus_GZ1", "object": "customer", "created": 1768400000}\n'
            b'{"id": "cus_GZ2", "object": "customer", "created": 1768400000000}\n',
            mtime=0,
        ),
    )
    put(XLSX_AS_CSV_FILE, _minimal_xlsx())
    put(
        UTF16_CSV_FILE,
        (ACCOUNT_HEADER + "001U16,Wide Co,Retail,5,https://u16.io,2025-10-03,2026-01-14\n").encode(
            "utf-16"  # with its byte order mark, as Excel's "Unicode text" writes it
        ),
    )
    table = pa.table(
        {
            "id": ["001PQ1"],
            "Name": ["Upper"],
            "name": ["lower"],
            "created_date": ["2025-10-01"],
            "system_modstamp": ["2026-01-14"],
        }
    )
    (dest / DUPLICATE_PARQUET_FILE).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, dest / DUPLICATE_PARQUET_FILE)
    (dest / DANGLING_LINK_FILE).symlink_to("missing_export.csv")


def build_bad_landing(dest: Path) -> Path:
    """Copy the committed corpus to dest and add the generated files (huge field, binary
    formats, a broken symbolic link)."""
    shutil.copytree(BAD_LANDING, dest)
    _write_binary_cases(dest)
    huge = dest / HUGE_FIELD_FILE
    huge.parent.mkdir(parents=True, exist_ok=True)
    with huge.open("w", encoding="utf-8", newline="") as fh:
        fh.write(ACCOUNT_HEADER)
        fh.write(
            f'001HUGE1,"{"x" * HUGE_FIELD_BYTES}",Software,10,https://huge.io,'
            "2025-11-01,2026-01-14\n"
        )
        fh.write("001HUGE2,Small Co,Software,10,https://small.io,2025-11-01,2026-01-14\n")
    return dest


# --- warehouse fingerprints ------------------------------------------------------------------


def _hash_expr(column: str, data_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    # doubles come out of parallel aggregations: compare them at 1e-6, not to the last bit
    if data_type.upper() in ("DOUBLE", "FLOAT", "REAL"):
        return f"round({quoted}, 6)"
    return quoted


def schema_checksums(db_path: Path, schema: str = "marts") -> dict[str, tuple[int, int]]:
    """(row count, order-independent checksum) of every base table in a schema.

    The checksum is the sum of a 64-bit hash of each row (all columns, in table order) as a
    HUGEINT: independent of row order, and unlike bit_xor it still sees a duplicated row.
    """
    out: dict[str, tuple[int, int]] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [schema],
            ).fetchall()
        ]
        for table in tables:
            cols = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            row_hash = f"hash({', '.join(_hash_expr(c, t) for c, t in cols)})"
            count, total = con.execute(
                f"select count(*), coalesce(sum(cast({row_hash} as hugeint)), 0) "
                f'from {schema}."{table}"'
            ).fetchone()
            out[table] = (int(count), int(total))
    return out


def raw_row_counts(db_path: Path) -> dict[str, int]:
    """Rows of every table in the raw_* schemas (raw_meta included)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema like 'raw\\_%' escape '\\' and table_type = 'BASE TABLE' "
            "order by 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from {s}."{t}"').fetchone()[0]
            for s, t in tables
        }


def duplicate_lineage(db_path: Path) -> dict[str, int]:
    """Per raw table, the number of (_source_file, _source_row) pairs present more than once.

    Nested Stripe children share their parent's _source_row, so their identity also includes
    the child key `id`."""
    out: dict[str, int] = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.columns "
            "where table_schema in ('raw_crm', 'raw_marketing', 'raw_billing', 'raw_plan') "
            "and column_name = '_source_row' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            has_id = con.execute(
                "select count(*) from information_schema.columns where table_schema = ? "
                "and table_name = ? and column_name = 'id'",
                [schema, table],
            ).fetchone()[0]
            key = "_source_file, _source_row" + (", id" if has_id else "")
            dupes = con.execute(
                f'select count(*) from (select {key} from {schema}."{table}" '
                f"group by {key} having count(*) > 1)"
            ).fetchone()[0]
            out[f"{schema}.{table}"] = dupes
    return out


def loaded_files(db_path: Path) -> set[str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select distinct file from raw_meta.load_log where status = 'loaded'"
        ).fetchall()
    return {r[0] for r in rows}


def landing_files(landing: Path) -> set[str]:
    from revops.ingest.discover import discover

    return {f.rel_path for f in discover(landing).files}


# --- the daily job in a subprocess -----------------------------------------------------------


@dataclass(frozen=True)
class RunPaths:
    """Everything one run writes: its warehouse, Dagster home and progress output."""

    root: Path
    landing: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "revops.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def output(self) -> Path:
        return self.root / "run_output.log"

    def env(self) -> dict[str, str]:
        self.dagster_home.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            REVOPS_LANDING=str(self.landing),
            REVOPS_WAREHOUSE=str(self.warehouse),
            DAGSTER_HOME=str(self.dagster_home),
            DBT_TARGET_PATH=str(self.root / "dbt_target"),
            DBT_PROFILES_DIR=str(PROJECT_DIR),
            DO_NOT_TRACK="1",
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            PYTHONUNBUFFERED="1",
        )
        return env


@dataclass(frozen=True)
class ByodPaths(RunPaths):
    """A run whose published copy and Data Docs also stay under its own root."""

    @property
    def published(self) -> Path:
        return self.root / "published"

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(
            REVOPS_PUBLISHED=str(self.published),
            REVOPS_GX_DOCS=str(self.root / "gx_docs"),
        )
        return env


def mart_names() -> set[str]:
    """Every mart of the repository: the file names of models/marts/**.sql."""
    return {p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.sql")}


def publish_landing(
    landing: Path, root: Path, as_of_date: str | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the whole daily job on a landing folder, check that every mart is published, and
    yield a read-only connection to the published file."""
    paths = ByodPaths(root / "run", landing)
    run_job(paths, as_of_date)
    published = paths.published / "revops.duckdb"
    assert published.exists(), f"{landing}: nothing published at {published}"
    con = duckdb.connect(str(published), read_only=True)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = mart_names() - tables
        assert not missing, f"{landing}: marts not published: {sorted(missing)}"
        yield con
    finally:
        con.close()


@dataclass
class JobProcess:
    """A running `revops run` in its own process group (so a kill reaches dbt too)."""

    popen: subprocess.Popen
    paths: RunPaths
    started: float = field(default_factory=time.monotonic)

    def output(self) -> str:
        return self.paths.output.read_text(errors="replace") if self.paths.output.exists() else ""

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if self.popen.poll() is not None:
                raise AssertionError(
                    f"the job ended (rc {self.popen.returncode}) before {what}:\n"
                    + self.output()[-3000:]
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n" + self.output()[-3000:])
            time.sleep(0.05)

    def group_pids(self) -> list[int]:
        return group_members(self.popen.pid)

    def kill_group(self) -> None:
        """SIGKILL the whole process group and reap the leader."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        deadline = time.monotonic() + 30
        while self.group_pids() and time.monotonic() < deadline:
            time.sleep(0.1)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after the last ')'
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def start_job(paths: RunPaths, as_of_date: str | None = TRUST_AS_OF, *extra: str) -> JobProcess:
    """Start the whole daily job (`python -m revops.cli run`) in a new session; as_of_date
    None runs it without --as-of-date; extra: more options of `revops run`."""
    paths.root.mkdir(parents=True, exist_ok=True)
    out = paths.output.open("a")
    as_of = ["--as-of-date", as_of_date] if as_of_date else []
    popen = subprocess.Popen(
        [sys.executable, "-m", "revops.cli", "run", *as_of, *extra],
        cwd=PROJECT_DIR,
        env=paths.env(),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    return JobProcess(popen, paths)


def run_job(paths: RunPaths, as_of_date: str | None = TRUST_AS_OF, *extra: str) -> str:
    """Run the daily job to completion; fail the test with its output when it fails."""
    job = start_job(paths, as_of_date, *extra)
    try:
        rc = job.popen.wait(timeout=JOB_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        job.kill_group()
        raise AssertionError("the daily job timed out:\n" + job.output()[-3000:]) from None
    assert rc == 0, f"the daily job failed (rc {rc}):\n" + job.output()[-5000:]
    return job.output()


def step_seconds(output: str, step: str) -> float | None:
    """Wall time of a step from the progress lines ('  <- revops_dbt ok in 209.3s')."""
    for line in output.splitlines():
        line = line.strip()
        if line.startswith(f"<- {step} ok in ") and line.endswith("s"):
            return float(line.rsplit(" ", 1)[1][:-1])
    return None


# --- the reference run shared by the idempotency, crash and PII tests ------------------------


@dataclass(frozen=True)
class ReferenceRun:
    paths: RunPaths
    marts: dict[str, tuple[int, int]]
    raw_counts: dict[str, int]
    dbt_seconds: float


@pytest.fixture(scope="session")
def trust_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny generated demo business, written once per session (treated as read-only)."""
    from revops_demo.generate import generate

    landing = tmp_path_factory.mktemp("trust") / "landing"
    generate(landing, scale=TRUST_SCALE, seed=TRUST_SEED)
    return landing


@pytest.fixture(scope="session")
def reference_run(
    tmp_path_factory: pytest.TempPathFactory, trust_landing: Path
) -> Iterator[ReferenceRun]:
    """One uninterrupted daily run on trust_landing: the marts every other run must match."""
    paths = RunPaths(tmp_path_factory.mktemp("reference"), trust_landing)
    output = run_job(paths)
    yield ReferenceRun(
        paths=paths,
        marts=schema_checksums(paths.warehouse),
        raw_counts=raw_row_counts(paths.warehouse),
        dbt_seconds=step_seconds(output, "revops_dbt") or 60.0,
    )
