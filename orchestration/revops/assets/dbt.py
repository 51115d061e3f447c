"""The dbt project as Dagster assets, loaded from a manifest prepared by `make` (dbt parse).

Not partitioned: a model is one table built from all the raw rows, not a day of them
(revops.partitions). A run of the daily job over one day or a range of days is ONE `dbt build`
with env REVOPS_PARTITION_START / REVOPS_PARTITION_END (the run's window, inclusive) and
REVOPS_AS_OF_DATE (its last day), which the incremental models use to pick the keys to
reprocess. It builds only what changed since the last successful build (revops.build_state).
"""

import json
import logging
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from graphlib import TopologicalSorter
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

from revops import build_state, dbt_args, freshness, stages
from revops.assets import check_descriptions, ownership
from revops.build_state import BuildPlan
from revops.config import PROJECT_DIR, dbt_run_dir, dbt_target_dir, warehouse_path
from revops.partitions import window_of
from revops.progress import SHOW, DbtProgress
from revops.warehouse import connect, writer_lock
from revops.window import Window

LAYER_GROUPS = {"staging", "intermediate", "marts"}
MARTS_SCHEMA = build_state.MARTS_SCHEMA
PARTIAL_PARSE = "partial_parse.msgpack"
DBT_STEP = dbt_args.DBT_STEP


@cache
def dbt_project() -> DbtProject:
    """One cached DbtProject; its manifest is built by `make manifest`, never at load time."""
    return DbtProject(
        project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR, target_path=dbt_target_dir()
    )


def layer_and_domain(dbt_resource_props: Mapping[str, Any]) -> tuple[str, str]:
    """(layer, domain) of a dbt node from its folder: models/<layer>/<domain>/x.sql; a seed is
    layer seeds, domain reference; a node outside a layer folder is its own layer."""
    if dbt_resource_props["resource_type"] == "seed":
        return "seeds", "reference"
    fqn = dbt_resource_props.get("fqn", [])
    layer = fqn[1] if len(fqn) > 2 else "models"
    domain = fqn[2] if len(fqn) > 3 else layer
    return layer, domain


class RevopsTranslator(DagsterDbtTranslator):
    """Ties dbt sources to the ingestion assets, groups dbt nodes by layer, gives every node
    owners and layer / domain tags (revops.assets.ownership) and every dbt test check a
    description (revops.assets.check_descriptions)."""

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

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        """The node's dbt meta.owner (dbt_project.yml folder configs), else the scheme's."""
        config_meta = (dbt_resource_props.get("config") or {}).get("meta") or {}
        owner = config_meta.get("owner") or (dbt_resource_props.get("meta") or {}).get("owner")
        if owner:
            return [ownership.team(str(owner))]
        return ownership.owners(*layer_and_domain(dbt_resource_props))

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        """layer and domain; dbt tags other than those two come along as keys (dagster-dbt's
        default)."""
        layer, domain = layer_and_domain(dbt_resource_props)
        extra = {
            k: v
            for k, v in super().get_tags(dbt_resource_props).items()
            if k not in {layer, domain}
        }
        return {**extra, **ownership.tags(layer, domain)}

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check of a dbt test, with a description that is never empty."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        test = manifest["nodes"][unique_id]
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=check_descriptions.dbt_test_description(manifest, test),
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
        )


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


def build_args(config: DbtRunConfig, plan: BuildPlan | None = None) -> list[str]:
    """`dbt build` of the run: the plan's selection (None or a whole plan: the project)."""
    select = plan.select if plan is not None and not plan.whole else None
    full_refresh = config.full_refresh or (plan is not None and plan.full_refresh)
    return dbt_args.dbt_build_args(full_refresh, config.unit_tests, select)


def run_as_of(config: DbtRunConfig, window: Window | None) -> str:
    """The run's as_of_date setting as dbt receives it ("" = from the data)."""
    return dbt_args.dbt_env(window, config.as_of_date)["REVOPS_AS_OF_DATE"]


def manifest_path() -> Path:
    return dbt_project().manifest_path


@cache
def manifest() -> dict[str, Any]:
    return json.loads(manifest_path().read_text())


def owed_marts(db_path: Path) -> set[str]:
    """The marts rebuilt by builds not published yet (the caller holds the writer lock)."""
    with connect(db_path, read_only=True) as con:
        return build_state.unpublished_marts(con) or set()


class _UnrunTestsFilter(logging.Filter):
    """Drops Dagster's warning, one line per check, that a dbt test of a model this run left
    as it was emitted no result: a partial build leaves hundreds of them out on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return f"emitted no result in step '{DBT_STEP}'" not in record.getMessage()


def quiet_unrun_tests() -> None:
    log = logging.getLogger("dagster._core.execution.plan.active")
    if not any(isinstance(f, _UnrunTestsFilter) for f in log.filters):
        log.addFilter(_UnrunTestsFilter())


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ with these values while dbt starts (DbtCliResource passes os.environ on)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def partial_parse_file() -> Path:
    """The parse state every run starts from and leaves for the next: DBT_TARGET_PATH's
    partial_parse.msgpack (dagster-dbt copies it into a run's fresh target folder)."""
    return dbt_run_dir("x").parent / PARTIAL_PARSE


def keep_partial_parse(target: Path) -> None:
    """Leave the run's parse state for the next run (replaced in one rename): each run writes
    its artifacts to a folder of its own, where dbt would otherwise never find it again."""
    src, dst = target / PARTIAL_PARSE, partial_parse_file()
    if src.exists():
        tmp = dst.with_name(f".{PARTIAL_PARSE}.{target.name}.tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)


@dbt_assets(
    manifest=manifest_path(),
    project=dbt_project(),
    dagster_dbt_translator=TRANSLATOR,
    name=DBT_STEP,
)
def revops_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtRunConfig
) -> Iterator[Any]:
    """dbt build of what changed since the last successful build (revops.build_state), one
    writer at a time; nothing at all when nothing changed, so the mart checks and publication
    downstream are skipped. A run that selects a subset of the assets (the UI) builds that.

    The window and as_of_date reach dbt as environment variables (revops.dbt_args), and each
    run starts from the previous run's parse state, so dbt parses only what changed. Artifacts
    go to revops.config.dbt_run_dir(run id), where the run summary reads run_results.json; a
    progress line (nodes done / total) is logged every tenth or 15 s."""
    window = window_of(context)
    target = dbt_run_dir(context.run.run_id)
    db_path = warehouse_path()
    with writer_lock():
        started = datetime.now(UTC)
        plan, state = (
            (None, None)
            if context.is_subset
            else stages.plan_build(manifest(), run_as_of(config, window), config.full_refresh)
        )
        if plan is not None and plan.nothing:
            owed = owed_marts(db_path)
            if not owed:
                context.log.info(f"dbt: {plan.reason}; nothing to build", extra=SHOW)
                return
            # an earlier build's marts were never published (its publication failed or was
            # blocked): the checks and the publication downstream run for them
            context.log.info(
                f"dbt: {plan.reason}; {len(owed)} marts built earlier still to be checked and "
                "published",
                extra=SHOW,
            )
            quiet_unrun_tests()
            yield from unchanged_marts(context, set(), plan)
            return
        if plan is not None and not plan.whole:
            quiet_unrun_tests()
            # the marts this build leaves as they are come first: a multi-asset yields its
            # outputs in dependency order, and none of them depends on a rebuilt one
            yield from unchanged_marts(context, build_state.planned_marts(plan, manifest()), plan)
        args = build_args(config, plan)
        env = dbt_args.dbt_env(window, config.as_of_date)
        shown = " ".join(f"{k}={v}" for k, v in env.items() if v)
        context.log.info(f"dbt {' '.join(args)}  {shown}  (artifacts and dbt.log: {target})")
        if plan is not None:
            context.log.info(f"dbt selection: {plan.reason}", extra=SHOW)
        with environment(env):
            # the run's own selection replaces dagster-dbt's (the whole project) unless the
            # run itself selects a subset of the assets
            invocation = dbt.cli(
                args,
                context=context if plan is None else None,
                manifest=manifest_path(),
                dagster_dbt_translator=TRANSLATOR,
                target_path=target,
                raise_on_error=False,
            )
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
        keep_partial_parse(target)
        if not invocation.is_successful():
            # the marts it did rebuild are owed to the next publication
            stages.record_build(manifest(), None, started, window, None, target)
            raise invocation.get_error() or RuntimeError("dbt build failed")
        stages.record_build(manifest(), state, started, window, plan, target)
        with environment(env):
            check_source_freshness(context, dbt, target / "freshness")


def check_source_freshness(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, target: Path
) -> None:
    """`dbt source freshness` (the sources YAML's thresholds against the clock), logged in one
    line, a warning when a table is not fresh; it never fails the run (the published
    dq_source_freshness measures the same against as_of_date)."""
    dbt.cli(
        freshness.FRESHNESS_ARGS,
        manifest=manifest_path(),
        dagster_dbt_translator=TRANSLATOR,
        target_path=target,
        raise_on_error=False,
    ).wait()
    line, fresh = freshness.summarize(target / "sources.json")
    if fresh:
        context.log.info(line, extra=SHOW)
    else:
        context.log.warning(line, extra=SHOW)


def unchanged_marts(
    context: dg.AssetExecutionContext, rebuilt: set[str], plan: BuildPlan
) -> Iterator[dg.Output]:
    """An Output, marked rebuilt: false, for each selected mart not in `rebuilt`: its inputs
    did not change, so it is current for this window, and the mart checks and publication
    downstream (which need every mart) run; they act on the rebuilt marts only."""
    marts = {
        k
        for k in context.selected_asset_keys
        if k.path[0] == MARTS_SCHEMA and k.path[-1] not in rebuilt
    }
    deps = context.assets_def.asset_deps
    # a multi-asset yields its outputs in dependency order
    for key in TopologicalSorter({k: deps.get(k, set()) & marts for k in marts}).static_order():
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={"rebuilt": False, "why": f"inputs unchanged ({plan.reason})"},
        )


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project(),
        profiles_dir=str(PROJECT_DIR),
        dbt_executable=dbt_args.dbt_executable(),
    )
