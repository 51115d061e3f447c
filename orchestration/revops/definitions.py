"""The one Dagster code location: ingestion -> dbt -> checks -> publish -> weekly page."""

from __future__ import annotations

import dagster as dg

from revops.assets.checks import gx_asset_checks
from revops.assets.dbt import dbt_resource, revops_dbt_assets
from revops.assets.ingestion import ingestion_assets, loader_table_specs
from revops.assets.page import page_assets
from revops.assets.publish import publish_assets
from revops.jobs import revops_daily, revops_daily_schedule
from revops.progress import progress_logger

defs = dg.Definitions(
    assets=[
        *ingestion_assets,
        *loader_table_specs(),
        revops_dbt_assets,
        *publish_assets,
        *page_assets,
    ],
    asset_checks=[*gx_asset_checks],
    jobs=[revops_daily],
    schedules=[revops_daily_schedule],
    resources={"dbt": dbt_resource()},
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)
