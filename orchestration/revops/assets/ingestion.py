"""Dagster assets for ingestion: one multi-asset per source system, one spec per raw table.

Daily-partitioned: a run over one day or a range of days loads the dated files of those days
and any undated file not loaded yet (revops.ingest.load_landing with the run's window). A range
backfill is one run (BackfillPolicy.single_run).
"""

from collections.abc import Iterator

import dagster as dg

from revops.contract import System, load_contract
from revops.partitions import daily_partitions, window_of

GROUP = "raw"


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
        )
        for table in system.tables.values()
    ]


def _run_system(context: dg.AssetExecutionContext, system: str) -> Iterator[dg.MaterializeResult]:
    """Load the system's new landing files, report each selected table, fail on rejections."""
    from revops import config, warehouse  # paths are read at run time, never at import
    from revops.ingest import load_landing

    tables = load_contract()[system].tables
    selected = {name for name in tables if table_key(system, name) in context.selected_asset_keys}
    db_path, landing = config.warehouse_path(), config.landing_dir()
    window = window_of(context)
    if window:
        context.log.info(f"window {window[0]} .. {window[1]}: dated files of these days")
    with warehouse.writer_lock(db_path):
        con = warehouse.connect(db_path)
        try:
            report = load_landing(
                con,
                landing,
                systems=[system],
                tables={(system, t) for t in selected},
                window=window,
            )
            totals = {
                t: con.execute(f"select count(*) from raw_{system}.{t}").fetchone()[0]
                for t in selected
            }
        finally:
            con.close()

    for message in report.messages:
        context.log.info(message)
    for name in sorted(selected):
        result = report.table(f"raw_{system}.{name}")
        yield dg.MaterializeResult(
            asset_key=table_key(system, name),
            metadata={
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "rows_in": result.rows_in,
                "files_loaded": result.files_loaded,
                "files_skipped": result.files_skipped,
                "files_rejected": result.files_rejected,
                "total_rows": totals[name],
                "landing_dir": dg.MetadataValue.path(str(landing)),
                "window_start": str(window[0]) if window else "",
                "window_end": str(window[1]) if window else "",
                "files_waiting": sum(
                    1 for w in report.waiting if w.startswith(f"{system}/{name}/")
                ),
            },
        )
    if report.rejected:
        errors = [f.error for f in report.rejected if f.error]
        errors = list(dict.fromkeys(errors))  # a nested JSON file is one rejection, not two
        raise dg.Failure(
            description=f"{len(errors)} landing file(s) rejected for {system}:\n"
            + "\n".join(errors),
            metadata={
                "rejected_files": dg.MetadataValue.json(sorted({f.file for f in report.rejected})),
                "errors": dg.MetadataValue.md("\n".join(f"- {e}" for e in errors)),
            },
        )


def build_system_asset(system: System) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=f"ingest_{system.name}",
        specs=_specs(system),
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


ingestion_assets: list[dg.AssetsDefinition] = build_ingestion_assets()
