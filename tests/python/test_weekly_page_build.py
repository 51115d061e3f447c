"""The weekly page's builder without a browser or a pipeline run: a hand-made published file
(the marts the page reads, with only the columns it reads), the formats of its numbers, and a
published warehouse whose marts are empty (bring-your-own-data with a system absent) still
gives a page rather than failing the daily job. The browser test is test_weekly_page.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from revops.page.build import build_page, write_plotly_js
from revops.page.data import CheckStatus, read_page_data
from revops.page.fmt import compact, pct, signed

AS_OF = date(2026, 10, 28)  # a Wednesday: the week of Mon 26 Oct is not over

MARTS = {
    "mart_revenue_scorecard_weekly": "week_start_date date, week_end_date date, "
    "is_complete_week boolean, bookings decimal(38,6), plan_bookings decimal(38,6), "
    "bookings_attainment double, pipeline_created decimal(38,6), demo_requests bigint, "
    "sqls bigint, win_rate double, opportunities_won bigint, opportunities_lost bigint, "
    "accounts_won bigint, accounts_lost bigint",
    "mart_plan_vs_actual_weekly": "week_start_date date, plan_pipeline_created decimal(38,6), "
    "plan_demo_requests double, plan_sqls double",
    "mart_revenue_monthly": "month_start_date date, month_end_date date, segment varchar, "
    "starting_mrr decimal(38,6), new_mrr decimal(38,6), reactivation_mrr decimal(38,6), "
    "expansion_mrr decimal(38,6), contraction_mrr decimal(38,6), churn_mrr decimal(38,6), "
    "mrr decimal(38,6)",
    "mart_sales_rollup_monthly": "rollup_level varchar, month_start_date date, win_rate double, "
    "win_rate_amount double, won_count bigint, lost_count bigint",
    "fct_opportunities": "close_month_start_date date, close_date date, is_won boolean, "
    "cycle_days bigint",
    "mart_forecast_monthly": "month_start_date date, fiscal_year integer, "
    "fiscal_quarter integer, closed_won_amount decimal(38,6), "
    "weighted_pipeline_amount decimal(38,6), forecast_amount decimal(38,6), "
    "commit_forecast_amount decimal(38,6), best_case_forecast_amount decimal(38,6)",
    "mart_plan_vs_actual_monthly": "month_start_date date, fiscal_year integer, "
    "fiscal_quarter integer, plan_bookings decimal(38,6)",
    "mart_sales_rep_weekly": "week_start_date date, is_peer boolean, rep_id varchar, "
    "rep_label varchar, team varchar, region varchar, bookings_amount decimal(38,6), "
    "bookings_amount_last_week decimal(38,6), "
    "bookings_amount_change_vs_last_week decimal(38,6), bookings_amount_rank bigint, "
    "pipeline_created_amount decimal(38,6), "
    "pipeline_created_amount_change_vs_last_week decimal(38,6), win_rate double, "
    "won_count bigint, lost_count bigint, sales_activities bigint, "
    "sales_activities_change_vs_last_week bigint, peer_reps bigint",
    "mart_scorecard_accounts_weekly": "week_start_date date, colour varchar, "
    "event_type varchar, event_date date, record_id varchar, account_name varchar, "
    "customer_id varchar, opportunity_type varchar, deal_amount decimal(38,6), "
    "churn_mrr decimal(38,6)",
    "dq_source_freshness": "system varchar, source_table varchar, freshness_status varchar, "
    "days_since_landed bigint, last_landed_date date, warn_after_days double, "
    "error_after_days double, as_of_date date",
    "dim_date": "date_day date, fiscal_year integer, fiscal_quarter integer, "
    "fiscal_period_label varchar",
}


def published(path: Path, fill: bool) -> Path:
    """A published file with every mart the page reads: empty but for the as-of date, or
    (fill) one week, one month and one deal of each colour."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        for name, columns in MARTS.items():
            con.execute(f"create table marts.{name} ({columns})")
        con.execute(
            "insert into marts.dq_source_freshness values "
            "('crm', 'opportunity', 'pass', 0, ?, 2, 7, ?), "
            "('billing', 'invoices', 'error', 9, ?, 2, 7, ?), "
            "('reference', 'fx_rates', 'absent', null, null, 2, 7, ?)",
            [AS_OF, AS_OF, date(2026, 10, 19), AS_OF, AS_OF],
        )
        con.execute(
            "insert into marts.dim_date values (?, 2026, 4, 'FY2026-Q4')",
            [AS_OF],
        )
        if not fill:
            return path
        con.execute(
            "insert into marts.mart_revenue_scorecard_weekly values "
            "('2026-10-26', '2026-11-01', false, 1500, 4000, 0.375, 9000, 12, 5, 0.5, 1, 1, 1, 1)"
        )
        con.execute(
            "insert into marts.mart_plan_vs_actual_weekly values ('2026-10-26', 10000, 20, 6)"
        )
        con.execute(
            "insert into marts.mart_revenue_monthly values ('2026-10-01', '2026-10-31', 'All', "
            "1000, 200, 0, 50, 30, 20, 1200)"
        )
        con.execute(
            "insert into marts.mart_scorecard_accounts_weekly values "
            "('2026-10-26', 'green', 'deal_won', '2026-10-27', 'o1', 'Acme Inc', null, "
            "'New Business', 1500, null), "
            "('2026-10-26', 'red', 'customer_churned', '2026-10-27', 'cus_9', null, 'cus_9', "
            "null, null, 20)"
        )
        con.execute(
            "insert into marts.mart_sales_rep_weekly values ('2026-10-26', true, 'u1', "
            "'Rep 00u1', 'EMEA', 'EMEA', 1500, 0, 1500, 1, 9000, 9000, 0.5, 1, 1, 30, -4, 1)"
        )
    return path


def test_amounts_are_written_compactly_with_a_true_minus_sign() -> None:
    assert [compact(v) for v in (0, 7.5, 950, 1234, 12_345, 999_499, 1_234_567)] == [
        "0",
        "7.5",
        "950",
        "1.23k",
        "12.3k",
        "999.5k",
        "1.23M",
    ]
    assert compact(-933) == "\u2212933" and compact(None) == "\u2013"
    assert signed(1500) == "+1.50k" and signed(-20) == "\u221220" and signed(0) == "0"
    assert pct(0.375) == "38%" and pct(None) == "\u2013"


def test_page_shows_the_marts_of_the_as_of_week(tmp_path: Path) -> None:
    data = read_page_data(published(tmp_path / "p.duckdb", fill=True))
    assert (data.as_of_date, data.week_start, data.week_end) == (
        AS_OF,
        date(2026, 10, 26),
        date(2026, 11, 1),
    )
    assert not data.is_complete_week
    index = build_page(
        tmp_path / "p.duckdb", tmp_path / "site", CheckStatus(10, ["a: e1"], ["b: w1", "c: w2"])
    )
    html = index.read_text()
    assert 'id="kpi-bookings" data-actual="1500" data-target="4000"' in html
    assert 'id="kpi-pipeline" data-actual="9000" data-target="10000"' in html
    assert 'data-movement="churn_mrr" data-value="20"' in html
    assert (
        'data-colour="green" data-event="deal_won" data-record="o1" data-account="Acme Inc"' in html
    )
    assert 'data-account="Billing customer cus_9 (no CRM account)" data-amount="20"' in html
    assert 'data-rep="Rep 00u1" data-rank="1" data-bookings="1500"' in html
    assert 'id="freshness" data-tables="3" data-late="2"' in html
    assert 'data-evaluated="10" data-failed="3" data-errors="1" data-warnings="2"' in html
    assert 'class="banner error"' in html  # an error-severity check failed, a table is late
    assert "week to date as of Wed 28 Oct 2026" in html
    # a week not over yet: 1,500 of a 4,000 week plan is "week to date", neither good nor bad
    assert '<div class="tile " id="kpi-bookings"' in html
    assert "Bookings (week to date)" in html and "<b>38%</b> of the week" in html
    assert '<script src="plotly.min.js"></script>' in html and "cdn" not in html.lower()


def test_empty_marts_give_a_page_not_an_error(tmp_path: Path) -> None:
    index = build_page(published(tmp_path / "p.duckdb", fill=False), tmp_path / "site")
    html = index.read_text()
    assert "No account won this week." in html and "No revenue this month." in html
    assert "No quota-carrying rep active this week." in html
    assert "no check results" in html


def test_no_published_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no published warehouse at"):
        build_page(tmp_path / "missing.duckdb", tmp_path / "site")


def test_plotly_js_is_written_once(tmp_path: Path) -> None:
    assert write_plotly_js(tmp_path) is True
    assert write_plotly_js(tmp_path) is False
    (tmp_path / "plotly.min.js").write_text("stale")
    assert write_plotly_js(tmp_path) is True


def test_revops_run_ends_with_the_page_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from revops.runner import page_line

    monkeypatch.setenv("REVOPS_PAGE", str(tmp_path / "site"))
    index = tmp_path / "site" / "index.html"
    assert page_line().startswith("Weekly page: not built yet")
    index.parent.mkdir()
    index.write_text("<!doctype html>")
    assert page_line() == f"Weekly page: {index}   (opens from disk; or: make page)"
