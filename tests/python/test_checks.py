"""Great Expectations checks: measured in DuckDB, judged by GX, surfaced as Dagster checks.

The bad rows below are written by hand and every expected count is counted by hand from them.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest

from revops.checks.rules import ERROR, WARN, Rule, Suite
from revops.contract import get_table
from revops.ingest import ensure_meta_tables
from revops.warehouse import ensure_raw_tables

LOADED_AT = datetime(2026, 1, 10, 6, 0)
# raw_marketing.meta_ads_insights: key (date_start, campaign_id); account_currency an ISO 4217
# code, upper-case. Only rows ingestion can write: a null key or a bad currency code is
# quarantined before raw, so no raw rule looks for one.
ROWS = [
    # date_start, campaign_id, spend, currency, impressions
    ("2026-01-01", "c1", 10, "USD", 100),  # fine
    ("2026-01-01", "c2", -4, "EUR", 100),  # negative spend            (warn)
    ("2026-03-01", "c5", 1, "GBP", 100),  # 50 days after its load     (warn)
    ("2026-01-01", "c1", 10, "USD", 100),  # same key twice in a file  (warn)
]
# the load log of the fixture claims two rows more than the table holds (error)
LOGGED_ROWS = len(ROWS) + 2


def make_raw_table(db: Path, logged_rows: int = len(ROWS)) -> None:
    table = get_table("marketing", "meta_ads_insights")
    con = duckdb.connect(str(db))
    ensure_raw_tables(con, [table])
    ensure_meta_tables(con)
    for i, (day, campaign, spend, currency, impressions) in enumerate(ROWS, start=1):
        con.execute(
            "insert into raw_marketing.meta_ads_insights "
            "(date_start, campaign_id, spend, account_currency, impressions, clicks, "
            "_source_file, _source_row, _loaded_at, _landed_date) "
            "values (?, ?, ?, ?, ?, 1, 'f1.csv', ?, ?, ?)",
            [day, campaign, spend, currency, impressions, i, LOADED_AT, LOADED_AT.date()],
        )
    con.execute(
        "insert into raw_meta.load_log values "
        "('f1.csv', 'x', 'raw_marketing.meta_ads_insights', ?, ?, 0, 'loaded', null, ?, ?)",
        [logged_rows, logged_rows, LOADED_AT, LOADED_AT.date()],
    )
    con.close()


@pytest.fixture(scope="module")
def raw_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dg.AssetCheckResult]:
    from revops.assets.checks import BLOCKING_CHECK, WARNING_CHECK, check_results
    from revops.checks.suites import raw_suite

    root = tmp_path_factory.mktemp("gx")
    db = root / "wh.duckdb"
    make_raw_table(db, logged_rows=LOGGED_ROWS)
    suite = raw_suite(get_table("marketing", "meta_ads_insights"))
    key = dg.AssetKey(["raw_marketing", "meta_ads_insights"])
    selected = {dg.AssetCheckKey(key, BLOCKING_CHECK), dg.AssetCheckKey(key, WARNING_CHECK)}
    results = list(check_results([suite], selected, db, root / "docs", run_name="test"))
    return {r.check_name: r for r in results} | {"_docs": root / "docs"}


def test_blocking_rules_fail_with_hand_counted_unexpected_rows(raw_results) -> None:
    result = raw_results["gx_blocking"]
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.ERROR
    md = result.metadata
    # load_log_reconciles: |4 rows - 6 logged| = 2
    assert md["expectations_failed"].value == 1
    assert md["unexpected_count"].value == 2
    assert md["expectations_errored"].value == 0
    # the blocking rules of a raw table: columns_present, load_log_reconciles
    assert md["expectations_evaluated"].value == 2
    failed = md["failed_rules"].value
    assert "`load_log_reconciles`" in failed and "columns_present" not in failed


def test_warnings_are_recorded_with_warn_severity(raw_results) -> None:
    result = raw_results["gx_warnings"]
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.WARN
    md = result.metadata
    # negative spend 1, date 50 days after load 1, duplicated (date_start, campaign_id) 1
    assert md["expectations_failed"].value == 3
    assert md["unexpected_count"].value == 3
    failed = md["failed_rules"].value
    for name in ("non_negative(spend)", "not_future(date_start)", "unique_key_per_file"):
        assert f"`{name}`" in failed
    # non_negative of impressions and clicks, and the single load compares to nothing: pass
    assert "impressions" not in failed and "row_count_vs_previous_load" not in failed


def test_data_docs_are_built(raw_results) -> None:
    docs: Path = raw_results["_docs"]
    assert (docs / "index.html").is_file()
    assert str(docs) in raw_results["gx_blocking"].metadata["gx_data_docs"].value
    assert any((docs / "validations").rglob("*.html"))


def test_data_docs_hold_one_page_per_suite_and_list_every_suite(tmp_path: Path) -> None:
    """Data Docs are built once per run (not once per suite), and still cover every suite."""
    from revops.checks.gx_run import validate
    from revops.checks.metrics import Measurement
    from revops.checks.rules import Rule, Suite

    names = ["raw_x.alpha", "raw_x.beta", "marts.gamma"]
    rule = Rule(name="no_nulls", metric="0", description="no null ids")
    measurements = [
        Measurement(Suite(n, n, tuple(n.split(".")), (rule,)), values={"no_nulls": v})
        for n, v in zip(names, [0, 2, 0], strict=True)
    ]
    outcomes = validate(measurements, docs_dir=tmp_path / "docs", run_name="three")
    assert [o.outcomes[0].success for o in outcomes] == [True, False, True]
    pages = sorted((tmp_path / "docs" / "validations").rglob("*.html"))
    assert len(pages) == 3
    for name in names:  # validations/<schema>/<table>/<run name>/<time>/<batch>.html
        folder = "/validations/" + name.replace(".", "/") + "/three/"
        assert sum(folder in str(page) for page in pages) == 1, name
    index = (tmp_path / "docs" / "index.html").read_text()
    assert all(name in index for name in names)


def test_clean_table_passes(tmp_path: Path) -> None:
    """The same rules on the rows that break nothing: the checks can pass as well as fail."""
    from revops.checks.gx_run import validate
    from revops.checks.metrics import measure
    from revops.checks.suites import raw_suite

    db = tmp_path / "wh.duckdb"
    ok_row = ROWS[0]
    table = get_table("marketing", "meta_ads_insights")
    con = duckdb.connect(str(db))
    ensure_raw_tables(con, [table])
    ensure_meta_tables(con)
    con.execute(
        "insert into raw_marketing.meta_ads_insights (date_start, campaign_id, spend, "
        "account_currency, _source_file, _loaded_at) values (?, ?, ?, ?, 'f1.csv', ?)",
        [*ok_row[:4], LOADED_AT],
    )
    con.execute(
        "insert into raw_meta.load_log values ('f1.csv', 'x', "
        "'raw_marketing.meta_ads_insights', 1, 1, 0, 'loaded', null, ?, ?)",
        [LOADED_AT, LOADED_AT.date()],
    )
    (outcome,) = validate([measure(con, raw_suite(table))])
    con.close()
    assert [o.rule.name for o in outcome.outcomes if not o.success] == []


def test_load_log_mismatch_is_blocking(tmp_path: Path) -> None:
    from revops.checks.gx_run import validate
    from revops.checks.metrics import measure
    from revops.checks.suites import raw_suite

    db = tmp_path / "wh.duckdb"
    make_raw_table(db, logged_rows=9)  # the table holds 4 rows, the log says 9
    con = duckdb.connect(str(db), read_only=True)
    (outcome,) = validate([measure(con, raw_suite(get_table("marketing", "meta_ads_insights")))])
    con.close()
    rec = next(o for o in outcome.outcomes if o.rule.name == "load_log_reconciles")
    assert rec.success is False and rec.observed == 5 and rec.rule.severity == ERROR


def test_an_erroring_expectation_is_a_failure(tmp_path: Path) -> None:
    """A rule whose SQL cannot run, and an expectation GX cannot evaluate, both fail."""
    from revops.checks.gx_run import validate
    from revops.checks.metrics import Measurement, measure

    con = duckdb.connect()
    con.execute("create table t as select 1 as a")
    broken = Rule("broken", "count(*) filter (where t.no_such_column > 0)", "errors", WARN)
    fine = Rule("fine", "count(*) filter (where t.a < 0)", "passes")
    suite = Suite("main.t", "t", ("t",), (broken, fine))
    measured = measure(con, suite)
    assert "broken" in measured.errors and measured.values == {"fine": 0.0}
    # a metric GX never receives: GX itself raises (column missing from the batch)
    unmeasured = Measurement(Suite("main.u", "t", ("u",), (fine,)))
    out_sql, out_gx = validate([measured, unmeasured])
    by_name = {o.rule.name: o for o in out_sql.outcomes}
    assert by_name["broken"].success is False and "no_such_column" in by_name["broken"].error
    assert by_name["fine"].success is True
    (gx_error,) = out_gx.outcomes
    assert gx_error.success is False and gx_error.error
    assert out_sql.passed(ERROR) is True and out_sql.passed(WARN) is False


def test_judge_treats_raised_exception_as_failure_even_if_success_is_set() -> None:
    from revops.checks.gx_run import judge

    rule = Rule("r", "0", "d")
    raised = SimpleNamespace(
        success=True,
        result={},
        exception_info={"m": {"raised_exception": True, "exception_message": "boom"}},
    )
    clean = SimpleNamespace(
        success=True, result={"observed_value": 0}, exception_info={"raised_exception": False}
    )
    assert judge(raised, rule).success is False and judge(raised, rule).error == "boom"
    assert judge(clean, rule).success is True


def test_every_raw_table_has_a_suite_with_key_checks() -> None:
    from revops.checks.suites import raw_suites
    from revops.contract import all_tables

    suites = {s.name: s for s in raw_suites()}
    for table in all_tables():
        names = {r.name for r in suites[table.qualified_name].rules}
        assert {"columns_present", "unique_key_per_file", "load_log_reconciles"} <= names
        # what ingestion quarantines never reaches raw: no rule that could not fail
        assert not [n for n in names if n.startswith(("not_null(", "allowed(", "currency_code("))]
    opp = {r.name: r for r in suites["raw_crm.opportunity"].rules}
    assert opp["vocabulary(stage_name)"].severity == WARN
    assert opp["non_negative(amount)"].severity == WARN
    # credits are negative by contract: no non-negative rule on invoice line amounts
    lines = {r.name for r in suites["raw_billing.invoice_line_items"].rules}
    assert "non_negative(amount)" not in lines


def test_loading_definitions_does_not_import_great_expectations() -> None:
    code = (
        "import sys\n"
        "import revops.definitions, revops.assets.checks, revops.assets.publish\n"
        "import revops.checks.gx_run, revops.publish\n"
        "from revops.assets.checks import gx_asset_checks\n"
        "assert gx_asset_checks\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'great_expectations')\n"
        "print(len(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == "0", out.stdout + out.stderr


def test_check_specs_are_blocking_only_for_errors() -> None:
    from revops.assets.checks import gx_asset_checks

    specs = [s for c in gx_asset_checks for s in c.check_specs]
    opp = dg.AssetKey(["raw_crm", "opportunity"])
    by_name = {s.name: s for s in specs if s.asset_key == opp}
    assert by_name["gx_blocking"].blocking is True
    assert by_name["gx_warnings"].blocking is False


def test_suites_match_the_reviewed_snapshot() -> None:
    """gx/suites.json lists every rule; regenerate with REVOPS_UPDATE_SNAPSHOTS=1 and review."""
    import json
    import os

    from revops.checks.suites import suites_snapshot
    from revops.config import PROJECT_DIR

    path = PROJECT_DIR / "gx" / "suites.json"
    current = json.loads(json.dumps(suites_snapshot()))
    if os.environ.get("REVOPS_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(path.read_text())


def test_checks_and_publish_fit_the_project_graph() -> None:
    """Every check guards an asset of the project; publication waits for every mart."""
    from revops.assets.checks import gx_asset_checks
    from revops.assets.dbt import dbt_resource, revops_dbt_assets
    from revops.assets.ingestion import ingestion_assets
    from revops.assets.publish import publish_assets

    defs = dg.Definitions(
        assets=[*ingestion_assets, revops_dbt_assets, *publish_assets],
        asset_checks=gx_asset_checks,
        resources={"dbt": dbt_resource()},
    )
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assets = graph.get_all_asset_keys()
    for check in gx_asset_checks:
        for spec in check.check_specs:
            assert spec.asset_key in assets, spec.asset_key
    marts = {k for k in assets if k.path[0] == "marts"}
    published = graph.get(dg.AssetKey("published_warehouse"))
    assert marts and set(published.parent_keys) == marts
    assert published.group_name == "publish"


def test_row_count_against_previous_load_and_epoch_dates(tmp_path: Path) -> None:
    """Two landed days of raw_billing.charges: 10 rows, then 4 (ratio 0.4, below 0.5: warns);
    one epoch `created` 3 days after its load (future beyond the 1-day tolerance)."""
    from revops.checks.metrics import measure
    from revops.checks.suites import raw_suite

    table = get_table("billing", "charges")
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    ensure_raw_tables(con, [table])
    ensure_meta_tables(con)
    first, second = datetime(2026, 1, 1), datetime(2026, 1, 2)
    epoch_second = 1767312000  # 2026-01-02 00:00:00 UTC
    for load, n in ((first, 10), (second, 4)):
        con.execute(
            "insert into raw_billing.charges (id, amount, currency, created, _source_file, "
            "_loaded_at) select 'ch_' || range, 100, 'usd', ?, ?, ? from range(?)",
            [epoch_second - 86400, f"{load:%d}.csv", load, n],
        )
        con.execute(
            "insert into raw_meta.load_log values (?, 'x', 'raw_billing.charges', ?, ?, 0, "
            "'loaded', null, ?, ?)",
            [f"{load:%d}.csv", n, n, load, load.date()],
        )
    con.execute(
        "update raw_billing.charges set created = ? where id = 'ch_0' and _loaded_at = ?",
        [epoch_second + 3 * 86400, second],
    )
    values = measure(con, raw_suite(table)).values
    con.close()
    assert values["row_count_vs_previous_load"] == pytest.approx(0.4)
    assert values["not_future(created)"] == 1
    assert values["load_log_reconciles"] == 0
    assert values["unique_key_per_file"] == 0  # ch_0..ch_3 repeat, but in another file


# --- raw suites scoped to a run's window ------------------------------------------------------

DAY1, DAY2 = date(2026, 1, 9), date(2026, 1, 10)
# date_start, campaign_id, spend, currency, landed day, file
WINDOW_ROWS = [
    ("2026-01-08", "c1", 10, "USD", DAY1, "d1.csv"),  # fine
    ("2026-01-08", "c2", 5, "EUR", DAY1, "d1.csv"),  # fine
    ("2026-01-09", "c3", 1, "USD", DAY2, "d2.csv"),  # fine
    ("2026-01-09", "c4", -2, "GBP", DAY2, "d2.csv"),  # negative spend       (warn)
    ("2026-01-09", "c5", -1, "USD", DAY2, "d2.csv"),  # negative spend       (warn)
]


def make_two_day_table(db: Path, logged_day2: int = 3) -> None:
    table = get_table("marketing", "meta_ads_insights")
    con = duckdb.connect(str(db))
    ensure_raw_tables(con, [table])
    ensure_meta_tables(con)
    for i, (day, campaign, spend, currency, landed, file) in enumerate(WINDOW_ROWS, start=1):
        con.execute(
            "insert into raw_marketing.meta_ads_insights (date_start, campaign_id, spend, "
            "account_currency, impressions, clicks, _source_file, _source_row, _loaded_at, "
            "_landed_date) values (?, ?, ?, ?, 100, 1, ?, ?, ?, ?)",
            [day, campaign, spend, currency, file, i, datetime(2026, 1, 11, 6), landed],
        )
    for file, rows_loaded, landed in (("d1.csv", 2, DAY1), ("d2.csv", logged_day2, DAY2)):
        con.execute(
            "insert into raw_meta.load_log values (?, 'x', 'raw_marketing.meta_ads_insights', "
            "?, ?, 0, 'loaded', null, ?, ?)",
            [file, rows_loaded, rows_loaded, datetime(2026, 1, 11, 6), landed],
        )
    con.close()


def windowed_results(
    db: Path, docs: Path, window: tuple[date, date] | None
) -> dict[str, dg.AssetCheckResult]:
    from revops.assets.checks import BLOCKING_CHECK, WARNING_CHECK, check_results
    from revops.checks.suites import raw_suite

    suite = raw_suite(get_table("marketing", "meta_ads_insights"))
    key = dg.AssetKey(["raw_marketing", "meta_ads_insights"])
    selected = {dg.AssetCheckKey(key, BLOCKING_CHECK), dg.AssetCheckKey(key, WARNING_CHECK)}
    results = check_results([suite], selected, db, docs, run_name="test", window=window)
    return {r.check_name: r for r in results}


def test_raw_checks_validate_only_the_rows_landed_in_the_window(tmp_path: Path) -> None:
    db = tmp_path / "wh.duckdb"
    make_two_day_table(db)
    # the window of day 1: its two rows are fine; day 2's bad rows are not looked at
    day1 = windowed_results(db, tmp_path / "docs1", (DAY1, DAY1))
    assert day1["gx_blocking"].passed is True
    assert day1["gx_warnings"].passed is True
    assert "rows with _landed_date in 2026-01-09 .. 2026-01-09" in (
        day1["gx_warnings"].metadata["scope"].value
    )
    # the window of day 2 (and a window covering both days) sees the bad rows
    for window in ((DAY2, DAY2), (DAY1, DAY2)):
        result = windowed_results(db, tmp_path / f"docs{window[0].day}", window)
        assert result["gx_blocking"].passed is True  # the log reconciles
        warnings = result["gx_warnings"].metadata
        assert result["gx_warnings"].passed is False
        assert warnings["expectations_failed"].value == 1
        assert "`non_negative(spend)`" in warnings["failed_rules"].value
        assert warnings["unexpected_count"].value == 2  # c4, c5
    # no window (an unpartitioned run): the whole table, as before
    whole = windowed_results(db, tmp_path / "docs_all", None)
    assert whole["gx_warnings"].passed is False
    assert whole["gx_warnings"].metadata["scope"].value == "whole table"


def test_whole_table_rules_ignore_the_window(tmp_path: Path) -> None:
    """load_log_reconciles compares the whole table with the whole log: a mismatch on day 2
    (the log says 4 rows, the table holds 3) fails the day-1 run too."""
    from revops.checks.metrics import measure
    from revops.checks.suites import raw_suite

    db = tmp_path / "wh.duckdb"
    make_two_day_table(db, logged_day2=4)
    suite = raw_suite(get_table("marketing", "meta_ads_insights"))
    scopes = {r.name: suite.scope(r) for r in suite.rules}
    assert scopes["load_log_reconciles"] == scopes["columns_present"] == "whole table"
    assert scopes["row_count_vs_previous_load"] == "whole table"
    assert scopes["non_negative(spend)"] == scopes["unique_key_per_file"] == "window"
    con = duckdb.connect(str(db), read_only=True)
    day1 = measure(con, suite, (DAY1, DAY1)).values
    con.close()
    assert day1["load_log_reconciles"] == 1  # |5 rows - (2 + 4) logged|
    assert day1["non_negative(spend)"] == 0
    assert day1["columns_present"] == 0
    # landed days 2 rows then 4 logged: 4 / 2
    assert day1["row_count_vs_previous_load"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("day", "logged_day2", "warns", "blocks"),
    [(DAY1, 3, False, False), (DAY2, 3, True, False), (DAY1, 4, False, True)],
)
def test_a_partitioned_run_checks_the_rows_of_its_own_days(
    day: date,
    logged_day2: int,
    warns: bool,
    blocks: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The raw GX check inside a real Dagster run: the run of day 1 passes, the run of day 2
    (with its negative spends) warns and still lets downstream run; a load log that does not
    reconcile (whole table) fails the run of day 1 too and blocks what is downstream."""
    from revops.assets.checks import build_gx_check
    from revops.checks.suites import raw_suite
    from revops.partitions import daily_partitions

    db = tmp_path / "wh.duckdb"
    monkeypatch.setenv("REVOPS_WAREHOUSE", str(db))
    monkeypatch.setenv("REVOPS_GX_DOCS", str(tmp_path / "gx_docs"))
    make_two_day_table(db, logged_day2=logged_day2)
    key = dg.AssetKey(["raw_marketing", "meta_ads_insights"])

    @dg.asset(key=key, partitions_def=daily_partitions)
    def raw_table() -> None:
        pass  # the rows are in place already

    @dg.asset(deps=[key], partitions_def=daily_partitions)
    def downstream() -> None:
        pass

    table = get_table("marketing", "meta_ads_insights")
    check = build_gx_check("gx_test_raw", [raw_suite(table)], "raw")
    job = dg.define_asset_job("job", executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[raw_table, downstream], asset_checks=[check], jobs=[job])
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("job").execute_in_process(
            instance=instance, partition_key=day.isoformat(), raise_on_error=False
        )
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evaluations["gx_blocking"].passed is not blocks
    assert evaluations["gx_warnings"].passed is not warns
    assert f"in {day} .. {day}" in evaluations["gx_warnings"].metadata["scope"].value
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert ("downstream" in materialized) is not blocks
