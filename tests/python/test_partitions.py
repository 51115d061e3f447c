"""Daily partitions: the partitioning, the run window every step derives from a run's
partitions (the unpartitioned ones too: the dbt models, and a backfill's run of them), and the
dbt invocation of a partitioned run (one `dbt build` per run, whatever the number of days, with
the window in its environment)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from revops import partitions
from revops.partitions import daily_partitions, keys_between, run_tags, window_of

D = date.fromisoformat


def test_partitions_start_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVOPS_PARTITIONS_START", raising=False)
    assert partitions.partitions_start() == "2024-11-01"
    monkeypatch.setenv("REVOPS_PARTITIONS_START", "2025-02-03")
    assert partitions.partitions_start() == "2025-02-03"
    monkeypatch.setenv("REVOPS_PARTITIONS_START", "yesterday")
    with pytest.raises(ValueError):
        partitions.partitions_start()


def test_daily_utc_partitions_keyed_by_iso_date() -> None:
    assert isinstance(daily_partitions, dg.DailyPartitionsDefinition)
    assert daily_partitions.timezone == "UTC"
    assert daily_partitions.get_first_partition_key() == "2024-11-01"
    window = daily_partitions.time_window_for_partition_key("2026-10-31")
    assert (window.start.isoformat(), window.end.isoformat()) == (
        "2026-10-31T00:00:00+00:00",
        "2026-11-01T00:00:00+00:00",
    )
    assert keys_between(D("2026-10-30"), D("2026-11-02")) == [
        "2026-10-30",
        "2026-10-31",
        "2026-11-01",
        "2026-11-02",
    ]
    with pytest.raises(ValueError):
        keys_between(D("2026-10-31"), D("2026-10-30"))
    assert run_tags(D("2026-10-31"), D("2026-10-31")) == {"dagster/partition": "2026-10-31"}


def _window_probe() -> tuple[dg.Definitions, list[tuple[str, Any]]]:
    """An asset on daily_partitions and an (unpartitioned) check on it, both recording the
    window they see. (Their context parameters stay unannotated: with postponed annotations
    Dagster would see strings.)"""
    seen: list[tuple[str, Any]] = []

    @dg.asset(partitions_def=daily_partitions, backfill_policy=dg.BackfillPolicy.single_run())
    def probe(context) -> None:
        seen.append(("asset", window_of(context)))

    @dg.asset_check(asset=probe)
    def probe_check(context) -> dg.AssetCheckResult:
        seen.append(("check", window_of(context)))
        return dg.AssetCheckResult(passed=True)

    job = dg.define_asset_job("probe_job", executor_def=dg.in_process_executor)
    return dg.Definitions(assets=[probe], asset_checks=[probe_check], jobs=[job]), seen


def test_every_step_of_a_run_sees_the_same_inclusive_window() -> None:
    defs, seen = _window_probe()
    job = defs.resolve_job_def("probe_job")
    with dg.DagsterInstance.ephemeral() as instance:
        one = job.execute_in_process(instance=instance, partition_key="2026-10-31")
        assert one.success
        assert seen == [("asset", (D("2026-10-31"),) * 2), ("check", (D("2026-10-31"),) * 2)]
        seen.clear()
        three = job.execute_in_process(
            instance=instance, tags=run_tags(D("2026-10-29"), D("2026-10-31"))
        )
        assert three.success
        window = (D("2026-10-29"), D("2026-10-31"))
        assert seen == [("asset", window), ("check", window)]
        # one run, and a materialization for each day of the range
        assert sorted(e.partition for e in three.get_asset_materialization_events()) == (
            keys_between(*window)
        )


def test_an_unpartitioned_run_has_no_window() -> None:
    @dg.asset
    def plain(context) -> None:
        assert window_of(context) is None

    assert dg.materialize([plain]).success


def test_an_unpartitioned_asset_in_a_partitioned_run_sees_the_run_window() -> None:
    """The daily job: partitioned raw tables and unpartitioned models in ONE run."""
    seen: list[Any] = []

    @dg.asset(partitions_def=daily_partitions, backfill_policy=dg.BackfillPolicy.single_run())
    def raw(context) -> None:
        seen.append(window_of(context))

    @dg.asset(deps=[raw])
    def model(context) -> None:
        seen.append(window_of(context))

    job = dg.define_asset_job("mixed", executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[raw, model], jobs=[job])
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("mixed").execute_in_process(
            instance=instance, tags=run_tags(D("2026-10-29"), D("2026-10-31"))
        )
    assert result.success
    assert seen == [(D("2026-10-29"), D("2026-10-31"))] * 2
    by_asset = sorted(
        (e.asset_key.to_user_string(), e.partition)
        for e in result.get_asset_materialization_events()
    )
    # the raw table has a materialization per day, the model one (of the whole table)
    assert by_asset == [("model", None)] + [
        ("raw", k) for k in keys_between(D("2026-10-29"), D("2026-10-31"))
    ]


def test_the_unpartitioned_run_of_a_backfill_covers_the_backfill_days() -> None:
    """A UI backfill of days runs the raw tables in range runs and the models afterwards in a
    run without partition tags: that run's window spans the days of the backfill's runs."""
    from dagster._core.test_utils import create_run_for_test

    seen: list[Any] = []

    @dg.asset
    def model(context) -> None:
        seen.append(window_of(context))

    with dg.DagsterInstance.ephemeral() as instance:
        for tags in (
            run_tags(D("2026-10-03"), D("2026-10-05")),
            run_tags(D("2026-10-09"), D("2026-10-09")),
        ):
            create_run_for_test(
                instance, job_name="ingest", tags={**tags, "dagster/backfill": "bf1"}
            )
        create_run_for_test(
            instance,
            job_name="ingest",
            tags={**run_tags(D("2026-01-01"), D("2026-01-01")), "dagster/backfill": "other"},
        )
        assert dg.materialize([model], instance=instance, tags={"dagster/backfill": "bf1"}).success
        assert dg.materialize([model], instance=instance, tags={"dagster/backfill": "none"}).success
    assert seen == [(D("2026-10-03"), D("2026-10-09")), None]


# --- the dbt step of a partitioned run ---------------------------------------------------------


class _NoEvents:
    def stream(self):
        return iter(())

    def stream_raw_events(self):  # what revops_dbt reads (for its progress lines)
        return iter(())

    def is_successful(self) -> bool:
        return True

    def get_error(self) -> None:
        return None

    def wait(self) -> _NoEvents:  # what the `dbt source freshness` call after a build reads
        return self


RUN_ENV = ("REVOPS_PARTITION_START", "REVOPS_PARTITION_END", "REVOPS_AS_OF_DATE")


@pytest.fixture
def dbt_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """Every DbtCliResource.cli call's args; dbt itself does not run. The run's window, which
    dbt receives in its environment, is in _ENV_SEEN per call."""
    calls: list[list[str]] = []
    _ENV_SEEN.clear()
    _FRESHNESS_SEEN.clear()
    monkeypatch.setenv("REVOPS_WAREHOUSE", str(tmp_path / "none" / "revops.duckdb"))

    def spy(self, args, **kwargs):
        if list(args[:2]) == ["source", "freshness"]:  # logged after a build, never a build
            _FRESHNESS_SEEN.append(list(args))
            return _NoEvents()
        calls.append(list(args))
        _ENV_SEEN.append({k: os.environ.get(k) for k in RUN_ENV})
        return _NoEvents()

    monkeypatch.setattr(DbtCliResource, "cli", spy)
    return calls


_ENV_SEEN: list[dict[str, str | None]] = []
_FRESHNESS_SEEN: list[list[str]] = []


def _day(key: str) -> dict[str, str]:
    """The tags of a run of one day's partition (the dbt assets are unpartitioned: they read
    the window of the daily job's run from its tags)."""
    return run_tags(D(key), D(key))


def _materialize_dbt(run_config: dict | None = None, **kwargs: Any) -> dg.ExecuteInProcessResult:
    from revops.assets.dbt import dbt_resource, revops_dbt_assets

    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [revops_dbt_assets],
            resources={"dbt": dbt_resource()},
            instance=instance,
            run_config=run_config,
            **kwargs,
        )


def test_a_range_backfill_is_one_dbt_build_with_the_window_in_its_environment(dbt_calls) -> None:
    result = _materialize_dbt(tags=run_tags(D("2026-10-30"), D("2026-10-31")))
    assert result.success
    (args,) = dbt_calls  # ONE build for the two days
    assert _FRESHNESS_SEEN == [["source", "freshness"]]  # then the sources' freshness, once
    assert args[0] == "build" and "--full-refresh" not in args
    assert "--vars" not in args  # vars would make dbt parse the whole project again
    assert _ENV_SEEN == [
        {
            "REVOPS_PARTITION_START": "2026-10-30",
            "REVOPS_PARTITION_END": "2026-10-31",
            "REVOPS_AS_OF_DATE": "2026-10-31",
        }
    ]
    # set only while dbt starts: nothing leaks into the rest of the process
    assert not {k for k in RUN_ENV if os.environ.get(k)}


def test_one_day_full_refresh_and_as_of_override(dbt_calls) -> None:
    config = {"ops": {"revops_dbt": {"config": {"full_refresh": True}}}}
    assert _materialize_dbt(config, tags=_day("2026-06-30")).success
    config = {"ops": {"revops_dbt": {"config": {"as_of_date": "2026-06-15"}}}}
    assert _materialize_dbt(config, tags=_day("2026-06-30")).success
    full, as_of = dbt_calls
    assert full[:2] == ["build", "--full-refresh"]
    assert _ENV_SEEN[0] == {
        "REVOPS_PARTITION_START": "2026-06-30",
        "REVOPS_PARTITION_END": "2026-06-30",
        "REVOPS_AS_OF_DATE": "2026-06-30",
    }
    assert "--full-refresh" not in as_of
    assert _ENV_SEEN[1]["REVOPS_AS_OF_DATE"] == "2026-06-15"  # an explicit as_of_date wins


def _excluded_resource_types(args: list[str]) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == "--exclude-resource-type"]


def test_a_daily_run_leaves_unit_tests_out_unless_asked(dbt_calls) -> None:
    assert _materialize_dbt(tags=_day("2026-06-30")).success
    config = {"ops": {"revops_dbt": {"config": {"unit_tests": True}}}}
    assert _materialize_dbt(config, tags=_day("2026-06-30")).success
    daily, with_unit_tests = dbt_calls
    assert _excluded_resource_types(daily) == ["unit_test"]
    assert _excluded_resource_types(with_unit_tests) == []


# --- the reference run (real dbt): a two-day range in one run ----------------------------------


@pytest.mark.slow
def test_reference_run_is_one_dbt_invocation_over_its_two_days(demo_run, pipeline_env) -> None:
    from conftest import E2E_WINDOW

    _, result = demo_run
    assert result.success
    # other tests run the job again in this environment: keep this run's invocations only
    # (the dbt step writes into revops_dbt-<run id>; a second invocation would add a folder
    # named by dagster-dbt <op>-<first 7 characters of the run id>-<random>)
    invocations = sorted(
        p
        for p in pipeline_env.dbt_target.iterdir()
        if p.is_dir() and p.name.startswith(f"revops_dbt-{result.run_id[:7]}")
    )
    assert invocations == [pipeline_env.dbt_target / f"revops_dbt-{result.run_id}"]
    run_results = json.loads((invocations[0] / "run_results.json").read_text())
    assert run_results["args"]["which"] == "build"
    start, end = (d.isoformat() for d in E2E_WINDOW)
    # the window reached dbt in its environment, not as --vars: "today" is the window's end
    assert not run_results["args"].get("vars")
    model = "compiled/revops/models/intermediate/core/int_as_of_date.sql"
    compiled = (invocations[0] / model).read_text()
    assert f"cast('{end}' as date)" in compiled
    # the reference run asks for dbt's unit tests (a scheduled run leaves them to CI): every
    # unit test of the project ran in that one invocation, and passed
    from revops.config import dbt_target_dir

    manifest = json.loads((dbt_target_dir() / "manifest.json").read_text())
    unit_results = {
        r["unique_id"]: r["status"]
        for r in run_results["results"]
        if r["unique_id"].startswith("unit_test.")
    }
    assert set(unit_results) == set(manifest["unit_tests"]) and len(unit_results) > 50
    assert set(unit_results.values()) == {"pass"}
    by_asset: dict[str, set[str]] = {}
    for event in result.get_asset_materialization_events():
        by_asset.setdefault(event.asset_key.to_user_string(), set()).add(event.partition)
    # a raw table per day of the window; a mart and the publication once (whole tables)
    assert by_asset["raw_crm/opportunity"] == {start, end}
    for key in ("marts/mart_revenue_monthly", "published_warehouse"):
        assert by_asset[key] == {None}, key
