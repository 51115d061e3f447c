"""Dagster assets for ingestion: one multi-asset per source system, one spec per raw table.

A landing file that cannot be loaded is rejected: each raw table asset carries a WARN check
(no_rejected_files) that fails while one of its files is refused. The bad-file policy (env
REVOPS_BAD_FILE_POLICY, revops.config.bad_file_policy) decides the rest: lenient (default) reports
the file and lets the day go on; strict fails the system's step, as one bad file used to.

Daily-partitioned: a run over one day or a range of days loads the dated files of those days
and any undated file not loaded yet (revops.ingest.load_landing with the run's window). A range
backfill is one run (BackfillPolicy.single_run).
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

import dagster as dg

from revops.assets import ownership
from revops.contract import System, load_contract
from revops.partitions import daily_partitions, window_of
from revops.progress import SHOW

if TYPE_CHECKING:
    from revops.ingest.report import FileResult

GROUP = "raw"
LAYER = "raw"
REJECTION_CHECK = "no_rejected_files"


def table_key(system: str, table: str) -> dg.AssetKey:
    return dg.AssetKey([f"raw_{system}", table])


def _specs(system: System) -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=table_key(system.name, table.name),
            group_name=GROUP,
            kinds={"duckdb"},
            description=table.description or f"{system.name} {table.name}, as landed",
            metadata={"key": list(table.key), "contract_columns": len(table.columns)},
            owners=ownership.owners(LAYER, system.name),
            tags=ownership.tags(LAYER, system.name),
        )
        for table in system.tables.values()
    ]


def _rejections(files: "list[FileResult]") -> list[tuple[str, str]]:
    """(file, error) once per file and error: a nested JSON file feeds several tables."""
    return list(dict.fromkeys((f.file, f.error or "rejected") for f in files))


def _rejection_check(
    key: dg.AssetKey, rejected: "list[FileResult]", still_rejected: "list[FileResult]"
) -> dg.AssetCheckResult:
    """Failed (WARN) while a landing file of the table is refused: rejected by this run, or
    by an earlier one and unchanged since."""
    new, old = _rejections(rejected), _rejections(still_rejected)
    lines = [f"- {error}" for _, error in new]
    lines += [f"- {error} (rejected earlier, unchanged since)" for _, error in old]
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=REJECTION_CHECK,
        passed=not lines,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "files_rejected": len(new),
            "files_still_rejected": len(old),
            "errors": dg.MetadataValue.md("\n".join(lines) or "none"),
        },
    )


def _check_specs(system: System) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            REJECTION_CHECK,
            asset=table_key(system.name, table.name),
            description="No landing file of this table is refused (WARN, never blocks): a "
            "rejected file is listed with its reason until it is fixed or removed",
        )
        for table in system.tables.values()
    ]


def _run_system(context: dg.AssetExecutionContext, system: str) -> Iterator[dg.MaterializeResult]:
    """Load the system's new landing files and report each selected table. A rejected file is
    reported (metadata, a warning, a failed WARN check); under the strict bad-file policy it
    then fails the step."""
    from revops import config, stages  # paths are read at run time, never at import

    policy = config.bad_file_policy()
    tables = load_contract()[system].tables
    selected = {name for name in tables if table_key(system, name) in context.selected_asset_keys}
    landing = config.landing_dir()
    window = window_of(context)
    if window:
        context.log.info(f"window {window[0]} .. {window[1]}: dated files of these days")
    ingested = stages.ingest(window, [system], {(system, t) for t in selected})
    report, totals = ingested.report, ingested.totals

    # files rejected earlier, unchanged, skipped now
    still_rejected: list[FileResult] = list(report.still_rejected)
    warned = {f.error for f in [*report.rejected, *still_rejected]}  # logged as warnings below
    for message in report.messages:
        if message not in warned:
            context.log.info(message)
    for _, error in _rejections(report.rejected):
        context.log.warning(f"file rejected ({policy} policy): {error}", extra=SHOW)
    for _, error in _rejections(still_rejected):
        context.log.warning(
            f"file still rejected (unchanged since an earlier run, not retried): {error}",
            extra=SHOW,
        )
    check_selected = set(context.selected_asset_check_keys)
    for name in sorted(selected):
        qualified, key = f"raw_{system}.{name}", table_key(system, name)
        result = report.table(qualified)
        rejected = [f for f in report.rejected if f.table == qualified]
        earlier = [f for f in still_rejected if f.table == qualified]
        checks = (
            [_rejection_check(key, rejected, earlier)]
            if dg.AssetCheckKey(key, REJECTION_CHECK) in check_selected
            else []
        )
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "rows_in": result.rows_in,
                "files_loaded": result.files_loaded,
                "files_skipped": result.files_skipped,
                "files_rejected": result.files_rejected,
                "files_still_rejected": len(earlier),
                "total_rows": totals[qualified],
                "landing_dir": dg.MetadataValue.path(str(landing)),
                "window_start": str(window[0]) if window else "",
                "window_end": str(window[1]) if window else "",
                "files_waiting": sum(
                    1 for w in report.waiting if w.startswith(f"{system}/{name}/")
                ),
                "rejected": dg.MetadataValue.json(
                    [{"file": f, "error": e} for f, e in _rejections(rejected)]
                ),
                "still_rejected": dg.MetadataValue.json(
                    [{"file": f, "error": e} for f, e in _rejections(earlier)]
                ),
                "quarantined_by_file": dg.MetadataValue.json(
                    {
                        f.file: f.rows_quarantined
                        for f in report.files
                        if f.table == qualified and f.rows_quarantined
                    }
                ),
            },
            check_results=checks,
        )
    refused = _rejections([*report.rejected, *still_rejected])
    if refused and policy == "strict":
        raise dg.Failure(
            description=f"{len(refused)} landing file(s) rejected for {system} "
            "(REVOPS_BAD_FILE_POLICY=strict):\n" + "\n".join(e for _, e in refused),
            metadata={
                "rejected_files": dg.MetadataValue.json(sorted({f for f, _ in refused})),
                "errors": dg.MetadataValue.md("\n".join(f"- {e}" for _, e in refused)),
            },
        )


def build_system_asset(system: System) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=f"ingest_{system.name}",
        specs=_specs(system),
        check_specs=_check_specs(system),
        can_subset=True,
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        description=system.description or f"Load {system.name} landing files into DuckDB",
    )
    def _ingest(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
        yield from _run_system(context, system.name)

    return _ingest


def build_ingestion_assets() -> list[dg.AssetsDefinition]:
    return [build_system_asset(system) for system in load_contract().values()]


# the loader's own tables (revops.ingest.load), which dbt reads as sources: written by every
# ingestion step as a side effect, so in the UI they are observed, not materialized
LOADER_TABLES = {
    "load_log": "One row per attempt at a landing file's content and raw table: loaded, "
    "rejected, failed or duplicate, with its counts and error (written by every ingestion step).",
    "quarantine": "The rows of loaded files that broke the landing contract, with the file, row, "
    "column and value (written by every ingestion step).",
}


def loader_table_specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=dg.AssetKey(["raw_meta", name]),
            group_name=GROUP,
            kinds={"duckdb"},
            description=description,
            owners=ownership.owners(LAYER, "meta"),
            tags=ownership.tags(LAYER, "meta"),
        )
        for name, description in LOADER_TABLES.items()
    ]


ingestion_assets: list[dg.AssetsDefinition] = build_ingestion_assets()
