"""Shared fixtures: an isolated environment (landing, warehouse, Dagster home) per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Session fixtures defined once here, so every module shares one reference run.
from helpers import reference_run, trust_landing  # noqa: F401

E2E_SCALE = float(os.environ.get("REVOPS_TEST_SCALE", "0.02"))
E2E_SEED = 7


@dataclass(frozen=True)
class PipelineEnv:
    root: Path
    landing: Path
    warehouse: Path
    dagster_home: Path


@pytest.fixture(scope="session")
def pipeline_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineEnv]:
    """Point every REVOPS_* path at a fresh temporary folder for the whole session."""
    root = tmp_path_factory.mktemp("revops")
    env = PipelineEnv(
        root=root,
        landing=root / "landing",
        warehouse=root / "warehouse" / "revops.duckdb",
        dagster_home=root / "dagster_home",
    )
    env.dagster_home.mkdir(parents=True)
    saved = {k: os.environ.get(k) for k in ("REVOPS_LANDING", "REVOPS_WAREHOUSE", "DAGSTER_HOME")}
    os.environ["REVOPS_LANDING"] = str(env.landing)
    os.environ["REVOPS_WAREHOUSE"] = str(env.warehouse)
    os.environ["DAGSTER_HOME"] = str(env.dagster_home)
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
    """Generate a small demo business and run the whole revops_daily job once, in-process."""
    import dagster as dg

    from revops.definitions import defs
    from revops.generate import generate

    counts = generate(pipeline_env.landing, scale=E2E_SCALE, seed=E2E_SEED)
    job = defs.resolve_job_def("revops_daily")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    return counts, result
