"""What a run builds (revops.build_state), decided from the load log and the last build's state,
on small hand-made warehouses: nothing new -> nothing; a CRM-only day -> only the CRM tables'
descendants; as_of_date moved -> int_as_of_date+; project changed / full refresh / first build
-> everything; and the marts a publication still owes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from revops import build_state
from revops.build_state import BuildPlan, BuildState

SOURCES = {
    "raw_crm.opportunity": "source:crm.opportunity",
    "raw_billing.invoices": "source:billing.invoices",
}
T0, T1, T2 = datetime(2026, 10, 30, 6), datetime(2026, 10, 31, 6), datetime(2026, 11, 1, 6)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    c.execute("create schema raw_meta")
    c.execute(
        'create table raw_meta.load_log (file varchar, sha256 varchar, "table" varchar, '
        "rows_in bigint, rows_loaded bigint, rows_quarantined bigint, status varchar, "
        "error varchar, loaded_at timestamp, landed_date date)"
    )
    return c


def log(con, table: str, rows: int, at: datetime, status: str = "loaded") -> None:
    con.execute(
        "insert into raw_meta.load_log values ('f', 's', ?, ?, ?, 0, ?, null, ?, null)",
        [table, rows, rows, status, at],
    )


def test_nothing_loaded_since_the_last_build_builds_nothing(con) -> None:
    log(con, "raw_crm.opportunity", 10, T0)
    last = BuildState(T0, "2026-10-31", "m1")
    changed, log_changed = build_state.loaded_since(con, last.loaded_until)
    assert (changed, log_changed) == ([], False)
    plan = build_state.plan_build(last, BuildState(T0, "2026-10-31", "m1"), [], False, SOURCES)
    assert plan.nothing
    assert plan.reason.startswith("nothing new")


def test_a_crm_only_day_selects_the_crm_tables_descendants_only(con) -> None:
    log(con, "raw_crm.opportunity", 10, T0)
    log(con, "raw_billing.invoices", 5, T0)
    log(con, "raw_crm.opportunity", 3, T1)  # the new day: CRM only
    log(con, "raw_billing.invoices", 0, T1)  # a billing file without a row changes nothing
    changed, log_changed = build_state.loaded_since(con, T0)
    assert changed == ["raw_crm.opportunity"]
    assert log_changed
    plan = build_state.plan_build(
        BuildState(T0, "2026-10-31", "m1"),
        BuildState(T1, "2026-10-31", "m1"),
        changed,
        log_changed,
        SOURCES,
    )
    assert plan.select == ["source:crm.opportunity+", "source:meta+"]
    assert not plan.whole and not plan.nothing


def test_a_rejected_file_rebuilds_the_load_log_models_only(con) -> None:
    log(con, "raw_crm.opportunity", 0, T1, status="rejected")
    changed, log_changed = build_state.loaded_since(con, T0)
    plan = build_state.plan_build(
        BuildState(T0, "", "m1"), BuildState(T1, "", "m1"), changed, log_changed, SOURCES
    )
    assert plan.select == ["source:meta+"]


def test_a_moved_as_of_date_selects_int_as_of_date_and_its_descendants() -> None:
    plan = build_state.plan_build(
        BuildState(T0, "2026-10-31", "m1"), BuildState(T0, "2026-11-01", "m1"), [], False, SOURCES
    )
    assert plan.select == ["int_as_of_date+"]
    assert "2026-10-31 -> 2026-11-01" in plan.reason


@pytest.mark.parametrize(
    ("last", "full_refresh"),
    [(None, False), (BuildState(T0, "2026-10-31", "m0"), False), (BuildState(T0, "x", "m1"), True)],
)
def test_first_build_changed_project_or_full_refresh_build_everything(last, full_refresh) -> None:
    """From scratch: incremental models keep rows built by the old project otherwise."""
    plan = build_state.plan_build(
        last, BuildState(T0, "2026-10-31", "m1"), [], False, SOURCES, full_refresh
    )
    assert plan.whole and plan.select == []
    # from scratch once there is an earlier build (on a new warehouse it is the same thing)
    assert plan.full_refresh == (last is not None)


def test_new_rows_or_a_moved_day_are_built_incrementally() -> None:
    plan = build_state.plan_build(
        BuildState(T0, "2026-10-31", "m1"),
        BuildState(T1, "2026-11-01", "m1"),
        ["raw_crm.opportunity"],
        False,
        SOURCES,
    )
    assert not plan.whole and not plan.full_refresh


def test_state_round_trip_and_marts_owed_to_publication(con) -> None:
    assert build_state.last_build(con) is None
    assert build_state.unpublished_marts(con) is None  # no build recorded: every mart
    log(con, "raw_crm.opportunity", 10, T0)
    assert build_state.loaded_until(con) == T0
    whole = BuildPlan("first", whole=True)
    build_state.record_build(con, BuildState(T0, "", "m1"), T0, None, whole, ["a", "b"])
    build_state.mark_published(con, T0, T0)
    assert build_state.unpublished_marts(con) == set()
    partial = BuildPlan("crm", select=["source:crm.opportunity+"])
    build_state.record_build(con, BuildState(T1, "d1", "m1"), T1, None, partial, ["b"])
    build_state.record_build(con, BuildState(T2, "d2", "m1"), T2, None, partial, ["c"])
    assert build_state.last_build(con) == BuildState(T2, "d2", "m1")
    # the build of T1 was never published (say a blocking check failed): still owed
    assert build_state.unpublished_marts(con) == {"b", "c"}
    build_state.mark_published(con, T2, T1)
    assert build_state.unpublished_marts(con) == {"c"}  # built after that publication read
    build_state.mark_published(con, T2, T2)
    assert build_state.unpublished_marts(con) == set()


def test_fingerprint_ignores_parse_time_but_not_a_model_change() -> None:
    def manifest(checksum: str, generated_at: str) -> dict:
        return {
            "metadata": {"project_name": "p", "generated_at": generated_at},
            "nodes": {"model.p.a": {"checksum": {"checksum": checksum}, "config": {}}},
            "macros": {"macro.p.m": {"package_name": "p", "macro_sql": "select 1"}},
        }

    assert build_state.manifest_fingerprint(manifest("x", "t1")) == (
        build_state.manifest_fingerprint(manifest("x", "t2"))
    )
    assert build_state.manifest_fingerprint(manifest("x", "t1")) != (
        build_state.manifest_fingerprint(manifest("y", "t1"))
    )
    changed_macro = manifest("x", "t1")
    changed_macro["macros"]["macro.p.m"]["macro_sql"] = "select 2"
    assert build_state.manifest_fingerprint(changed_macro) != (
        build_state.manifest_fingerprint(manifest("x", "t1"))
    )


def test_source_selectors_map_raw_tables_to_dbt_sources() -> None:
    manifest = {
        "sources": {
            "source.p.crm.opportunity": {
                "schema": "raw_crm",
                "name": "opportunity",
                "identifier": "opportunity",
                "source_name": "crm",
            }
        }
    }
    assert build_state.source_selectors(manifest) == {
        "raw_crm.opportunity": "source:crm.opportunity"
    }


def test_rebuilt_marts_are_the_mart_models_that_succeeded() -> None:
    def node(name: str, schema: str, kind: str = "model") -> dict:
        return {"name": name, "schema": schema, "resource_type": kind}

    manifest = {
        "nodes": {
            "model.p.fct_a": node("fct_a", "marts"),
            "model.p.fct_b": node("fct_b", "marts"),
            "model.p.int_c": node("int_c", "intermediate"),
            "test.p.t": node("t", "marts", "test"),
        }
    }
    run_results = {
        "results": [
            {"unique_id": "model.p.fct_a", "status": "success"},
            {"unique_id": "model.p.fct_b", "status": "error"},
            {"unique_id": "model.p.int_c", "status": "success"},
            {"unique_id": "test.p.t", "status": "pass"},
        ]
    }
    assert build_state.rebuilt_marts(run_results, manifest) == {"fct_a"}


# --- the real project: what a CRM-only day reaches ---------------------------------------------

BILLING_ONLY = {  # billing models that read no CRM table, directly or not
    "int_invoices_converted",
    "int_invoice_line_items_converted",
    "int_subscription_item_periods",
    "int_billing_product_matches",
    "stg_billing__invoices",
    "stg_billing__subscriptions",
}


@pytest.fixture(scope="module")
def project_manifest() -> dict:
    import json

    from revops.assets.dbt import manifest_path

    return json.loads(manifest_path().read_text())


def test_a_crm_only_day_does_not_rebuild_billing_only_models(project_manifest) -> None:
    manifest = project_manifest
    last = BuildState(T0, "2026-10-31", build_state.manifest_fingerprint(manifest))
    plan = build_state.plan_build(
        last,
        BuildState(T1, "2026-10-31", last.manifest_sha),
        ["raw_crm.opportunity"],
        True,
        build_state.source_selectors(manifest),
    )
    assert plan.select == ["source:crm.opportunity+", "source:meta+"]
    nodes = manifest["nodes"]
    reached = {nodes[k]["name"] for k in build_state.planned_nodes(plan, manifest) if k in nodes}
    assert "stg_crm__opportunities" in reached and "fct_opportunities" in reached
    assert {n["name"] for n in nodes.values()} >= BILLING_ONLY  # they exist
    assert not BILLING_ONLY & reached
    # the same day for billing reaches them
    billing = BuildPlan("billing", select=["source:billing.invoices+"])
    billing_reached = {
        nodes[k]["name"] for k in build_state.planned_nodes(billing, manifest) if k in nodes
    }
    assert {"int_invoices_converted", "stg_billing__invoices"} <= billing_reached
    # the marts it leaves as they are: those of the rejected-file log and quarantine only
    marts = build_state.planned_marts(plan, manifest)
    whole = build_state.planned_marts(BuildPlan("all", whole=True), manifest)
    assert "fct_opportunities" in marts and marts < whole
    assert build_state.planned_marts(BuildPlan("log", select=["source:meta+"]), manifest) == {
        "dq_quarantined_rows",
        "dq_rejected_files",
    }
