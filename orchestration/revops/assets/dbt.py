"""The dbt project as Dagster assets, loaded from a manifest prepared by `make` (dbt parse).

Daily-partitioned like ingestion: a run over one day or a range of days is ONE `dbt build`
with vars partition_start / partition_end (the window, inclusive) and as_of_date (its last
day), which the incremental models use to pick the keys to reprocess. A range backfill is one
run (BackfillPolicy.single_run), so one dbt invocation.
"""

import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from revops import dbt_args
from revops.config import PROJECT_DIR, dbt_run_dir, dbt_target_dir
from revops.partitions import Window, daily_partitions, window_of
from revops.progress import SHOW, DbtProgress
from revops.warehouse import writer_lock

LAYER_GROUPS = {"staging", "intermediate", "marts"}


@cache
def dbt_project() -> DbtProject:
    """One cached DbtProject; its manifest is built by `make manifest`, never at load time."""
    return DbtProject(
        project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, target_path=dbt_target_dir()
    )


class RevopsTranslator(DagsterDbtTranslator):
    """Ties dbt sources to the ingestion assets and groups dbt nodes by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            # source('crm', 'opportunity') is the ingestion asset raw_crm/opportunity
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        if resource_type in {"model", "seed"}:
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 1 and fqn[1] in LAYER_GROUPS:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


TRANSLATOR = RevopsTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtRunConfig(dg.Config):
    """Run-time options for dbt.

    as_of_date: "today" for the models (YYYY-MM-DD); empty means the run window's last day (or,
    in a run without a window, the latest business date in the loaded data); "data" means the
    latest business date in the loaded data in any run (revops run passes it when landing
    holds no dated file). full_refresh: rebuild the
    incremental models from scratch (`dbt build --full-refresh`). unit_tests: also run dbt's
    unit tests (left out by default: they test the SQL, which CI does, not the day's data).
    """

    as_of_date: str | None = None
    full_refresh: bool = False
    unit_tests: bool = False


def build_args(config: DbtRunConfig, window: Window | None = None) -> list[str]:
    return dbt_args.dbt_build_args(
        window, config.as_of_date, config.full_refresh, config.unit_tests
    )


def manifest_path() -> Path:
    return dbt_project().manifest_path


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project(),
    dagster_dbt_translator=TRANSLATOR,
    name="revops_dbt",
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def revops_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtRunConfig
) -> Iterator[Any]:
    """dbt build of the selected models, seeds and tests, one writer at a time.

    Its artifacts go to revops.config.dbt_run_dir(run id), where the run summary reads
    run_results.json; a progress line (nodes done / total) is logged every tenth or 15 s."""
    args = build_args(config, window_of(context))
    target = dbt_run_dir(context.run.run_id)
    context.log.info(f"dbt {' '.join(args)}  (artifacts and dbt.log: {target})")
    with writer_lock():
        invocation = dbt.cli(args, context=context, target_path=target)
        progress = DbtProgress()
        for event in invocation.stream_raw_events():
            line = progress.update(event.raw_event)
            if line:
                context.log.info(line, extra=SHOW)
            # what DbtCliInvocation.stream() yields, event by event
            yield from event.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context,
                target_path=invocation.target_path,
                project=invocation.project,
            )


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv need not be on PATH)."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project(), profiles_dir=str(PROJECT_DIR), dbt_executable=dbt_executable()
    )
