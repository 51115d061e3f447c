"""The weekly revenue page, built after each publication from the published file only."""

import time
from collections.abc import Iterable

import dagster as dg

from revops.assets import ownership
from revops.page.data import CheckStatus

GROUP = "publish"
PUBLISHED = dg.AssetKey("published_warehouse")


def check_label(key: dg.AssetCheckKey) -> str:
    return f"{key.asset_key.to_user_string()}: {key.name}"


def latest_check_status(
    instance: dg.DagsterInstance, keys: Iterable[dg.AssetCheckKey]
) -> CheckStatus:
    """The latest recorded result of each check (dbt tests and GX suites, as Dagster asset
    checks, in the instance's event log): how many have one, and which of them failed, errors
    apart from warnings."""
    from dagster._core.storage.asset_check_execution_record import (
        AssetCheckExecutionRecordStatus,
    )

    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(keys))
    done = {
        key: record
        for key, record in records.items()
        if record.status
        in (AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED)
    }
    errors, warnings_ = [], []
    for key, record in sorted(done.items(), key=lambda kv: check_label(kv[0])):
        if record.status != AssetCheckExecutionRecordStatus.FAILED:
            continue
        evaluation = record.event.asset_check_evaluation if record.event else None
        warn = evaluation is not None and evaluation.severity == dg.AssetCheckSeverity.WARN
        (warnings_ if warn else errors).append(check_label(key))
    return CheckStatus(evaluated=len(done), errors=errors, warnings=warnings_)


def all_check_keys() -> set[dg.AssetCheckKey]:
    """Every check of the code location, whatever subset of assets the run selected."""
    from revops.definitions import defs  # at run time: definitions import this module

    return set(defs.resolve_asset_graph().asset_check_keys)


def build_page_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key="weekly_revenue_page",
        group_name=GROUP,
        deps=[PUBLISHED],
        kinds={"html", "plotly"},
        owners=ownership.owners("page", "scorecard"),
        tags=ownership.tags("page", "scorecard"),
        description=(
            "The weekly revenue page (weekly_page/index.html, opens from disk): the last 13 "
            "weeks of bookings, pipeline created, demo requests and SQLs against plan, the "
            "month's MRR bridge, win rate and sales cycle, the quarter's forecast against "
            "plan, the rep leaderboard and the week's won and lost accounts, under a banner "
            "of data freshness and failed checks. Read from the published file only; "
            "skipped when nothing was published."
        ),
    )
    def weekly_revenue_page(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from revops.config import page_dir, published_dir
        from revops.page.build import build_page
        from revops.publish import DB_NAME

        started = time.monotonic()
        checks = latest_check_status(context.instance, all_check_keys())
        index = build_page(published_dir() / DB_NAME, page_dir(), checks)
        seconds = time.monotonic() - started
        context.log.info(f"weekly revenue page: {index} ({seconds:.1f}s)")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(index)),
                "checks_evaluated": checks.evaluated,
                "checks_failed": checks.failed,
                "seconds": round(seconds, 2),
            }
        )

    return weekly_revenue_page


page_assets: list[dg.AssetsDefinition] = [build_page_asset()]
