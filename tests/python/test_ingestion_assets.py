"""The ingestion assets: graph shape, and in-process materializations against tmp paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from revops.assets.ingestion import ingestion_assets
from revops.contract import load_contract

FIXTURES = Path(__file__).parent / "fixtures" / "ingest" / "landing"


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
        for spec in asset.specs:
            assert spec.group_name == "raw"
            assert spec.kinds == {"duckdb"}
    assert sum(len(a.keys) for a in ingestion_assets) == 30  # 10 crm + 6 mkt + 11 billing + 3


def test_materialize_loads_and_reports_per_table(env):
    _, warehouse = env
    result = dg.materialize(ingestion_assets)
    assert result.success
    meta = materializations(result)
    assert len(meta) == 30
    # hand-counted from the fixtures: opps.csv 4 rows of which 2 quarantined
    assert meta["raw_crm/opportunity"]["rows_loaded"] == 2
    assert meta["raw_crm/opportunity"]["rows_quarantined"] == 2
    assert meta["raw_crm/opportunity"]["files_loaded"] == 1
    assert meta["raw_crm/opportunity"]["total_rows"] == 2
    assert meta["raw_billing/invoice_line_items"]["rows_loaded"] == 2
    assert meta["raw_plan/quotas"]["total_rows"] == 2
    assert meta["raw_crm/account"]["files_loaded"] == 0

    again = materializations(dg.materialize(ingestion_assets))
    assert again["raw_crm/opportunity"]["rows_loaded"] == 0
    assert again["raw_crm/opportunity"]["files_skipped"] == 1
    assert again["raw_crm/opportunity"]["total_rows"] == 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_billing.subscriptions").fetchone() == (2,)


def test_a_subset_loads_only_the_selected_tables(env):
    _, warehouse = env
    result = dg.materialize(ingestion_assets, selection=["raw_plan/quotas"])
    assert result.success
    assert set(materializations(result)) == {"raw_plan/quotas"}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_plan.quotas").fetchone() == (2,)
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "raw_crm" not in schemas  # the crm asset did not run


def test_rejected_file_fails_the_asset_after_loading_the_rest(env):
    landing, warehouse = env
    (landing / "crm" / "opportunity" / "broken.csv").write_text("id;stage_name\n1;x\n")
    result = dg.materialize(ingestion_assets, raise_on_error=False)
    assert not result.success
    failures = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert [e.step_key for e in failures] == ["ingest_crm"]
    error = failures[0].event_specific_data.error
    assert "landing/crm/opportunity/broken.csv" in error.message
    assert "delimited by ';'" in error.message
    # the good file of the same table loaded and was reported before the failure
    meta = materializations(result)
    assert meta["raw_crm/opportunity"]["rows_loaded"] == 2
    assert meta["raw_crm/opportunity"]["files_rejected"] == 1
    assert meta["raw_billing/subscriptions"]["rows_loaded"] == 2  # other systems unaffected
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_crm.opportunity").fetchone() == (2,)
