"""`make bench`: time every stage of the daily pipeline at a few demo scales (a benchmark, not a
test).

For each scale, in bench/data/scale-<s>/ (gitignored): generate the landing files with one
daily drop (`generate(..., daily_days=1)`: the history in files dated end - 1, the last day's
new records, updates, late rows and restatements in files dated end; timed apart, not part of
the build), then run the daily pipeline twice on a fresh warehouse, the way one Dagster run of
revops_daily does it, each stage in its own subprocess so peak RSS is per stage:

  full build         the partition of the history day, window [end - 1, end - 1]
  one-day increment  the partition of the last day, window [end, end]: only its new files

Stages: ingestion (`load_landing(window=...)`), the dbt stage as the Dagster asset does it
(revops.build_state decides the selection: everything in the full build, the descendants of the
raw tables that got rows in the increment; ONE `dbt build` of that with the run's window in env
REVOPS_PARTITION_START / _END and REVOPS_AS_OF_DATE, unit tests left out, the build state
recorded), Great Expectations checks (raw suites scoped to the window), publish (Parquet of the
changed marts only). Each dbt invocation keeps DBT_TARGET_PATH, so it starts from the previous
one's partial parse. The dbt stage is broken down per layer (staging, intermediate, marts) from
that invocation's run_results.json and manifest.json. Before each run, the floor: one DuckDB
pass over exactly the files that run ingests. After the increment, a no-op run (`revops run`
with nothing new: it decides before any stage) and a developer's `dbt build -s
mart_revenue_monthly` on the built warehouse. Dashboard queries are timed on the published file
after the increment, and the Dagster definitions' load time once per session.
Results go to bench/results.md.

    revops-demo bench --scales 0.1 1 [--keep] [--out bench/results.md]

Each stage runs as `python -m revops_demo.bench <stage> [args]` with the bench folder in its
environment; the parent reads the child's peak RSS and CPU time from os.wait4 (Linux: the
largest RSS of the child and its waited-for descendants, in KiB).

Environment: BENCH_REUSE_LANDING=1 keeps a scale's landing files from an earlier `--keep` run
when they were generated with the same parameters and generator code (saves the generation,
minutes at scale 10). BENCH_DATA_DIR moves bench/data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from revops.config import PROJECT_DIR
from revops.dbt_args import dbt_executable
from revops.window import Window, make_window

BENCH_DIR = PROJECT_DIR / "bench"
DEFAULT_OUT = BENCH_DIR / "results.md"
SEED = 42
END_DATE = date(2026, 10, 31)
DAILY_DAYS = 1
REPEATS = 5
IMPORT_REPEATS = 3
MEMORY_TARGET_MB = 4096

# The one dbt stage of a run, and the layers its nodes are reported in, by the folder of the
# node (seeds and snapshots go with staging). A data test counts in the layer of the node it is
# attached to (a singular test: the latest layer of its parents; a source test: staging).
# Nodes outside these folders, if any, count in OTHER_LAYER.
DBT_STAGE = "dbt build"
DBT_LAYERS: dict[str, tuple[str, ...]] = {
    "staging": ("seeds/", "snapshots/", "models/staging/"),
    "intermediate": ("models/intermediate/",),
    "marts": ("models/marts/",),
}
OTHER_LAYER = "other"
LAYER_ROWS = {
    "staging": "dbt layer: staging (+ seeds, snapshots)",
    "intermediate": "dbt layer: intermediate",
    "marts": "dbt layer: marts",
    OTHER_LAYER: "dbt layer: other folders",
}
OUTSIDE_ROW = "dbt outside the nodes (start-up, parsing, source freshness)"
TESTS = {"test", "unit_test"}

# The floor query: every landing file read once, every column decoded (hash of the whole row),
# so Parquet is not answered from its footer alone.
READERS = {
    ".csv": "read_csv({path}, header = true, all_varchar = true)",
    ".parquet": "read_parquet({path})",
    ".jsonl": "read_json({path}, format = 'newline_delimited')",
    ".json": "read_json({path})",
}

DASHBOARD_QUERIES = {
    "scorecard: last 13 weeks, all columns": """
        select *
        from marts.mart_revenue_scorecard_weekly
        where week_start_date > (
            select max(week_start_date) - interval 13 week
            from marts.mart_revenue_scorecard_weekly
        )
        order by week_start_date""",
    "rep monthly: latest fiscal quarter by team": """
        with latest as (
            select fiscal_year, fiscal_quarter
            from marts.mart_sales_rep_monthly
            order by fiscal_year desc, fiscal_quarter desc
            limit 1
        )
        select r.team, sum(r.bookings_amount) as bookings, sum(r.quota_amount) as quota,
            sum(r.bookings_amount) / nullif(sum(r.quota_amount), 0) as attainment
        from marts.mart_sales_rep_monthly as r
        inner join latest using (fiscal_year, fiscal_quarter)
        group by r.team
        order by r.team""",
}

TARGETS_TEXT = (
    "one-day incremental run at scale 10 <= 10% of the full build (goal 5%)",
    "full build at scale 10 <= 8x scale 1",
    "full build at scale 10 <= 10x the floor",
    "peak memory at scale 10 < 4 GB (every stage, both runs)",
    "Dagster definitions load < 1 s beyond `import dagster, dagster_dbt`",
    "dashboard queries < 100 ms at scale 10",
    "no-op run at scale 10 <= 5% of the full build",
    "dbt time outside the nodes <= 4 s per run (scale 10, every dbt invocation)",
)
DEV_MODEL = "mart_revenue_monthly"  # a developer's `dbt build -s <model>` on a built warehouse


# ---------------------------------------------------------------------------------------------
# Measurements


@dataclass
class LayerTiming:
    """The nodes of one dbt layer in one invocation, from its run_results.json."""

    name: str
    nodes: int = 0
    node_s: float = 0.0  # sum of the nodes' execution_time (thread time, not wall)
    start: datetime | None = None  # the first compile/execute start of its nodes
    end: datetime | None = None  # the last compile/execute end of its nodes

    @property
    def wall_s(self) -> float:
        """From the layer's first node start to its last node end."""
        if self.start is None or self.end is None:
            return 0.0
        return (self.end - self.start).total_seconds()


@dataclass
class DbtTiming:
    """One dbt invocation's nodes, per layer (in DBT_LAYERS order, then OTHER_LAYER)."""

    layers: list[LayerTiming]
    unit_tests: int = 0  # unit tests among the results (a daily run leaves them out)

    @property
    def nodes(self) -> int:
        return sum(x.nodes for x in self.layers)

    @property
    def node_s(self) -> float:
        return sum(x.node_s for x in self.layers)

    @property
    def span_s(self) -> float:
        """From the first node start to the last node end, over all layers."""
        starts = [x.start for x in self.layers if x.start is not None]
        ends = [x.end for x in self.layers if x.end is not None]
        return (max(ends) - min(starts)).total_seconds() if starts and ends else 0.0


@dataclass
class StageRun:
    name: str
    wall_s: float
    peak_rss_mb: float
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)
    cpu_s: float = 0.0  # user + system CPU of the process and its waited-for children
    dbt: DbtTiming | None = None  # the dbt stage: its nodes per layer


@dataclass
class PipelineRun:
    """One run of the daily pipeline over a window, and the floor of its input files."""

    label: str
    window: Window
    floor: StageRun | None = None
    stages: list[StageRun] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return sum(s.wall_s for s in self.stages)

    @property
    def cpu_s(self) -> float:
        return sum(s.cpu_s for s in self.stages)

    @property
    def peak_mb(self) -> float:
        return max((s.peak_rss_mb for s in self.stages), default=0.0)

    @property
    def rows(self) -> int:
        """Rows in the files this run ingests (counted by the floor pass)."""
        return int(self.floor.detail.get("rows", 0)) if self.floor else 0

    @property
    def ok(self) -> bool:
        return bool(self.stages) and all(s.ok for s in self.stages)

    def window_text(self) -> str:
        a, b = self.window
        return str(a) if a == b else f"{a} .. {b}"


@dataclass
class ScaleResult:
    scale: float
    daily: bool = False  # the generator wrote a separate last day (daily_days=1)
    rows_landed: int = 0
    landing_mb: float = 0.0
    generate: StageRun | None = None
    full: PipelineRun | None = None
    incremental: PipelineRun | None = None
    noop: PipelineRun | None = None  # the same window again, nothing new landed
    dev: StageRun | None = None  # `dbt build -s DEV_MODEL` on the built warehouse
    queries: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (min, median)
    warehouse_mb: float = 0.0

    @property
    def build_s(self) -> float:
        return self.full.wall_s if self.full else 0.0

    @property
    def incremental_s(self) -> float | None:
        inc = self.incremental
        return inc.wall_s if inc and inc.ok else None

    @property
    def peak_mb(self) -> float:
        runs = [r for r in (self.full, self.incremental) if r]
        return max((r.peak_mb for r in runs), default=0.0)

    @property
    def runs(self) -> list[PipelineRun]:
        return [r for r in (self.full, self.incremental) if r]


def bench_env(folder: Path) -> dict[str, str]:
    """The environment of every stage: all paths inside the scale's bench folder."""
    env = dict(os.environ)
    env.update(
        REVOPS_LANDING=str(folder / "landing"),
        REVOPS_WAREHOUSE=str(folder / "warehouse" / "revops.duckdb"),
        REVOPS_PUBLISHED=str(folder / "warehouse" / "published"),
        REVOPS_GX_DOCS=str(folder / "warehouse" / "gx_docs"),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        DBT_TARGET_PATH=str(folder / "target"),  # never touch the project's target/ manifest
        DBT_LOG_PATH=str(folder / "logs"),
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        GX_ANALYTICS_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def measured(name: str, argv: list[str], env: dict[str, str], log: Path) -> StageRun:
    """Run argv to completion; wall time, the child's peak RSS and CPU, and its last JSON line."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_DIR
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen consistent
    detail: dict[str, Any] = {}
    lines = log.read_text(errors="replace").splitlines()
    for line in reversed(lines):
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                detail = json.loads(line)
            break
        if "Done. PASS=" in line and not detail:  # dbt's summary line
            detail = {"dbt": line[line.index("PASS=") :].strip()}
            break
    ok = proc.returncode == 0 and detail.get("ok", True)
    if not ok:
        detail.setdefault("error", "\n".join(lines[-15:]))
    cpu = usage.ru_utime + usage.ru_stime
    return StageRun(name, wall, usage.ru_maxrss / 1024, ok, detail, cpu)


def worker(stage: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "revops_demo.bench", stage, *args]


def node_layers(manifest: dict[str, Any]) -> dict[str, str]:
    """The layer of every node, unit test and source of a dbt manifest, by unique_id.

    Models, seeds and snapshots: by the folder of their file (DBT_LAYERS, else OTHER_LAYER).
    Sources: staging. A test: the layer of the node it is attached to; without one (a singular
    test, a test on a source), the latest layer of its parents (staging if it has none).
    """
    order = [*DBT_LAYERS, OTHER_LAYER]
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    layer = dict.fromkeys(manifest.get("sources", {}), "staging")
    for key, node in nodes.items():
        if node.get("resource_type") not in TESTS:
            path = node.get("original_file_path", "")
            layer[key] = next(
                (name for name, folders in DBT_LAYERS.items() if path.startswith(folders)),
                OTHER_LAYER,
            )
    for key, node in nodes.items():
        if node.get("resource_type") in TESTS:
            attached = node.get("attached_node")
            if attached in layer:
                layer[key] = layer[attached]
            else:
                ups = [layer[p] for p in node.get("depends_on", {}).get("nodes", []) if p in layer]
                layer[key] = max(ups, key=order.index, default="staging")
    return layer


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def dbt_timing(run_results: dict[str, Any], manifest: dict[str, Any]) -> DbtTiming:
    """Per layer: the nodes dbt ran, the sum of their execution_time, and the span from the
    first start to the last end of their timing entries (compile, execute)."""
    layer_of = node_layers(manifest)
    layers = {name: LayerTiming(name) for name in DBT_LAYERS}
    unit_tests = 0
    for result in run_results.get("results", []):
        key = result["unique_id"]
        unit_tests += key.startswith("unit_test.")
        name = layer_of.get(key, OTHER_LAYER)
        lt = layers.setdefault(name, LayerTiming(name))
        lt.nodes += 1
        lt.node_s += float(result.get("execution_time") or 0.0)
        for step in result.get("timing", []):
            if step.get("name") not in ("compile", "execute"):
                continue
            if not (step.get("started_at") and step.get("completed_at")):
                continue
            a, b = _timestamp(step["started_at"]), _timestamp(step["completed_at"])
            lt.start = a if lt.start is None else min(lt.start, a)
            lt.end = b if lt.end is None else max(lt.end, b)
    return DbtTiming(list(layers.values()), unit_tests)


def read_dbt_timing(target: Path, keep: Path) -> DbtTiming | None:
    """The timing of the dbt invocation that just wrote target/ (None without its
    run_results.json); run_results.json is also copied to `keep`, as the next run overwrites
    target/."""
    results, manifest = target / "run_results.json", target / "manifest.json"
    if not (results.exists() and manifest.exists()):
        return None
    keep.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(results, keep)
    return dbt_timing(json.loads(results.read_text()), json.loads(manifest.read_text()))


def dbt_argv(*args: str) -> list[str]:
    """dbt, the one installed beside this Python, with these arguments."""
    return [dbt_executable(), *args]


def pipeline(folder: Path, env: dict[str, str], run: PipelineRun) -> PipelineRun:
    """The daily job's stages over run.window, in its order, each in its own process; stop at
    the first failure."""
    days = [d.isoformat() for d in run.window]
    slug = run.label.split()[0].lower()
    run.floor = measured(
        "floor", worker("floor", *days), env, folder / "logs" / f"{slug}-floor.log"
    )
    print(
        f"      {run.label:<12} {'floor (read its input once)':<36} {run.floor.wall_s:7.1f}s "
        f"{run.floor.peak_rss_mb:7.0f} MB  {run.rows:,} rows",
        flush=True,
    )
    stages: list[tuple[str, list[str]]] = [
        ("ingestion", worker("ingest", *days)),
        (DBT_STAGE, worker("dbt", *days)),
        ("GX checks (raw)", worker("checks", *days)),
        ("publish", worker("publish")),
    ]
    target = folder / "target"
    for i, (name, argv) in enumerate(stages):
        log = folder / "logs" / f"{slug}-{i}-{name.split()[0].lower()}.log"
        if name == DBT_STAGE:  # only this invocation's artifacts may be read afterwards
            (target / "run_results.json").unlink(missing_ok=True)
        stage = measured(name, argv, env, log)
        print(
            f"      {run.label:<12} {name:<36} {stage.wall_s:7.1f}s {stage.peak_rss_mb:7.0f} MB "
            f"(cpu {stage.cpu_s:.1f}s)",
            flush=True,
        )
        if name == DBT_STAGE:
            stage.dbt = read_dbt_timing(target, log.with_suffix(".run_results.json"))
            for lt in stage.dbt.layers if stage.dbt else []:
                print(
                    f"      {run.label:<12}   {lt.name:<34} {lt.wall_s:7.1f}s span, "
                    f"{lt.node_s:.1f} node-s, {lt.nodes} nodes",
                    flush=True,
                )
        run.stages.append(stage)
        if not stage.ok:
            print(f"      FAILED ({log}):\n{stage.detail.get('error', '')}", flush=True)
            break
    return run


def noop_run(folder: Path, env: dict[str, str], window: Window) -> PipelineRun:
    """`revops run` over a window where nothing new landed: its decision (revops.runner
    .nothing_new) is the whole run when it finds nothing to do."""
    run = PipelineRun("no-op", window)
    days = [d.isoformat() for d in window]
    stage = measured("no-op decision", worker("noop", *days), env, folder / "logs" / "noop.log")
    if stage.ok and not stage.detail.get("nothing_new"):
        stage.ok = False
        stage.detail["error"] = "revops run would do work: " + json.dumps(stage.detail)
    run.stages.append(stage)
    print(f"      {'no-op':<12} {'decision':<36} {stage.wall_s:7.1f}s", flush=True)
    return run


def dev_build(folder: Path, env: dict[str, str]) -> StageRun:
    """A developer's `dbt build -s DEV_MODEL` (the model and its tests) on the built
    warehouse, without a run window."""
    target = folder / "target"
    (target / "run_results.json").unlink(missing_ok=True)
    log = folder / "logs" / "dev-dbt.log"
    stage = measured(f"dbt build -s {DEV_MODEL}", dbt_argv("build", "-s", DEV_MODEL), env, log)
    stage.dbt = read_dbt_timing(target, log.with_suffix(".run_results.json"))
    outside = stage.wall_s - stage.dbt.span_s if stage.dbt else 0.0
    print(
        f"      {'developer':<12} {stage.name:<36} {stage.wall_s:7.1f}s "
        f"({outside:.1f}s outside the nodes)",
        flush=True,
    )
    return stage


def time_queries(db: Path) -> dict[str, tuple[float, float]]:
    import duckdb

    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for name, sql in DASHBOARD_QUERIES.items():
            con.execute(sql).fetchall()  # warm-up: the first query also opens the file
            times = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            out[name] = (min(times), statistics.median(times))
    return out


def generation_params(scale: float) -> dict[str, Any]:
    """What the landing files depend on: the parameters and the generator's source code."""
    import revops_demo.generate

    source = Path(revops_demo.generate.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*.py")):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes())
    return {
        "scale": scale,
        "seed": SEED,
        "end_date": END_DATE.isoformat(),
        "daily": DAILY_DAYS,
        "generator": digest.hexdigest()[:16],
    }


def prepare_landing(scale: float, folder: Path, env: dict[str, str]) -> StageRun:
    """Generate the scale's landing files, or reuse them (BENCH_REUSE_LANDING=1) when an earlier
    kept run generated them with the same parameters; the rest of the folder starts fresh."""
    stamp = folder / "generated.json"
    params = generation_params(scale)
    reuse = os.environ.get("BENCH_REUSE_LANDING") == "1"
    if reuse and stamp.exists() and (folder / "landing").is_dir():
        saved = json.loads(stamp.read_text())
        if saved.get("params") == params:
            for child in folder.iterdir():
                if child.name not in ("landing", "generated.json"):
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            run = StageRun("generate", 0.0, 0.0, True, saved["detail"])
            run.detail["reused"] = True
            return run
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    run = measured("generate", worker("generate", str(scale)), env, folder / "logs" / "gen.log")
    if run.ok:
        stamp.write_text(json.dumps({"params": params, "detail": run.detail}))
    return run


def bench_scale(scale: float, root: Path, keep: bool) -> ScaleResult:
    folder = root / f"scale-{scale:g}"
    folder.mkdir(parents=True, exist_ok=True)
    env = bench_env(folder)
    result = ScaleResult(scale)
    print(f"==> scale {scale:g} in {folder}", flush=True)
    result.generate = prepare_landing(scale, folder, env)
    if not result.generate.ok:
        raise RuntimeError(f"generation failed: {result.generate.detail.get('error')}")
    result.rows_landed = int(result.generate.detail["rows"])
    result.daily = bool(result.generate.detail.get("daily_days"))
    landing = folder / "landing"
    result.landing_mb = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 2**20
    how = "reused" if result.generate.detail.get("reused") else f"{result.generate.wall_s:.1f}s"
    print(
        f"      {result.rows_landed:,} rows landed, {result.landing_mb:.0f} MB ({how})", flush=True
    )
    last = END_DATE
    if result.daily:
        history = last - timedelta(days=DAILY_DAYS)
        result.full = pipeline(folder, env, PipelineRun("full build", (history, history)))
        second = PipelineRun("incremental", (last, last))
    else:  # a generator without daily drops: the second run has no new file
        result.full = pipeline(folder, env, PipelineRun("full build", (last, last)))
        second = PipelineRun("re-run", (last, last))
    published = folder / "warehouse" / "published" / "revops.duckdb"
    if result.full.ok:
        result.incremental = pipeline(folder, env, second)
    if result.incremental and result.incremental.ok:
        result.noop = noop_run(folder, env, second.window)
        result.dev = dev_build(folder, env)
    if published.exists() and result.full.ok:
        result.queries = time_queries(published)
    db = folder / "warehouse" / "revops.duckdb"
    result.warehouse_mb = db.stat().st_size / 2**20 if db.exists() else 0.0
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def definitions_load() -> tuple[float, float]:
    """(import dagster + dagster_dbt, import revops.definitions on top), seconds, min of 3."""
    code = (
        "import time; t0 = time.perf_counter(); import dagster, dagster_dbt; "
        "t1 = time.perf_counter(); import revops.definitions; t2 = time.perf_counter(); "
        "print(t1 - t0, t2 - t1)"
    )
    env = dict(os.environ, DO_NOT_TRACK="1")
    base, extra = [], []
    for _ in range(IMPORT_REPEATS):
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        base.append(float(out[-2]))
        extra.append(float(out[-1]))
    return min(base), min(extra)


# ---------------------------------------------------------------------------------------------
# Stage workers (run in the child process)


def _window(start: str, end: str) -> Window:
    return make_window(start, end)


def _stage_generate(scale: str) -> dict[str, Any]:
    from revops.config import landing_dir
    from revops_demo.generate import generate

    try:
        counts = generate(
            landing_dir(), scale=float(scale), seed=SEED, end_date=END_DATE, daily_days=DAILY_DAYS
        )
        daily = DAILY_DAYS
    except TypeError:  # a generator without daily drops: one file per table
        counts = generate(landing_dir(), scale=float(scale), seed=SEED, end_date=END_DATE)
        daily = 0
    return {"rows": sum(counts.values()), "tables": len(counts), "daily_days": daily}


def _stage_floor(start: str, end: str) -> dict[str, Any]:
    """One DuckDB pass over exactly the files a run over the window ingests."""
    import duckdb

    from revops.config import landing_dir
    from revops.ingest.discover import discover

    files = [f.path for f in discover(landing_dir(), window=_window(start, end)).files]
    rows = 0
    with duckdb.connect() as con:
        for path in files:
            reader = READERS[path.suffix].format(path="'" + str(path).replace("'", "''") + "'")
            rows += con.execute(f"select count(*), max(hash(t)) from {reader} as t").fetchone()[0]
    return {
        "files": len(files),
        "rows": rows,
        "mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
    }


def _stage_ingest(start: str, end: str) -> dict[str, Any]:
    from revops import stages

    report = stages.ingest(_window(start, end)).report
    return {
        "rows_loaded": sum(f.rows_loaded for f in report.files),
        "rows_quarantined": sum(f.rows_quarantined for f in report.files),
        "files_loaded": sum(1 for f in report.files if f.status == "loaded"),
        "files_skipped": sum(1 for f in report.files if f.status == "skipped"),
        "files_rejected": len(report.rejected),
    }


def _stage_dbt(start: str, end: str) -> dict[str, Any]:
    """What the dbt asset does: revops.stages plans what to build; one `dbt build` of that with
    the run's environment (revops.dbt_args); the build recorded; then `dbt source freshness`
    (revops.freshness), the daily job's second dbt invocation, whose whole time is outside the
    build's nodes."""
    from revops import config, freshness, stages, warehouse
    from revops.dbt_args import dbt_build_args, dbt_env

    window = _window(start, end)
    env = dbt_env(window)
    manifest = json.loads((config.dbt_target_dir() / "manifest.json").read_text())
    with warehouse.writer_lock(config.warehouse_path()):
        plan, state = stages.plan_build(manifest, env["REVOPS_AS_OF_DATE"])
        print(f"dbt selection: {plan.reason}", flush=True)
        if plan.nothing:
            return {"built": "nothing", "why": plan.reason}
        started = datetime.now(UTC)
        proc = subprocess.run(
            dbt_argv(
                *dbt_build_args(plan.full_refresh, select=None if plan.whole else plan.select)
            ),
            env={**os.environ, **env},
            cwd=PROJECT_DIR,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"dbt build failed (exit {proc.returncode})")
        target = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
        marts = stages.record_build(manifest, state, started, window, plan, target)
        # its own folder, so the build's run_results.json stays, starting from the build's
        # parse state, as dagster-dbt gives the asset's freshness call (it copies
        # partial_parse.msgpack into each invocation's target path)
        fresh = target / "freshness"
        fresh.mkdir(parents=True, exist_ok=True)
        if (target / "partial_parse.msgpack").exists():
            shutil.copyfile(target / "partial_parse.msgpack", fresh / "partial_parse.msgpack")
        subprocess.run(
            dbt_argv(*freshness.FRESHNESS_ARGS, "--target-path", str(fresh)),
            env={**os.environ, **env},
            cwd=PROJECT_DIR,
            check=False,
        )
        line, _ = freshness.summarize(fresh / "sources.json")
    return {
        "selection": "all" if plan.whole else " ".join(plan.select),
        "marts": len(marts),
        "freshness": line,
    }


def _stage_noop(start: str, end: str) -> dict[str, Any]:
    """`revops run`'s decision before any stage: is there anything new for the window?"""
    from revops import config, runner

    landing, db = config.landing_dir(), config.warehouse_path()
    loaded = runner.loaded_paths(db, landing)
    reason = runner.nothing_new(landing, db, loaded, _window(start, end), None)
    return {"nothing_new": reason or ""}


def _stage_checks(start: str, end: str) -> dict[str, Any]:
    """What the asset checks do: the raw suites measured in DuckDB (scoped to the window),
    then validated (revops.stages.check_raw)."""
    from revops import config, stages

    outcomes = stages.check_raw(
        _window(start, end), docs_dir=config.gx_docs_dir() / "bench", run_name="bench"
    )
    rules = [o for s in outcomes for o in s.outcomes]
    return {
        "suites": len(outcomes),
        "rules": len(rules),
        "failed": sum(not o.success for o in rules),
    }


def _stage_publish() -> dict[str, Any]:
    from revops import stages

    result = stages.publish()
    return {
        "published": result.published,
        "tables": len(result.tables),
        "rows": sum(result.tables.values()),
        "parquet_exported": len(result.exported),
    }


STAGES = {
    "generate": _stage_generate,
    "floor": _stage_floor,
    "ingest": _stage_ingest,
    "dbt": _stage_dbt,
    "noop": _stage_noop,
    "checks": _stage_checks,
    "publish": _stage_publish,
}


# ---------------------------------------------------------------------------------------------
# Report


def machine() -> dict[str, str]:
    import duckdb

    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU": cpu,
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{mem_kb / 2**20:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt threads": os.environ.get("REVOPS_DBT_THREADS")
        or profile_default("REVOPS_DBT_THREADS"),
        "duckdb memory_limit (dbt)": os.environ.get("REVOPS_DUCKDB_MEMORY")
        or f"{profile_default('REVOPS_DUCKDB_MEMORY')} (profiles.yml default)",
        "load average 1/5/15 min": load,
    }


def profile_default(env: str) -> str:
    """The default profiles.yml gives an env_var() setting, e.g. the dbt memory limit."""
    text = (PROJECT_DIR / "profiles.yml").read_text()
    found = re.search(rf"env_var\(\s*'{env}'\s*,\s*'([^']*)'\s*\)", text)
    return found.group(1) if found else "?"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 and rows else "-"


NA = "—"  # not measured apart: the dbt layers run in the one dbt process
MISSING = "- | - | - | - | -"


def run_rows(run: PipelineRun) -> dict[str, str]:
    """The table cells of a run (wall s | cpu s | peak RSS MB | rows / s | dbt node-s) by row:
    its stages, and under the dbt stage its layers and the time outside its nodes."""
    rows = {}
    for s in run.stages:
        flag = "" if s.ok else " **FAILED**"
        node_s = f"{s.dbt.node_s:.1f}" if s.dbt else NA
        rows[s.name] = (
            f"{s.wall_s:.1f}{flag} | {s.cpu_s:.1f} | {s.peak_rss_mb:,.0f} "
            f"| {_rate(run.rows, s.wall_s)} | {node_s}"
        )
        if s.dbt is None:
            continue
        for lt in s.dbt.layers:
            if lt.nodes or lt.name in DBT_LAYERS:
                rows[LAYER_ROWS[lt.name]] = (
                    f"{lt.wall_s:.1f} | {NA} | {NA} | {_rate(run.rows, lt.wall_s)} "
                    f"| {lt.node_s:.1f}"
                )
        rows[OUTSIDE_ROW] = f"{s.wall_s - s.dbt.span_s:.1f} | {NA} | {NA} | {NA} | {NA}"
    return rows


def scale_table(r: ScaleResult) -> list[str]:
    full, inc = r.full, r.incremental
    second = inc.label if inc else ("incremental" if r.daily else "re-run")
    lines = [
        f"### Scale {r.scale:g}: {r.rows_landed:,} rows landed ({r.landing_mb:,.0f} MB), "
        f"warehouse {r.warehouse_mb:,.0f} MB",
        "",
    ]
    if full:
        lines.append(f"- full build: window {full.window_text()}, {full.rows:,} rows in its files")
    if inc:
        lines.append(f"- {inc.label}: window {inc.window_text()}, {inc.rows:,} rows in its files")
    lines += [
        "",
        f"| stage | full build: wall s | cpu s | peak RSS MB | rows / s | dbt node-s "
        f"| {second}: wall s | cpu s | peak RSS MB | rows / s | dbt node-s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    a = run_rows(full) if full else {}
    b = run_rows(inc) if inc else {}
    for name in [*a, *(n for n in b if n not in a)]:
        lines.append(f"| {name} | {a.get(name, MISSING)} | {b.get(name, MISSING)} |")

    def total(run: PipelineRun | None) -> str:
        if run is None:
            return MISSING
        return (
            f"**{run.wall_s:.1f}** | {run.cpu_s:.1f} | {run.peak_mb:,.0f} "
            f"| {_rate(run.rows, run.wall_s)} | {NA}"
        )

    lines.append(f"| **total** (stages, not the dbt layer rows) | {total(full)} | {total(inc)} |")
    lines += [
        "",
        "dbt layer rows: wall = from the layer's first node start to its last node end inside "
        "the one `dbt build` (dbt's threads run the DAG: a node starts once its own parents "
        "are done, while other nodes of an earlier layer may still run, so layers overlap and "
        "their walls need not add up to the dbt stage's); dbt node-s = the sum of its nodes' "
        "execution_time (these do add up); rows / s = the run's input rows / that wall. "
        f"{NA} = not measured apart: one process, whose cpu and peak RSS are on the "
        f"`{DBT_STAGE}` row. `{OUTSIDE_ROW}` = the dbt stage's wall (the build's process, "
        "then the `dbt source freshness` one) minus the span of the build's nodes.",
        "",
    ]
    extra = []
    for run in r.runs:
        if run.floor and run.floor.ok:
            f = run.floor
            ratio = f"; {run.label} / floor = {run.wall_s / f.wall_s:.1f}x" if run.ok else ""
            extra.append(
                f"floor of the {run.label} (its {f.detail.get('files', 0)} files, "
                f"{f.detail.get('mb', 0):,} MB, read once): **{f.wall_s:.1f} s**, "
                f"{f.peak_rss_mb:,.0f} MB{ratio}"
            )
    for run in r.runs:
        for s in run.stages:
            if s.dbt:
                t = s.dbt
                extra.append(
                    f"{run.label}, dbt: one `dbt build` (then `dbt source freshness`) of "
                    f"{t.nodes} nodes, {t.unit_tests} of them unit tests; its nodes ran from the "
                    f"first start to the last end in {t.span_s:.1f} s of the stage's "
                    f"{s.wall_s:.1f} s, the other {s.wall_s - t.span_s:.1f} s being start-up, "
                    "parsing and the freshness invocation; "
                    f"{t.node_s:.1f} node-s"
                )
    if r.generate:
        if r.generate.detail.get("reused"):
            extra.append("generation: landing files reused from an earlier run (same parameters)")
        else:
            extra.append(
                f"generation (not part of the build): {r.generate.wall_s:.1f} s, "
                f"{r.generate.peak_rss_mb:,.0f} MB"
            )
    if not r.daily:
        extra.append(
            "one-day incremental run: **n/a**: the generator wrote no daily drop, so the second "
            "run is the same window again with no new landing files"
        )
    elif r.full and r.full.ok and r.incremental_s is not None:
        extra.append(
            f"one-day incremental / full build = {r.incremental_s / r.build_s:.1%} "
            f"({r.incremental_s:.1f} s / {r.build_s:.1f} s)"
        )
    if r.noop and r.noop.stages:
        s = r.noop.stages[0]
        share = f" = {r.noop.wall_s / r.build_s:.1%} of the full build" if r.build_s else ""
        extra.append(
            f"no-op run (the increment's window again, nothing new): `revops run` decides "
            f"before any stage in **{s.wall_s:.1f} s**{share} "
            f"({s.detail.get('nothing_new') or s.detail.get('error', '')})"
        )
    if r.dev:
        d = r.dev
        if d.dbt:
            extra.append(
                f"developer `{d.name}` on the built warehouse: **{d.wall_s:.1f} s**, "
                f"{d.dbt.nodes} nodes in {d.dbt.span_s:.1f} s, "
                f"{d.wall_s - d.dbt.span_s:.1f} s outside the nodes (start-up, parsing)"
            )
        else:
            extra.append(f"developer `{d.name}`: **failed** ({d.detail.get('error', '')[-300:]})")
    for name, (low, med) in r.queries.items():
        extra.append(
            f"dashboard query `{name}` (after the last run): min {low:.1f} ms, "
            f"median {med:.1f} ms (of {REPEATS})"
        )
    lines += [f"- {e}" for e in extra]
    for run in r.runs:
        for s in run.stages:
            if not s.ok:
                lines.append(f"- **{run.label}: {s.name} failed**: see the stage log; last lines:")
                lines += ["```", str(s.detail.get("error", ""))[-1500:], "```"]
    for run in r.runs:
        details = [f"{s.name}: `{json.dumps(s.detail)}`" for s in run.stages if s.detail and s.ok]
        if details:
            lines += ["", f"Stage outputs ({run.label}):", ""] + [f"- {d}" for d in details]
    return [*lines, ""]


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("PASS" if ok else "FAIL")


def outside_nodes(r: ScaleResult) -> list[tuple[float, str]]:
    """(seconds outside the nodes, which invocation) of every dbt invocation of the scale."""
    out = [
        (s.wall_s - s.dbt.span_s, f"{run.label} {s.name}")
        for run in r.runs
        for s in run.stages
        if s.dbt and s.dbt.nodes
    ]
    if r.dev and r.dev.dbt and r.dev.dbt.nodes:
        out.append((r.dev.wall_s - r.dev.dbt.span_s, r.dev.name))
    return out


def targets(results: list[ScaleResult], imports: tuple[float, float]) -> list[str]:
    by_scale = {r.scale: r for r in results}
    s1, s10 = by_scale.get(1.0), by_scale.get(10.0)
    t = TARGETS_TEXT
    found: dict[str, tuple[str, str]] = {x: ("needs scale 10", verdict(None)) for x in t}
    ok10 = bool(s10 and s10.full and s10.full.ok)
    if ok10 and s10.daily and s10.incremental_s is not None:
        share = s10.incremental_s / s10.build_s
        found[t[0]] = (
            f"{share:.1%} ({s10.incremental_s:.0f} s / {s10.build_s:.0f} s)",
            verdict(share <= 0.10),
        )
    elif ok10:
        found[t[0]] = ("no daily drop or the run failed", verdict(None))
    if ok10 and s1 and s1.full and s1.full.ok:
        ratio = s10.build_s / s1.build_s
        found[t[1]] = (
            f"{ratio:.1f}x ({s10.build_s:.0f} s / {s1.build_s:.0f} s)",
            verdict(ratio <= 8),
        )
    else:
        found[t[1]] = ("needs scales 1 and 10", verdict(None))
    if ok10 and s10.full.floor:
        ratio = s10.build_s / s10.full.floor.wall_s
        found[t[2]] = (
            f"{ratio:.1f}x ({s10.build_s:.0f} s / {s10.full.floor.wall_s:.1f} s)",
            verdict(ratio <= 10),
        )
    if ok10 and s10.noop and s10.noop.stages:
        share = s10.noop.wall_s / s10.build_s
        found[t[6]] = (
            f"{share:.1%} ({s10.noop.wall_s:.1f} s / {s10.build_s:.0f} s)",
            verdict(share <= 0.05 and s10.noop.ok),
        )
    outside = outside_nodes(s10) if s10 else []
    if outside:
        worst_s, worst_name = max(outside)
        found[t[7]] = (f"{worst_s:.1f} s at most ({worst_name})", verdict(worst_s <= 4.0))
    if s10 and s10.runs:
        worst = max((s for run in s10.runs for s in run.stages), key=lambda s: s.peak_rss_mb)
        found[t[3]] = (
            f"{s10.peak_mb:,.0f} MB ({worst.name})",
            verdict(s10.peak_mb < MEMORY_TARGET_MB),
        )
    if s10 and s10.queries:
        slowest = max(med for _, med in s10.queries.values())
        found[t[5]] = (f"{slowest:.1f} ms (slowest median)", verdict(slowest < 100))
    base, extra = imports
    found[t[4]] = (f"{extra:.2f} s beyond {base:.2f} s", verdict(extra < 1.0))
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {x} | {found[x][0]} | {found[x][1]} |" for x in t]
    # What the smaller scales say, as indications only (targets are stated at scale 10).
    hints = []
    for r in results:
        if not (r.full and r.full.ok and r.full.floor):
            continue
        parts = [
            f"build / floor {r.build_s / r.full.floor.wall_s:.1f}x",
            f"peak {r.peak_mb:,.0f} MB",
        ]
        if r.daily and r.incremental_s is not None:
            parts.insert(0, f"incremental / full {r.incremental_s / r.build_s:.1%}")
        if r.queries:
            parts.append(f"slowest dashboard query {max(m for _, m in r.queries.values()):.1f} ms")
        hints.append(f"scale {r.scale:g}: " + ", ".join(parts))
    ok = [r for r in results if r.full and r.full.ok]
    if len(ok) >= 2:
        a, b = ok[0], ok[-1]
        hints.append(
            f"scale {a.scale:g} -> {b.scale:g} ({b.scale / a.scale:g}x the data): full build "
            f"{b.build_s / a.build_s:.1f}x"
        )
    return lines + [""] + [f"- {h}" for h in hints] + [""]


def render(results: list[ScaleResult], imports: tuple[float, float], total_s: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`revops-demo bench`); how to run and read it: bench/README.md.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in machine().items()]
    lines += [
        "",
        f"Benchmark wall time {total_s / 60:.1f} min. The machine is shared: the load average "
        "above was read when the report was written; other jobs may have run meanwhile (compare "
        "the cpu s columns, which other jobs disturb less than wall time).",
        "",
        "## Targets",
        "",
    ]
    lines += targets(results, imports)
    base, extra = imports
    lines += [
        f"Dagster definitions: `import dagster, dagster_dbt` {base:.2f} s, then "
        f"`import revops.definitions` {extra:.2f} s more (min of {IMPORT_REPEATS} fresh "
        "processes).",
        "",
        "## Per scale",
        "",
    ]
    for r in results:
        lines += scale_table(r)
    return "\n".join(lines).rstrip() + "\n"


def run_bench(scales: list[float], keep: bool = False, out: Path = DEFAULT_OUT) -> int:
    started = time.perf_counter()
    root = Path(os.environ.get("BENCH_DATA_DIR", BENCH_DIR / "data"))
    root.mkdir(parents=True, exist_ok=True)
    imports = definitions_load()
    print(f"==> definitions load: +{imports[1]:.2f}s beyond dagster/dagster_dbt {imports[0]:.2f}s")
    results = [bench_scale(s, root, keep) for s in scales]
    text = render(results, imports, time.perf_counter() - started)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=out.parent, delete=False, suffix=".tmp") as fh:
        fh.write(text)
    os.replace(fh.name, out)
    print(text)
    print(f"(written to {out})")
    ok = all(run.ok for r in results for run in r.runs) and all(r.incremental for r in results)
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    """Child entry point: run one stage, print its JSON summary as the last line."""
    stage, *args = argv
    try:
        detail = STAGES[stage](*args)
    except Exception as exc:  # the parent reports the stage as failed, with this line
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
        raise
    print(json.dumps({"ok": True, **detail}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
