"""What `revops run` prints when the daily job ends: a summary of the run, and when it failed,
one line naming the step, the cause and the next action.

The facts come from the run's Dagster events (materialization metadata of the raw tables and of
published_warehouse, asset check evaluations, step failures), from the run's dbt
run_results.json (revops.config.dbt_run_dir) and, read-only, from marts.dq_fx_rates_missing.
`read_*` gather them into plain records; `render` and `diagnose` only format, so they are
tested on records built by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revops.dbt_args import DBT_STEP

PUBLISHED_KEY = "published_warehouse"
GX_CHECKS = {"gx_blocking", "gx_warnings"}
REJECTION_CHECK = "no_rejected_files"  # revops.assets.ingestion.REJECTION_CHECK
TOP_FILES = 5
TOP_CHECKS = 8


# --- plain records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Materialization:
    asset: str  # user string, e.g. raw_crm/opportunity
    metadata: Mapping[str, Any]


@dataclass(frozen=True)
class CheckEvaluation:
    asset: str
    check: str
    passed: bool
    severity: str  # ERROR or WARN
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        if self.check in GX_CHECKS:
            return "gx"
        if self.check == REJECTION_CHECK:
            return "landing files"
        return "dbt"


@dataclass(frozen=True)
class StepFailure:
    step: str
    message: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class RunEvents:
    run_id: str
    success: bool
    materializations: list[Materialization] = field(default_factory=list)
    checks: list[CheckEvaluation] = field(default_factory=list)
    failures: list[StepFailure] = field(default_factory=list)


@dataclass(frozen=True)
class DbtNode:
    unique_id: str
    status: str  # success, error, skipped, pass, fail, warn, ...
    failures: int | None = None
    message: str = ""
    model: str | None = None  # a test's model

    @property
    def resource_type(self) -> str:
        return self.unique_id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.unique_id.split(".")[-1 if self.resource_type == "unit_test" else 2]


@dataclass
class DbtResults:
    nodes: list[DbtNode]
    log_path: Path

    @property
    def warnings(self) -> int:
        return sum(1 for n in self.nodes if n.status == "warn")

    @property
    def failed(self) -> list[DbtNode]:
        """Models, seeds and snapshots in error first, then failed or errored tests."""
        bad = [n for n in self.nodes if n.status in {"error", "fail", "runtime error"}]
        return sorted(bad, key=lambda n: n.resource_type in {"test", "unit_test"})


@dataclass(frozen=True)
class FxGap:
    currency: str
    month: str  # YYYY-MM
    rows: int
    models: str = ""
    example_file: str | None = None


# --- gathering -------------------------------------------------------------------------------


def _plain(metadata: Mapping[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in metadata.items()}


def read_run_events(result: Any) -> RunEvents:
    """The records of an ExecuteInProcessResult (or anything with run_id, success, all_events)."""
    import dagster as dg

    events = RunEvents(run_id=result.run_id, success=result.success)
    for event in result.all_events:
        data = event.event_specific_data
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            mat = data.materialization
            events.materializations.append(
                Materialization(mat.asset_key.to_user_string(), _plain(mat.metadata))
            )
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            events.checks.append(
                CheckEvaluation(
                    data.asset_key.to_user_string(),
                    data.check_name,
                    data.passed,
                    data.severity.value,
                    _plain(data.metadata),
                )
            )
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = data.error
            message = error.message if error else "unknown error"
            while error is not None and error.cause is not None:  # the user's own exception
                error = error.cause
                message = error.message
            user = getattr(data, "user_failure_data", None)
            meta = _plain(user.metadata) if user and user.metadata else {}
            if user and user.description:
                message = user.description
            events.failures.append(StepFailure(event.step_key or "?", message.strip(), meta))
    return events


def read_dbt_results(run_dir: Path) -> DbtResults | None:
    """The node results of the dbt build whose artifacts are in run_dir (None: dbt never
    wrote them), each test with the model it tests (from the run's manifest)."""
    results_path = run_dir / "run_results.json"
    if not results_path.exists():
        return None
    results = json.loads(results_path.read_text())
    manifest_nodes: dict[str, Any] = {}
    if (run_dir / "manifest.json").exists():
        manifest_nodes = json.loads((run_dir / "manifest.json").read_text()).get("nodes", {})
    nodes = []
    for r in results.get("results", []):
        node = manifest_nodes.get(r["unique_id"], {})
        attached = node.get("attached_node") or next(
            iter(node.get("depends_on", {}).get("nodes", [])), None
        )
        nodes.append(
            DbtNode(
                unique_id=r["unique_id"],
                status=str(r.get("status") or ""),
                failures=r.get("failures"),
                message=str(r.get("message") or ""),
                model=attached.split(".")[-1] if attached else None,
            )
        )
    return DbtResults(nodes, run_dir / "dbt.log")


def read_fx_gaps(db_path: Path) -> list[FxGap]:
    """Months without an FX rate, from marts.dq_fx_rates_missing (none when the table or the
    warehouse is absent); read-only, under the writer lock."""
    if not db_path.exists():
        return []
    from revops.warehouse import reader

    with reader(db_path) as con:
        if not con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'dq_fx_rates_missing'"
        ).fetchone()[0]:
            return []
        rows = con.execute(
            "select currency_code, strftime(min(rate_month), '%Y-%m'), sum(row_count), "
            "string_agg(distinct model_name, ', ' order by model_name), "
            "min(example_source_file) from marts.dq_fx_rates_missing "
            "group by currency_code, date_trunc('month', rate_month) order by 2, 1"
        ).fetchall()
    return [FxGap(c, m, int(n or 0), mo or "", ex) for c, m, n, mo, ex in rows]


# --- formatting ------------------------------------------------------------------------------


def _n(value: int) -> str:
    return f"{value:,}"


def _raw(events: RunEvents) -> list[Materialization]:
    return [m for m in events.materializations if m.asset.startswith("raw_")]


def _issues(events: RunEvents, key: str) -> list[tuple[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for m in _raw(events):
        for item in m.metadata.get(key) or []:
            seen[(item["file"], item["error"])] = None
    return list(seen)


def system_lines(events: RunEvents) -> list[str]:
    by_system: dict[str, list[Materialization]] = {}
    for m in _raw(events):
        by_system.setdefault(m.asset.split("/")[0].removeprefix("raw_"), []).append(m)
    present, absent = [], []
    for system, mats in sorted(by_system.items()):
        with_rows = [m for m in mats if m.metadata.get("total_rows", 0)]
        if not with_rows:
            absent.append(system)
            continue
        rows = sum(m.metadata.get("total_rows", 0) for m in mats)
        new = sum(m.metadata.get("rows_loaded", 0) for m in mats)
        present.append(
            f"{system} ({len(with_rows)}/{len(mats)} tables, {_n(rows)} rows, {_n(new)} new)"
        )
    lines = [f"  systems present:  {', '.join(present) or 'none'}"]
    if absent:
        lines.append(f"  systems absent:   {', '.join(absent)} (no rows: their marts are empty)")
    return lines


def file_lines(events: RunEvents, landing_name: str = "landing") -> list[str]:
    raw = _raw(events)
    loaded = sum(m.metadata.get("files_loaded", 0) for m in raw)
    skipped = sum(m.metadata.get("files_skipped", 0) for m in raw)
    rejected, still = _issues(events, "rejected"), _issues(events, "still_rejected")
    lines = [
        f"  files:            {loaded} loaded, {skipped} skipped (loaded before), "
        f"{len({f for f, _ in rejected})} rejected, {len({f for f, _ in still})} still rejected"
    ]
    lines += [f"    rejected:       {error}" for _, error in rejected]
    lines += [
        f"    still rejected: {error} (unchanged since an earlier run: fix or remove it)"
        for _, error in still
    ]
    quarantined: Counter[str] = Counter()
    for m in raw:
        quarantined.update(m.metadata.get("quarantined_by_file") or {})
    if quarantined:
        total = sum(quarantined.values())
        lines.append(
            f"  quarantined rows: {_n(total)} in {len(quarantined)} file(s) "
            "(raw_meta.quarantine; published as marts.dq_quarantined_rows)"
        )
        for file, rows in quarantined.most_common(TOP_FILES):
            lines.append(f"    {_n(rows):>8}  {landing_name}/{file}")
        if len(quarantined) > TOP_FILES:
            lines.append(f"    ... and {len(quarantined) - TOP_FILES} more file(s)")
    else:
        lines.append("  quarantined rows: 0")
    return lines


def dbt_line(dbt: DbtResults | None) -> list[str]:
    if dbt is None:
        return [
            "  dbt:              did not run (no run_results.json: nothing new since the last "
            "build, or the run stopped before dbt)"
        ]
    tests = [n for n in dbt.nodes if n.resource_type in {"test", "unit_test"}]
    built = [n for n in dbt.nodes if n not in tests]
    b, t = Counter(n.status for n in built), Counter(n.status for n in tests)
    return [
        f"  dbt:              {len(dbt.nodes)} nodes: {b['success']} built, {b['error']} errors, "
        f"{b['skipped'] + t['skipped']} skipped; tests {t['pass']} passed, "
        f"{t['fail'] + t['error']} failed, warnings {dbt.warnings}"
    ]


def _check_detail(check: CheckEvaluation) -> str:
    for key in ("failed_rules", "errors"):
        text = str(check.metadata.get(key) or "").strip()
        if text and text != "none":
            return text.splitlines()[0].removeprefix("- ")
    status = check.metadata.get("status")
    return f"dbt test {status}" if status else ""


def check_lines(events: RunEvents) -> list[str]:
    failed = [c for c in events.checks if not c.passed]
    by_severity = Counter(c.severity for c in failed)
    by_origin = Counter(f"{c.origin} {c.severity}" for c in failed)
    origins = ", ".join(f"{k} {v}" for k, v in sorted(by_origin.items()))
    lines = [
        f"  checks failed:    ERROR {by_severity['ERROR']}, WARN {by_severity['WARN']} "
        f"of {len(events.checks)} evaluated" + (f" ({origins})" if origins else "")
    ]
    rank = {"landing files": 0, "gx": 1, "dbt": 2}
    ordered = sorted(failed, key=lambda c: (c.severity != "ERROR", rank[c.origin]))
    for c in ordered[:TOP_CHECKS]:
        detail = f": {_check_detail(c)}" if _check_detail(c) else ""
        lines.append(f"    {c.severity:<5} {c.check} on {c.asset}{detail}")
    if len(ordered) > TOP_CHECKS:
        lines.append(f"    ... and {len(ordered) - TOP_CHECKS} more (Dagster UI, asset checks)")
    return lines


def fx_lines(gaps: list[FxGap]) -> list[str]:
    if not gaps:
        return []
    lines = [
        f"  fx gaps:          {len(gaps)} currency-month(s) without a rate "
        "(converted amounts NULL; marts.dq_fx_rates_missing)"
    ]
    for gap in gaps[:TOP_FILES]:
        where = f", e.g. {gap.example_file}" if gap.example_file else ""
        lines.append(f"    {gap.currency} {gap.month}: {_n(gap.rows)} rows ({gap.models}{where})")
    if len(gaps) > TOP_FILES:
        lines.append(f"    ... and {len(gaps) - TOP_FILES} more")
    return lines


def published_lines(events: RunEvents) -> list[str]:
    for m in events.materializations:
        if m.asset == PUBLISHED_KEY:
            exported = m.metadata.get("parquet_exported")
            lines = [
                f"  published:        {m.metadata.get('tables', '?')} tables, "
                f"{_n(int(m.metadata.get('rows', 0)))} rows -> {m.metadata.get('database', '?')}"
            ]
            if exported is not None:
                lines.append(
                    f"                    Parquet rewritten for {len(exported)} (the marts "
                    "rebuilt since the last publication; the others linked)"
                )
            return lines
    why = (
        f"step {events.failures[0].step} failed (cause below)"
        if events.failures
        else "no mart rebuilt since the last publication (or the job stopped before it)"
    )
    return [f"  published:        nothing, the last published warehouse stays: {why}"]


def render(
    events: RunEvents,
    dbt: DbtResults | None,
    fx_gaps: list[FxGap],
    landing_name: str = "landing",
) -> list[str]:
    """The summary's lines, in the order a reader asks: what came in, what was built and
    checked, what went out."""
    return [
        *system_lines(events),
        *file_lines(events, landing_name),
        *dbt_line(dbt),
        *check_lines(events),
        *fx_lines(fx_gaps),
        *published_lines(events),
    ]


# --- the one line of a failed run ------------------------------------------------------------


def _first_line(text: str) -> str:
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "unknown error")


def _ingest_cause(failure: StepFailure) -> str:
    errors = str(failure.metadata.get("errors") or "").splitlines()
    errors = [e.removeprefix("- ") for e in errors if e.strip()]
    if not errors:
        return f"{failure.step}: {_first_line(failure.message)}"
    file, _, reason = errors[0].partition(": ")
    more = f" (and {len(errors) - 1} more file(s))" if len(errors) > 1 else ""
    return (
        f"{failure.step}: {file} rejected: {reason}{more}: fix or remove the file "
        "(REVOPS_BAD_FILE_POLICY=strict)"
    )


def _dbt_cause(
    failure: StepFailure, dbt: DbtResults | None, fx_gaps: list[FxGap], landing_name: str
) -> str:
    if dbt is None or not dbt.failed:
        return f"{failure.step} failed: {_first_line(failure.message)}"
    node = dbt.failed[0]
    if fx_gaps and node.name.startswith("has_fx_rate"):
        gap = fx_gaps[0]
        where = f" ({gap.example_file})" if gap.example_file else ""
        return (
            f"fx rate missing for {gap.currency} {gap.month}{where}: add it to "
            f"{landing_name}/reference/fx_rates.csv"
        )
    more = f" (and {len(dbt.failed) - 1} more)" if len(dbt.failed) > 1 else ""
    if node.resource_type in {"test", "unit_test"}:
        rows = f" ({node.failures} rows)" if node.failures else ""
        on = f" on model {node.model}" if node.model else ""
        kind = "unit test" if node.resource_type == "unit_test" else "test"
        return f"dbt {kind} {node.name} failed{rows}{on}{more}: see {dbt.log_path}"
    return (
        f"dbt {node.resource_type} {node.name} failed: {_first_line(node.message)}{more}: "
        f"see {dbt.log_path}"
    )


def _check_cause(failure: StepFailure, events: RunEvents) -> str:
    blocking = [
        c
        for c in events.checks
        if not c.passed and c.severity == "ERROR" and c.check == "gx_blocking"
    ]
    if not blocking:
        return f"{failure.step} failed: {_first_line(failure.message)}"
    first = blocking[0]
    more = f" (and {len(blocking) - 1} more)" if len(blocking) > 1 else ""
    docs = first.metadata.get("gx_data_docs")
    action = f": see the Data Docs {docs}" if docs else ""
    return (
        f"publication skipped: blocking check gx_blocking on {first.asset} failed "
        f"({_check_detail(first)}){more}{action}"
    )


def diagnose(
    events: RunEvents,
    dbt: DbtResults | None,
    fx_gaps: list[FxGap],
    landing_name: str = "landing",
) -> str | None:
    """One line for a failed run: the first failed step, its cause and the next action."""
    if not events.failures:
        return None if events.success else "the run failed before any step failed"
    failure = events.failures[0]
    if failure.step.startswith("ingest_"):
        return _ingest_cause(failure)
    if failure.step == DBT_STEP:
        return _dbt_cause(failure, dbt, fx_gaps, landing_name)
    if failure.step.startswith("gx_"):
        return _check_cause(failure, events)
    if failure.step == PUBLISHED_KEY:
        return f"publication failed: {_first_line(failure.message)}"
    return f"{failure.step} failed: {_first_line(failure.message)}"
