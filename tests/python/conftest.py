"""Shared fixtures: an isolated environment (landing, warehouse, Dagster home) per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

# Session fixtures defined once here, so every module shares one reference run.
from helpers import reference_run, trust_landing  # noqa: F401

E2E_SCALE = float(os.environ.get("REVOPS_TEST_SCALE", "0.02"))
E2E_SEED = 7
E2E_END = date(2026, 10, 31)  # the demo's last day: every generated file is dated so
# The reference run covers two daily partitions in ONE run (a range backfill): the day before
# the data's end (no file) and its end (every file).
E2E_WINDOW = (E2E_END - timedelta(days=1), E2E_END)


@dataclass(frozen=True)
class PipelineEnv:
    root: Path
    landing: Path
    warehouse: Path
    dagster_home: Path
    dbt_target: Path  # DBT_TARGET_PATH: one folder per dbt invocation


@pytest.fixture(scope="session")
def pipeline_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineEnv]:
    """Point every REVOPS_* path at a fresh temporary folder for the whole session."""
    root = tmp_path_factory.mktemp("revops")
    env = PipelineEnv(
        root=root,
        landing=root / "landing",
        warehouse=root / "warehouse" / "revops.duckdb",
        dagster_home=root / "dagster_home",
        dbt_target=root / "dbt_target",
    )
    env.dagster_home.mkdir(parents=True)
    names = ("REVOPS_LANDING", "REVOPS_WAREHOUSE", "DAGSTER_HOME", "DBT_TARGET_PATH")
    saved = {k: os.environ.get(k) for k in names}
    os.environ["REVOPS_LANDING"] = str(env.landing)
    os.environ["REVOPS_WAREHOUSE"] = str(env.warehouse)
    os.environ["DAGSTER_HOME"] = str(env.dagster_home)
    os.environ["DBT_TARGET_PATH"] = str(env.dbt_target)
    try:
        yield env
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def demo_run(pipeline_env: PipelineEnv):
    """Generate a small demo business and run the whole revops_daily job once, in-process, as
    ONE run over the two daily partitions of E2E_WINDOW, dbt's unit tests included (a
    scheduled run leaves them out: this run is where `make test` runs them)."""
    import dagster as dg

    from revops.definitions import defs
    from revops.partitions import run_tags
    from revops_demo.generate import generate

    counts = generate(pipeline_env.landing, scale=E2E_SCALE, seed=E2E_SEED, end_date=E2E_END)
    job = defs.resolve_job_def("revops_daily")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags=run_tags(*E2E_WINDOW),
            run_config={"ops": {"revops_dbt": {"config": {"unit_tests": True}}}},
        )
    return counts, result
