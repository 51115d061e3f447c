"""The ingestion assets: graph shape, and in-process materializations against tmp paths.

The assets are daily-partitioned; the fixtures are undated files, so any partition loads them.
"""

from __future__ import annotations

import logging
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from revops import summary
from revops.assets.ingestion import ingestion_assets
from revops.contract import load_contract
from revops.partitions import daily_partitions, run_tags

FIXTURES = Path(__file__).parent / "fixtures" / "ingest" / "landing"
DAY = "2026-01-15"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES, landing)
    warehouse = tmp_path / "wh" / "revops.duckdb"
    monkeypatch.setenv("REVOPS_LANDING", str(landing))
    monkeypatch.setenv("REVOPS_WAREHOUSE", str(warehouse))
    return landing, warehouse


def materializations(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    out = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        out[mat.asset_key.to_user_string()] = {k: v.value for k, v in mat.metadata.items()}
    return out


def test_asset_graph_matches_the_contract():
    contract = load_contract()
    assert [a.node_def.name for a in ingestion_assets] == [f"ingest_{s}" for s in contract]
    for asset, system in zip(ingestion_assets, contract.values(), strict=True):
        assert asset.can_subset
        assert {k.path[0] for k in asset.keys} == {f"raw_{system.name}"}
        assert {k.path[1] for k in asset.keys} == set(system.tables)
        assert asset.partitions_def is daily_partitions
        assert asset.backfill_policy == dg.BackfillPolicy.single_run()
        for spec in asset.specs:
            assert spec.group_name == "raw"
            assert spec.kinds == {"duckdb"}
    # 13 crm (10 + product_2, pricebook_entry, opportunity_line_item) + 6 mkt + 11 billing
    # + 3 plan + 1 reference
    assert sum(len(a.keys) for a in ingestion_assets) == 37


def test_materialize_loads_and_reports_per_table(env):
    _, warehouse = env
    result = dg.materialize(ingestion_assets, partition_key=DAY)
    assert result.success
    meta = materializations(result)
    assert len(meta) == 37  # one per raw table, as above
    # hand-counted from the fixtures: opps.csv 4 rows of which 2 quarantined
    assert meta["raw_crm/opportunity"]["rows_loaded"] == 2
    assert meta["raw_crm/opportunity"]["rows_quarantined"] == 2
    assert meta["raw_crm/opportunity"]["files_loaded"] == 1
    assert meta["raw_crm/opportunity"]["total_rows"] == 2
    assert meta["raw_billing/invoice_line_items"]["rows_loaded"] == 2
    assert meta["raw_plan/quotas"]["total_rows"] == 2
    assert meta["raw_crm/account"]["files_loaded"] == 0

    again = materializations(dg.materialize(ingestion_assets, partition_key="2026-01-16"))
    assert again["raw_crm/opportunity"]["rows_loaded"] == 0
    assert again["raw_crm/opportunity"]["files_skipped"] == 1
    assert again["raw_crm/opportunity"]["total_rows"] == 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_billing.subscriptions").fetchone() == (2,)


def test_a_subset_loads_only_the_selected_tables(env):
    _, warehouse = env
    result = dg.materialize(ingestion_assets, selection=["raw_plan/quotas"], partition_key=DAY)
    assert result.success
    assert set(materializations(result)) == {"raw_plan/quotas"}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_plan.quotas").fetchone() == (2,)
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "raw_crm" not in schemas  # the crm asset did not run


def _check_evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.event_specific_data.asset_key.to_user_string(): e.event_specific_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and e.event_specific_data.check_name == "no_rejected_files"
    }


def test_lenient_policy_reports_a_rejected_file_and_succeeds(env, monkeypatch):
    """The default policy: the bad file is reported (metadata, a warning, a failed WARN check)
    and the step succeeds, so the rest of the day can go on."""
    landing, warehouse = env
    monkeypatch.delenv("REVOPS_BAD_FILE_POLICY", raising=False)
    (landing / "crm" / "opportunity" / "broken.csv").write_text("id;stage_name\n1;x\n")
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(ingestion_assets, partition_key=DAY, instance=instance)
    assert result.success
    meta = materializations(result)
    assert meta["raw_crm/opportunity"]["rows_loaded"] == 2  # the good file of the same table
    assert meta["raw_crm/opportunity"]["files_rejected"] == 1
    [rejected] = meta["raw_crm/opportunity"]["rejected"]
    assert rejected["file"] == "crm/opportunity/broken.csv"
    assert "landing/crm/opportunity/broken.csv" in rejected["error"]
    assert "delimited by ';'" in rejected["error"]
    # opps.csv: 2 of its 4 rows quarantined (hand-counted from the fixture)
    assert meta["raw_crm/opportunity"]["quarantined_by_file"] == {"crm/opportunity/opps.csv": 2}
    assert meta["raw_crm/account"]["rejected"] == []

    checks = _check_evaluations(result)
    # one check per raw table of the contract
    assert len(checks) == sum(len(s.tables) for s in load_contract().values())
    failed = {k: c for k, c in checks.items() if not c.passed}
    assert list(failed) == ["raw_crm/opportunity"]
    assert failed["raw_crm/opportunity"].severity == dg.AssetCheckSeverity.WARN
    errors = failed["raw_crm/opportunity"].metadata["errors"].value
    assert "broken.csv" in errors

    warnings = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if entry.level == logging.WARNING and "rejected" in entry.user_message
    ]
    assert len(warnings) == 1 and "landing/crm/opportunity/broken.csv" in warnings[0]
    # the run summary reads the same events
    lines = summary.render(summary.read_run_events(result), None, [])
    assert any(
        ln.startswith("    rejected:       landing/crm/opportunity/broken.csv") for ln in lines
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_crm.opportunity").fetchone() == (2,)


def test_strict_policy_fails_the_asset_after_loading_the_rest(env, monkeypatch):
    landing, warehouse = env
    monkeypatch.setenv("REVOPS_BAD_FILE_POLICY", "strict")
    (landing / "crm" / "opportunity" / "broken.csv").write_text("id;stage_name\n1;x\n")
    result = dg.materialize(ingestion_assets, raise_on_error=False, partition_key=DAY)
    assert not result.success
    failures = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert [e.step_key for e in failures] == ["ingest_crm"]
    error = failures[0].event_specific_data.error
    assert "landing/crm/opportunity/broken.csv" in error.message
    assert "delimited by ';'" in error.message
    assert "REVOPS_BAD_FILE_POLICY=strict" in error.message
    # the good file of the same table loaded and was reported before the failure
    meta = materializations(result)
    assert meta["raw_crm/opportunity"]["rows_loaded"] == 2
    assert meta["raw_crm/opportunity"]["files_rejected"] == 1
    assert meta["raw_billing/subscriptions"]["rows_loaded"] == 2  # other systems unaffected
    assert not _check_evaluations(result)["raw_crm/opportunity"].passed
    cause = summary.diagnose(summary.read_run_events(result), None, [])
    assert cause.startswith("ingest_crm: landing/crm/opportunity/broken.csv rejected: ")
    assert cause.endswith(": fix or remove the file (REVOPS_BAD_FILE_POLICY=strict)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_crm.opportunity").fetchone() == (2,)


def test_an_unknown_policy_is_a_clear_error(env, monkeypatch):
    monkeypatch.setenv("REVOPS_BAD_FILE_POLICY", "relaxed")
    result = dg.materialize(
        ingestion_assets, selection=["raw_plan/quotas"], raise_on_error=False, partition_key=DAY
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    message = failure.event_specific_data.error.to_string()
    assert "REVOPS_BAD_FILE_POLICY='relaxed'" in message and "lenient, strict" in message


def test_a_range_run_loads_the_dated_files_of_its_days_and_reports_its_window(env):
    """Dated files of 2026-01-14..2026-01-16; a run over 01-14..01-15 loads those two days and
    the undated fixture, and lists the 01-16 file as waiting; the 01-16 run loads it."""
    landing, warehouse = env
    header = "rep_id,month,quota_amount,currency\n"
    for day, rep in (("2026-01-14", "005X"), ("2026-01-15", "005Y"), ("2026-01-16", "005Z")):
        (landing / "plan" / "quotas").mkdir(exist_ok=True)
        (landing / "plan" / "quotas" / f"{day}.csv").write_text(
            f"{header}{rep},2026-01-01,10,USD\n"
        )
    first = dg.materialize(
        ingestion_assets,
        selection=["raw_plan/quotas"],
        tags=run_tags(date(2026, 1, 14), date(2026, 1, 15)),
    )
    assert first.success
    # one run, one materialization per partition of the range
    partitions = sorted(e.partition for e in first.get_asset_materialization_events())
    assert partitions == ["2026-01-14", "2026-01-15"]
    meta = materializations(first)["raw_plan/quotas"]
    assert (meta["window_start"], meta["window_end"]) == ("2026-01-14", "2026-01-15")
    assert meta["files_loaded"] == 3  # quotas.csv (undated) + the two dated files
    assert meta["rows_loaded"] == 4  # 2 + 1 + 1
    assert meta["files_waiting"] == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        landed = con.execute(
            "select rep_id, _landed_date from raw_plan.quotas order by rep_id"
        ).fetchall()
    # the undated file takes the window's last day; dated files their own day
    assert landed == [
        ("005A", date(2026, 1, 15)),
        ("005B", date(2026, 1, 15)),
        ("005X", date(2026, 1, 14)),
        ("005Y", date(2026, 1, 15)),
    ]
    second = dg.materialize(
        ingestion_assets, selection=["raw_plan/quotas"], partition_key="2026-01-16"
    )
    meta = materializations(second)["raw_plan/quotas"]
    assert (meta["files_loaded"], meta["rows_loaded"], meta["files_waiting"]) == (1, 1, 0)
    assert meta["total_rows"] == 5
