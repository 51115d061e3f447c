"""The end-of-run summary and the one-line cause of a failed run, on records built by hand."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from revops import summary as s
from revops.progress import DbtProgress

BAD = "landing/crm/opportunity/x.csv: line 3, column amount: not a number ('abc')"
OLD = "landing/billing/invoices/2026-10-01.json: not valid JSON at line 1"


def _raw(asset: str, **meta) -> s.Materialization:
    base = {"total_rows": 0, "rows_loaded": 0, "files_loaded": 0, "files_skipped": 0}
    return s.Materialization(asset, {**base, **meta})


def _events(success: bool = True, **kwargs) -> s.RunEvents:
    mats = [
        _raw(
            "raw_crm/opportunity",
            total_rows=10,
            rows_loaded=4,
            files_loaded=1,
            files_skipped=2,
            rejected=[{"file": "crm/opportunity/x.csv", "error": BAD}],
            quarantined_by_file={"crm/opportunity/a.csv": 3, "crm/opportunity/b.csv": 1},
        ),
        _raw("raw_crm/account", total_rows=5, rows_loaded=5, files_loaded=1),
        _raw(
            "raw_billing/invoices",
            still_rejected=[{"file": "billing/invoices/2026-10-01.json", "error": OLD}],
        ),
        _raw("raw_marketing/web_sessions"),
    ]
    return s.RunEvents("run-1", success, materializations=mats, **kwargs)


def test_summary_names_systems_files_and_quarantine() -> None:
    lines = s.render(_events(), None, [])
    text = "\n".join(lines)
    # present: crm (2 tables, 10 + 5 rows, 4 + 5 new); billing and marketing hold no rows
    assert "  systems present:  crm (2/2 tables, 15 rows, 9 new)" in lines
    assert "  systems absent:   billing, marketing (no rows: their marts are empty)" in lines
    assert lines[2].startswith("  files:            2 loaded, 2 skipped (loaded before), ")
    assert "1 rejected, 1 still rejected" in lines[2]
    assert f"    rejected:       {BAD}" in lines
    assert f"still rejected: {OLD} (unchanged since an earlier run" in text
    assert "  quarantined rows: 4 in 2 file(s)" in text and "marts.dq_quarantined_rows" in text
    # most quarantined first
    assert text.index(" 3  landing/crm/opportunity/a.csv") < text.index(" 1  landing/crm/")
    assert "dbt:              did not run" in text
    assert "published:        nothing" in text


def test_summary_counts_checks_by_severity_and_reports_publication() -> None:
    checks = [
        s.CheckEvaluation(
            "raw_crm/opportunity", "no_rejected_files", False, "WARN", {"errors": f"- {BAD}"}
        ),
        s.CheckEvaluation(
            "marts/mart_a", "gx_warnings", False, "WARN", {"failed_rules": "- `r1`: x"}
        ),
        s.CheckEvaluation("marts/mart_a", "not_null_mart_a_id", False, "WARN", {"status": "warn"}),
        s.CheckEvaluation("marts/mart_a", "gx_blocking", True, "ERROR"),
    ]
    events = _events(checks=checks)
    events.materializations.append(
        s.Materialization(
            "published_warehouse", {"tables": 28, "rows": 20289, "database": "/p/revops.duckdb"}
        )
    )
    lines = s.render(events, None, [])
    assert (
        "  checks failed:    ERROR 0, WARN 3 of 4 evaluated "
        "(dbt WARN 1, gx WARN 1, landing files WARN 1)"
    ) in lines
    assert f"    WARN  no_rejected_files on raw_crm/opportunity: {BAD}" in lines
    assert "    WARN  gx_warnings on marts/mart_a: `r1`: x" in lines
    assert "    WARN  not_null_mart_a_id on marts/mart_a: dbt test warn" in lines
    assert "  published:        28 tables, 20,289 rows -> /p/revops.duckdb" in lines
    assert s.diagnose(events, None, []) is None
    # a publication that rewrote the Parquet of two marts only (the others linked)
    events.materializations[-1] = s.Materialization(
        "published_warehouse",
        {"tables": 28, "rows": 5, "database": "/p/x", "parquet_exported": ["a", "b"]},
    )
    lines = s.render(events, None, [])
    at = lines.index("  published:        28 tables, 5 rows -> /p/x")
    assert lines[at + 1].strip() == (
        "Parquet rewritten for 2 (the marts rebuilt since the last publication; the others linked)"
    )


def _dbt(*nodes: s.DbtNode) -> s.DbtResults:
    return s.DbtResults(list(nodes), Path("/t/revops_dbt-run-1/dbt.log"))


def test_dbt_line_counts_built_nodes_and_tests() -> None:
    dbt = _dbt(
        s.DbtNode("model.revops.a", "success"),
        s.DbtNode("model.revops.b", "skipped"),
        s.DbtNode("seed.revops.fx", "success"),
        s.DbtNode("test.revops.t1.abc", "pass"),
        s.DbtNode("test.revops.t2.abc", "warn", failures=2),
        s.DbtNode("test.revops.t3.abc", "fail", failures=3),
    )
    assert s.dbt_line(dbt) == [
        "  dbt:              6 nodes: 2 built, 0 errors, 1 skipped; tests 1 passed, "
        "1 failed, warnings 1"
    ]


def test_a_strict_rejection_names_the_file_and_the_setting() -> None:
    failure = s.StepFailure("ingest_crm", "1 landing file(s) rejected", {"errors": f"- {BAD}"})
    events = _events(success=False, failures=[failure])
    assert s.diagnose(events, None, []) == (
        "ingest_crm: landing/crm/opportunity/x.csv rejected: line 3, column amount: not a "
        "number ('abc'): fix or remove the file (REVOPS_BAD_FILE_POLICY=strict)"
    )
    published = [ln for ln in s.render(events, None, []) if "published:" in ln]
    assert published == [
        "  published:        nothing, the last published warehouse stays: step ingest_crm "
        "failed (cause below)"
    ]


def test_a_failed_dbt_test_names_the_test_the_rows_the_model_and_the_log() -> None:
    events = _events(success=False, failures=[s.StepFailure("revops_dbt", "dbt failed")])
    dbt = _dbt(
        s.DbtNode("model.revops.stg_crm__opportunities", "success"),
        s.DbtNode(
            "test.revops.not_null_stg_crm__opportunities_id.1a2b",
            "fail",
            failures=3,
            model="stg_crm__opportunities",
        ),
        s.DbtNode("test.revops.other.9z", "error", message="boom"),
    )
    assert s.diagnose(events, dbt, []) == (
        "dbt test not_null_stg_crm__opportunities_id failed (3 rows) on model "
        "stg_crm__opportunities (and 1 more): see /t/revops_dbt-run-1/dbt.log"
    )
    # a model in error comes before any test
    dbt.nodes.append(
        s.DbtNode("model.revops.int_x", "error", message="Binder Error: no column y\nmore")
    )
    assert s.diagnose(events, dbt, []) == (
        "dbt model int_x failed: Binder Error: no column y (and 2 more): "
        "see /t/revops_dbt-run-1/dbt.log"
    )


def test_a_failed_fx_test_names_the_missing_rate_and_where_to_add_it() -> None:
    events = _events(success=False, failures=[s.StepFailure("revops_dbt", "dbt failed")])
    dbt = _dbt(s.DbtNode("test.revops.has_fx_rate_int_invoices.77", "fail", failures=12))
    gap = s.FxGap("EUR", "2016-03", 12, "int_invoices", "landing/billing/invoices/2016-03-31.json")
    assert s.diagnose(events, dbt, [gap]) == (
        "fx rate missing for EUR 2016-03 (landing/billing/invoices/2016-03-31.json): add it to "
        "landing/reference/fx_rates.csv"
    )
    assert s.fx_lines([gap])[1] == (
        "    EUR 2016-03: 12 rows (int_invoices, e.g. landing/billing/invoices/2016-03-31.json)"
    )


def test_a_failed_blocking_check_says_publication_was_skipped() -> None:
    check = s.CheckEvaluation(
        "marts/mart_x",
        "gx_blocking",
        False,
        "ERROR",
        {"failed_rules": "- `no_negative_arr`: arr >= 0; observed 2", "gx_data_docs": "/d"},
    )
    failure = s.StepFailure("gx_mart_checks", "1 blocking asset check failed")
    events = _events(success=False, checks=[check], failures=[failure])
    assert s.diagnose(events, None, []) == (
        "publication skipped: blocking check gx_blocking on marts/mart_x failed "
        "(`no_negative_arr`: arr >= 0; observed 2): see the Data Docs /d"
    )
    other = _events(success=False, failures=[s.StepFailure("published_warehouse", "disk\nfull")])
    assert s.diagnose(other, None, []) == "publication failed: disk"


def test_dbt_results_are_read_with_each_tests_model(tmp_path: Path) -> None:
    results = {
        "results": [
            {"unique_id": "model.revops.a", "status": "success", "failures": None},
            {"unique_id": "test.revops.not_null_a_id.1", "status": "warn", "failures": 2},
            {"unique_id": "unit_test.revops.a.test_a_math", "status": "pass"},
        ]
    }
    manifest = {"nodes": {"test.revops.not_null_a_id.1": {"attached_node": "model.revops.a"}}}
    (tmp_path / "run_results.json").write_text(json.dumps(results))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    dbt = s.read_dbt_results(tmp_path)
    assert dbt is not None and dbt.warnings == 1 and dbt.log_path == tmp_path / "dbt.log"
    assert [(n.name, n.model) for n in dbt.nodes] == [
        ("a", None),
        ("not_null_a_id", "a"),
        ("test_a_math", None),
    ]
    assert s.read_dbt_results(tmp_path / "missing") is None


def test_fx_gaps_are_read_when_the_table_exists(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    assert s.read_fx_gaps(db) == []  # no warehouse
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
    assert s.read_fx_gaps(db) == []  # no table
    with duckdb.connect(str(db)) as con:
        con.execute(
            # the mart's contract (models/marts/dq/_dq_fx__models.yml)
            "create table marts.dq_fx_rates_missing (model_name varchar, currency_code "
            "varchar, rate_month date, row_count bigint, amount_total double, "
            "reporting_currency varchar, example_source_file varchar)"
        )
        con.execute(
            "insert into marts.dq_fx_rates_missing values "
            "('int_invoices', 'EUR', '2016-03-01', 5, 10.0, 'USD', null), "
            "('int_opps', 'EUR', '2016-03-01', 2, 1.0, 'USD', null), "
            "('int_opps', 'GBP', '2016-01-01', 1, 1.0, 'USD', null)"
        )
    assert s.read_fx_gaps(db) == [
        s.FxGap("GBP", "2016-01", 1, "int_opps", None),
        s.FxGap("EUR", "2016-03", 7, "int_invoices, int_opps", None),
    ]


def _event(name: str, status: str = "", total: int = 20) -> dict:
    return {"info": {"name": name}, "data": {"status": status, "index": 1, "total": total}}


def test_dbt_progress_reports_each_tenth_and_every_15_seconds() -> None:
    now = [0.0]
    progress = DbtProgress(every_s=15.0, clock=lambda: now[0])
    assert progress.update({"info": {"name": "LogStartLine"}, "data": {"total": 20}}) is None
    assert progress.update(_event("LogModelResult", "success")) is None  # 1/20: 5 %
    assert progress.update(_event("LogTestResult", "warn")) == (
        "dbt 2/20 nodes (errors 0, warnings 1)"
    )
    assert progress.update(_event("LogTestResult", "fail")) is None  # 3/20, same tenth
    now[0] = 16.0
    assert progress.update(_event("SkippingDetails")) == (
        "dbt 4/20 nodes (errors 1, warnings 1, skipped 1)"
    )
    lines = [progress.update(_event("LogTestResult", "pass")) for _ in range(16)]
    assert [ln for ln in lines if ln] == [
        f"dbt {n}/20 nodes (errors 1, warnings 1, skipped 1)"
        for n in (6, 8, 10, 12, 14, 16, 18, 20)
    ]


def test_the_summary_knows_the_ingestion_checks_name() -> None:
    from revops.assets.ingestion import REJECTION_CHECK

    assert s.REJECTION_CHECK == REJECTION_CHECK
