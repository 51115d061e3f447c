"""`make bench`: time every stage of the daily pipeline at a few demo scales (a benchmark, not a
test).

For each scale, in bench/data/scale-<s>/ (gitignored): generate the landing files (timed apart,
not part of the build), measure the floor (one DuckDB pass over every landing file), then run
the stages the way revops_daily does, each in its own subprocess so peak RSS is per stage:
ingestion, dbt build per layer, Great Expectations checks, publish. Then the same stages once
more as a re-run with no new landing files: there are no incremental models yet, so that is a
full rebuild and is labelled so. Dashboard queries are timed on the published file, and the
Dagster definitions' load time once per session. Results go to bench/results.md.

    revops bench --scales 0.1 1 [--keep] [--out bench/results.md]

Each stage runs as `python -m revops.bench <stage>` with the bench folder in its environment;
the parent reads the child's peak RSS from os.wait4 (Linux: the largest RSS of the child and
its waited-for descendants, in KiB).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from revops.config import PROJECT_DIR

BENCH_DIR = PROJECT_DIR / "bench"
DEFAULT_OUT = BENCH_DIR / "results.md"
SEED = 42
REPEATS = 5
IMPORT_REPEATS = 3

# dbt layers, built in this order, by folder; seeds and snapshots go with staging. The folders
# are not a strict DAG (intermediate models read marts.dim_date), so layer_plan() builds a node
# in the first layer that needs it: its own, or an earlier one that it is an ancestor of.
DBT_LAYERS: dict[str, tuple[str, ...]] = {
    "dbt staging (+ seeds, snapshots)": ("seeds/", "snapshots/", "models/staging/"),
    "dbt intermediate (+ marts it reads)": ("models/intermediate/",),
    "dbt marts": ("models/marts/",),
}
BUILT = {"model", "seed", "snapshot"}

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
    "full build at scale 10 <= 8x scale 1",
    "full build at scale 10 <= 3x the floor",
    "peak memory at scale 10 < 4 GB",
    "Dagster definitions load < 1 s beyond `import dagster, dagster_dbt`",
    "dashboard queries < 100 ms at scale 10",
)


# ---------------------------------------------------------------------------------------------
# Measurements


@dataclass
class StageRun:
    name: str
    wall_s: float
    peak_rss_mb: float
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScaleResult:
    scale: float
    rows_landed: int = 0
    landing_mb: float = 0.0
    generate: StageRun | None = None
    floor: StageRun | None = None
    full: list[StageRun] = field(default_factory=list)
    rerun: list[StageRun] = field(default_factory=list)
    queries: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (min, median)
    warehouse_mb: float = 0.0

    @property
    def build_s(self) -> float:
        return sum(s.wall_s for s in self.full)

    @property
    def peak_mb(self) -> float:
        return max((s.peak_rss_mb for s in self.full + self.rerun), default=0.0)


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
    """Run argv to completion; wall time, the child's peak RSS, and its last JSON line."""
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
    return StageRun(name, wall, usage.ru_maxrss / 1024, ok, detail)


def worker(stage: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "revops.bench", stage, *args]


def layer_plan(manifest: dict[str, Any]) -> list[tuple[list[str], list[str]]]:
    """Per layer: (the models, seeds and snapshots to build, the data tests to exclude).

    Tests come with their models through dbt's indirect selection; a test whose parents are
    built in different layers is excluded from all but the last of them, so it runs once,
    when every parent exists.
    """
    folders = list(DBT_LAYERS.values())
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    parents = {k: v.get("depends_on", {}).get("nodes", []) for k, v in nodes.items()}

    def folder_layer(node: dict[str, Any]) -> int:
        path = node.get("original_file_path", "")
        return next((i for i, f in enumerate(folders) if path.startswith(f)), 0)

    layer = {k: folder_layer(v) for k, v in nodes.items() if v.get("resource_type") != "test"}
    for key in sorted(layer, key=lambda k: -layer[k]):  # pull ancestors into earlier layers
        stack = list(parents.get(key, []))
        while stack:
            up = stack.pop()
            if up in layer and layer[up] > layer[key]:
                layer[up] = layer[key]
                stack += parents.get(up, [])
    plan: list[tuple[list[str], list[str]]] = [([], []) for _ in folders]
    for key, i in layer.items():
        if nodes[key].get("resource_type") in BUILT:
            plan[i][0].append(nodes[key]["name"])
    for key, node in nodes.items():
        if node.get("resource_type") != "test":
            continue
        layers = [layer[p] for p in parents[key] if p in layer] or [0]
        for i in range(min(layers), max(layers)):
            plan[i][1].append(node["name"])
    return [(sorted(b), sorted(e)) for b, e in plan]


def dbt_argv(build: list[str], exclude: list[str], with_sources: bool) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    selectors = build + (["source:*"] if with_sources else [])  # tests on the raw tables
    argv = [str(dbt) if dbt.exists() else "dbt", "build", "--select", *selectors]
    return argv + (["--exclude", *exclude] if exclude else [])


def pipeline(folder: Path, env: dict[str, str], label: str) -> list[StageRun]:
    """The daily job's stages, in its order, each in its own process; stop at a failure."""
    stages: list[tuple[str, list[str]]] = [("ingestion", worker("ingest"))]
    manifest = json.loads((PROJECT_DIR / "target" / "manifest.json").read_text())
    stages += [
        (name, dbt_argv(build, exclude, with_sources=i == 0))
        for i, (name, (build, exclude)) in enumerate(
            zip(DBT_LAYERS, layer_plan(manifest), strict=True)
        )
    ]
    stages += [("GX checks (raw + marts)", worker("checks")), ("publish", worker("publish"))]
    runs = []
    for i, (name, argv) in enumerate(stages):
        log = folder / "logs" / f"{label}-{i}-{name.split()[0].lower()}.log"
        run = measured(name, argv, env, log)
        print(
            f"      {label:<6} {name:<34} {run.wall_s:7.1f}s {run.peak_rss_mb:7.0f} MB", flush=True
        )
        runs.append(run)
        if not run.ok:
            print(f"      FAILED ({log}):\n{run.detail.get('error', '')}", flush=True)
            break
    return runs


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


def bench_scale(scale: float, root: Path, keep: bool) -> ScaleResult:
    folder = root / f"scale-{scale:g}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = bench_env(folder)
    result = ScaleResult(scale)
    print(f"==> scale {scale:g} in {folder}", flush=True)
    result.generate = measured(
        "generate", worker("generate", str(scale)), env, folder / "logs" / "generate.log"
    )
    if not result.generate.ok:
        raise RuntimeError(f"generation failed: {result.generate.detail.get('error')}")
    result.rows_landed = int(result.generate.detail["rows"])
    landing = folder / "landing"
    result.landing_mb = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 2**20
    print(f"      {result.rows_landed:,} rows landed, {result.landing_mb:.0f} MB", flush=True)
    result.floor = measured("floor", worker("floor"), env, folder / "logs" / "floor.log")
    print(f"      floor {result.floor.wall_s:.1f}s", flush=True)
    result.full = pipeline(folder, env, "full")
    if all(s.ok for s in result.full):
        result.queries = time_queries(folder / "warehouse" / "published" / "revops.duckdb")
        result.rerun = pipeline(folder, env, "re-run")
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


def _stage_generate(scale: str) -> dict[str, Any]:
    from revops.config import landing_dir
    from revops.generate import generate

    counts = generate(landing_dir(), scale=float(scale), seed=SEED)
    return {"rows": sum(counts.values()), "tables": len(counts)}


def _stage_floor() -> dict[str, Any]:
    import duckdb

    from revops.config import landing_dir

    files = sorted(p for p in landing_dir().rglob("*") if p.is_file() and p.suffix in READERS)
    rows = 0
    with duckdb.connect() as con:
        for path in files:
            reader = READERS[path.suffix].format(path="'" + str(path).replace("'", "''") + "'")
            rows += con.execute(f"select count(*), max(hash(t)) from {reader} as t").fetchone()[0]
    return {"files": len(files), "rows": rows}


def _stage_ingest() -> dict[str, Any]:
    from revops import config, warehouse
    from revops.ingest import load_landing

    db = config.warehouse_path()
    with warehouse.writer_lock(db):
        con = warehouse.connect(db)
        try:
            report = load_landing(con, config.landing_dir())
        finally:
            con.close()
    return {
        "rows_loaded": sum(f.rows_loaded for f in report.files),
        "rows_quarantined": sum(f.rows_quarantined for f in report.files),
        "files_loaded": sum(1 for f in report.files if f.status == "loaded"),
        "files_skipped": sum(1 for f in report.files if f.status == "skipped"),
        "files_rejected": len(report.rejected),
    }


def _stage_checks() -> dict[str, Any]:
    """What the asset checks call: measure every suite in DuckDB, then validate with GX."""
    from revops.checks.gx_run import gx_docs_dir, validate
    from revops.checks.metrics import measure
    from revops.checks.suites import mart_suites, raw_suites
    from revops.config import warehouse_path
    from revops.warehouse import connect, writer_lock

    db = warehouse_path()
    with writer_lock(db):
        con = connect(db, read_only=True)
        try:
            existing = {
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            }
            suites = raw_suites() + mart_suites(existing)
            measurements = [measure(con, s) for s in suites]
        finally:
            con.close()
    outcomes = validate(measurements, docs_dir=gx_docs_dir() / "bench", run_name="bench")
    rules = [o for s in outcomes for o in s.outcomes]
    return {
        "suites": len(outcomes),
        "rules": len(rules),
        "failed": sum(not o.success for o in rules),
    }


def _stage_publish() -> dict[str, Any]:
    from revops.publish import publish

    result = publish()
    return {"tables": len(result.tables), "rows": sum(result.tables.values())}


STAGES = {
    "generate": _stage_generate,
    "floor": _stage_floor,
    "ingest": _stage_ingest,
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
        "dbt threads": os.environ.get("REVOPS_DBT_THREADS", "2"),
        "duckdb memory_limit (dbt)": os.environ.get("REVOPS_DUCKDB_MEMORY", "4GB"),
        "load average 1/5/15 min": load,
    }


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else "-"


def scale_table(r: ScaleResult) -> list[str]:
    lines = [
        f"### Scale {r.scale:g}: {r.rows_landed:,} rows landed ({r.landing_mb:,.0f} MB), "
        f"warehouse {r.warehouse_mb:,.0f} MB",
        "",
        "| stage | full build: wall s | peak RSS MB | rows landed / s "
        "| re-run (no new files, full rebuild): wall s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    reruns = {s.name: s for s in r.rerun}
    for s in r.full:
        again = reruns.get(s.name)
        again_cols = f"{again.wall_s:.1f} | {again.peak_rss_mb:,.0f}" if again else "- | -"
        flag = "" if s.ok else " **FAILED**"
        lines.append(
            f"| {s.name}{flag} | {s.wall_s:.1f} | {s.peak_rss_mb:,.0f} "
            f"| {_rate(r.rows_landed, s.wall_s)} | {again_cols} |"
        )
    rerun_total = f"{sum(s.wall_s for s in r.rerun):.1f}" if r.rerun else "-"
    full_peak = max((s.peak_rss_mb for s in r.full), default=0)
    lines.append(
        f"| **total** | **{r.build_s:.1f}** | {full_peak:,.0f} "
        f"| {_rate(r.rows_landed, r.build_s)} | **{rerun_total}** "
        f"| {max((s.peak_rss_mb for s in r.rerun), default=0):,.0f} |"
    )
    lines.append("")
    extra = []
    if r.floor:
        extra.append(
            f"floor (every landing file read once): **{r.floor.wall_s:.1f} s**, "
            f"{r.floor.peak_rss_mb:,.0f} MB; build / floor = {r.build_s / r.floor.wall_s:.1f}x"
        )
    if r.generate:
        extra.append(
            f"generation (not part of the build): {r.generate.wall_s:.1f} s, "
            f"{r.generate.peak_rss_mb:,.0f} MB"
        )
    extra.append(
        "one-day incremental run: **n/a: no daily partitions or incremental models yet**; the "
        "re-run column is the same pipeline again with no new landing files (ingestion skips "
        "every file, dbt rebuilds everything)"
    )
    for name, (low, med) in r.queries.items():
        extra.append(f"dashboard query `{name}`: min {low:.1f} ms, median {med:.1f} ms (of 5)")
    lines += [f"- {e}" for e in extra]
    failed = [s for s in r.full + r.rerun if not s.ok]
    for s in failed:
        lines.append(f"- **{s.name} failed**: see the stage log; last lines:")
        lines.append("```")
        lines.append(str(s.detail.get("error", ""))[-1500:])
        lines.append("```")
    details = [f"{s.name}: `{json.dumps(s.detail)}`" for s in r.full if s.detail and s.ok]
    if details:
        lines += ["", "Stage outputs (full build):", ""] + [f"- {d}" for d in details]
    return [*lines, ""]


def targets(results: list[ScaleResult], imports: tuple[float, float]) -> list[str]:
    by_scale = {r.scale: r for r in results}
    s1, s10 = by_scale.get(1.0), by_scale.get(10.0)

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("PASS" if ok else "FAIL")

    found: dict[str, tuple[str, str]] = {t: ("needs scale 10", verdict(None)) for t in TARGETS_TEXT}
    if s1 and s10:
        ratio = s10.build_s / s1.build_s
        found[TARGETS_TEXT[0]] = (f"{ratio:.1f}x", verdict(ratio <= 8))
    else:
        found[TARGETS_TEXT[0]] = ("needs scales 1 and 10", verdict(None))
    if s10 and s10.floor:
        ratio = s10.build_s / s10.floor.wall_s
        found[TARGETS_TEXT[1]] = (f"{ratio:.1f}x", verdict(ratio <= 3))
        found[TARGETS_TEXT[2]] = (f"{s10.peak_mb:,.0f} MB", verdict(s10.peak_mb < 4096))
        worst = max((med for _, med in s10.queries.values()), default=None)
        if worst is not None:
            found[TARGETS_TEXT[4]] = (f"{worst:.1f} ms (slowest median)", verdict(worst < 100))
    base, extra = imports
    found[TARGETS_TEXT[3]] = (f"{extra:.2f} s beyond {base:.2f} s", verdict(extra < 1.0))
    rows = [(t, *found[t]) for t in TARGETS_TEXT]
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in rows]
    # What the smaller scales say, as indications only (targets are stated at scale 10).
    hints = []
    for r in results:
        if r.floor and r.build_s:
            hints.append(
                f"scale {r.scale:g}: build / floor {r.build_s / r.floor.wall_s:.1f}x, "
                f"peak {r.peak_mb:,.0f} MB, slowest dashboard query "
                f"{max((m for _, m in r.queries.values()), default=float('nan')):.1f} ms"
            )
    if len(results) >= 2 and results[0].build_s:
        a, b = results[0], results[-1]
        hints.append(
            f"scale {a.scale:g} -> {b.scale:g} ({b.scale / a.scale:g}x the data): build time "
            f"{b.build_s / a.build_s:.1f}x"
        )
    return lines + [""] + [f"- {h}" for h in hints] + [""]


def render(results: list[ScaleResult], imports: tuple[float, float], total_s: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`revops bench`); how to run and read it: bench/README.md.",
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
        "above was read when the report was written; other jobs may have run meanwhile.",
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
    root = BENCH_DIR / "data"
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
    ok = all(s.ok for r in results for s in r.full + r.rerun)
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
