"""The daily job and its schedule."""

from __future__ import annotations

import os

import dagster as dg

# Steps run one after another in one process: DuckDB takes one writer at a time, and the
# writer lock in revops.warehouse makes a second run wait rather than fail.
revops_daily = dg.define_asset_job(
    name="revops_daily",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest every landing file, build and test the dbt project, publish the marts.",
)

revops_daily_schedule = dg.ScheduleDefinition(
    name="revops_daily_schedule",
    job=revops_daily,
    cron_schedule=os.environ.get("REVOPS_DAILY_CRON", "0 6 * * *"),
    execution_timezone=os.environ.get("REVOPS_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
