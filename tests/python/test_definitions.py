"""The Dagster code location loads, and its asset graph only changes on purpose.

The graph snapshot (tests/python/snapshots/asset_graph.json) lists every asset key with its
group, every job and schedule, and how the assets are partitioned. After an intended change,
regenerate it with REVOPS_UPDATE_SNAPSHOTS=1 pytest tests/python/test_definitions.py and review
the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def graph_snapshot(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    nodes = [
        graph.get(key)
        for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
        if graph.get(key).is_materializable
    ]
    assets = {node.key.to_user_string(): node.group_name for node in nodes}
    return {
        "assets": assets,
        # (partitions, backfill policy) -> number of assets
        "partitioning": {
            f"{p} / {b}": n
            for (p, b), n in sorted(
                Counter((str(n.partitions_def), str(n.backfill_policy)) for n in nodes).items()
            )
        },
        "jobs": sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__")),
        "schedules": sorted(
            [s.name, s.cron_schedule, s.job_name]
            for s in (defs.resolve_schedule_def(sched.name) for sched in defs.schedules or [])
        ),
    }


def test_definitions_load_and_validate() -> None:
    from revops.definitions import defs

    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("revops_daily")
    assert job.executor_def is dg.in_process_executor
    assert job.partitions_def == dg.DailyPartitionsDefinition("2024-11-01", timezone="UTC")


def test_only_the_raw_tables_are_daily_partitioned() -> None:
    """Partition what is partitioned, and no more: a raw table loads a day's landing files
    (daily partitions, a range backfill in one run); the dbt models and the publication are
    whole tables (unpartitioned), so a healthy warehouse reads as materialized, not as hundreds
    of missing days."""
    from revops.contract import all_tables
    from revops.definitions import defs
    from revops.partitions import daily_partitions

    raw = {dg.AssetKey([t.raw_schema, t.name]) for t in all_tables()}
    graph = defs.resolve_asset_graph()
    nodes = [graph.get(k) for k in graph.get_all_asset_keys() if graph.get(k).is_materializable]
    assert len(nodes) > 100 and len(raw) == 37
    for node in nodes:
        if node.key in raw:
            assert node.partitions_def == daily_partitions, node.key
            assert node.backfill_policy == dg.BackfillPolicy.single_run(), node.key
        else:
            assert node.partitions_def is None, node.key
    assert raw <= {n.key for n in nodes}


def test_each_schedule_tick_runs_the_day_that_just_ended() -> None:
    from revops.definitions import defs

    schedule = defs.resolve_schedule_def("revops_daily_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "UTC")
    tick = datetime(2026, 10, 31, 6, 0, tzinfo=UTC)
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-10-30"]


def test_daily_cron_env_sets_the_tick_time() -> None:
    from revops.jobs import daily_time

    assert daily_time("0 6 * * *") == (0, 6)
    assert daily_time(" 30 23 * * * ") == (30, 23)
    for bad in ("0 6 * * 1", "*/5 * * * *", "0 24 * * *", "60 1 * * *", "daily"):
        with pytest.raises(ValueError, match="REVOPS_DAILY_CRON"):
            daily_time(bad)


def test_asset_graph_matches_snapshot() -> None:
    from revops.definitions import defs

    current = json.loads(json.dumps(graph_snapshot(defs)))
    if os.environ.get("REVOPS_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    assert current == expected


def test_every_raw_table_is_an_ingestion_asset_upstream_of_its_staging_view() -> None:
    from revops.contract import all_tables
    from revops.definitions import defs

    graph = defs.resolve_asset_graph()
    for table in all_tables():
        key = dg.AssetKey([table.raw_schema, table.name])
        node = graph.get(key)
        assert node.group_name == "raw", key
        children = {c.to_user_string() for c in node.child_keys}
        assert any(c.startswith("staging/stg_") for c in children), (key, children)


def test_layers_are_grouped() -> None:
    from revops.definitions import defs

    groups = set(graph_snapshot(defs)["assets"].values())
    assert {"raw", "staging", "intermediate", "marts", "seeds"} <= groups


def test_definitions_load_without_parsing_dbt() -> None:
    """Loading the code location reads target/manifest.json; it never runs dbt parse."""
    code = (
        "import sys, subprocess\n"
        "calls = []\n"
        "real = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    calls.append(args)\n"
        "    return real(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "import revops.definitions\n"
        "assert not [c for c in calls if 'dbt' in str(c)], calls\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
