"""The Dagster code location loads, and its asset graph only changes on purpose.

The graph snapshot (tests/python/snapshots/asset_graph.json) lists every asset key with its
group, every job and schedule. After an intended change, regenerate it with
REVOPS_UPDATE_SNAPSHOTS=1 pytest tests/python/test_definitions.py and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def graph_snapshot(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    assets = {
        key.to_user_string(): graph.get(key).group_name
        for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string())
        if graph.get(key).is_materializable
    }
    return {
        "assets": assets,
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
