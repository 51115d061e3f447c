"""Bring your own data: the stock pipeline (`revops run`, in a subprocess, as a user runs it) on
small hand-made landing folders that hold one system only, or a history that starts in 2015,
must publish every mart, and the published numbers must match values computed by hand from the
files (tests/byod/README.md shows the arithmetic). Expected values are written here as literals
and sums of the files' amounts, never read back from the warehouse.

The cases are undated one-off exports (`opportunities.csv`, `subscriptions.json`): with no dated
file the run's window is the last complete day, and `--as-of-date` puts "today" at the data's end
(the marketing case leaves "today" to the data, as a user's first run does).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from helpers import PROJECT_DIR, count_data_rows, publish_landing

pytestmark = pytest.mark.slow

BYOD_DIR = PROJECT_DIR / "tests" / "byod"
SYSTEMS = ("crm", "marketing", "billing", "plan")

AE1, AE2, AE3 = "0058000000AE1xA", "0058000000AE2xB", "0058000000AE3xD"


def run_case(case: str, root: Path, as_of_date: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Copy the case's landing folder, run the whole daily job on it, check that every mart is
    published, and yield a read-only connection to the published file."""
    landing = root / "landing"
    shutil.copytree(BYOD_DIR / case / "landing", landing)
    yield from publish_landing(landing, root, as_of_date)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    found = rows(con, sql, params)
    assert len(found) == 1, f"expected one row, got {len(found)}: {sql} {params}"
    return found[0]


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"select count(*) from marts.{table}").fetchone()[0]


def landing_rows(case: str, system: str, table: str) -> int:
    """Data rows of a case's landing table, counted from the files (not by the loader)."""
    folder = BYOD_DIR / case / "landing" / system / table
    return sum(count_data_rows(f) for f in folder.iterdir() if f.is_file())


def stripe_children(case: str, table: str, field: str) -> int:
    """Nested Stripe children (items.data, lines.data) of a case's JSON list responses."""
    total = 0
    for f in (BYOD_DIR / case / "landing" / "billing" / table).iterdir():
        for obj in json.loads(f.read_text())["data"]:
            total += len(obj[field]["data"])
    return total


def assert_coverage(
    con: duckdb.DuckDBPyConnection, present: dict[tuple[str, str], int], case: str
) -> None:
    """marts.dq_source_coverage lists every system; the landed tables are present with their
    row counts, and every table of a system that did not land is absent with no rows."""
    found = {
        (system, source_table.rsplit(".", 1)[-1]): (is_present, row_count)
        for system, source_table, is_present, row_count in rows(
            con,
            "select system, source_table, is_present, row_count from marts.dq_source_coverage",
        )
    }
    assert {system for system, _ in found} >= set(SYSTEMS), f"{case}: {sorted(found)}"
    for key, expected_rows in present.items():
        assert found.get(key) == (True, expected_rows), f"{case}: coverage of {key}"
    present_systems = {system for system, _ in present}
    for (system, table), (is_present, row_count) in found.items():
        if system not in present_systems:
            assert not is_present and not row_count, f"{case}: {system}.{table} is absent"
        elif (system, table) not in present:
            assert not is_present, f"{case}: {system}.{table} did not land"


# --- CRM only: opportunities, accounts and users of 2016-2017 --------------------------------


@pytest.fixture(scope="module")
def crm_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from run_case("crm_only", tmp_path_factory.mktemp("byod_crm"), "2017-12-31")


def rep_month(con: duckdb.DuckDBPyConnection, rep_id: str, month: str) -> dict:
    cur = con.execute(
        "select * from marts.mart_sales_rep_monthly where rep_id = ? and month_start_date = ?",
        [rep_id, date.fromisoformat(month)],
    )
    found = cur.fetchall()
    assert len(found) == 1, f"rep {rep_id} month {month}: {len(found)} rows"
    return dict(zip([d[0] for d in cur.description], found[0], strict=True))


def test_crm_only_rep_scorecard(crm_only: duckdb.DuckDBPyConnection) -> None:
    # AE1 in March 2017: won OPP004 (Expansion 5000, 2017-01-09 -> 03-08: 58 days),
    # OPP005 (New Business 15000, 01-12 -> 03-22: 69 days), OPP006 (Renewal 9000,
    # 02-01 -> 03-30: 57 days); lost OPP007 (7000)
    m = rep_month(crm_only, AE1, "2017-03-01")
    assert m["bookings_amount"] == Decimal(5000 + 15000)
    assert m["bookings_won_count"] == 2
    assert m["avg_deal_size"] == Decimal((5000 + 15000) / 2)
    assert m["renewal_bookings_amount"] == Decimal(9000)
    assert (m["won_count"], m["lost_count"]) == (3, 1)
    assert m["won_amount"] == Decimal(5000 + 15000 + 9000)
    assert m["lost_amount"] == Decimal(7000)
    assert m["win_rate"] == pytest.approx(3 / 4)
    assert m["win_rate_amount"] == pytest.approx(29000 / (29000 + 7000))
    assert m["won_cycle_days_mean"] == pytest.approx((58 + 69 + 57) / 3)
    assert m["lost_cycle_days_mean"] == pytest.approx(37)  # OPP007: 02-06 -> 03-15
    assert (m["fiscal_year"], m["fiscal_quarter"], m["fiscal_month"]) == (2017, 1, 3)

    # AE2 in March 2017: OPP008 lost only
    m = rep_month(crm_only, AE2, "2017-03-01")
    assert (m["won_count"], m["lost_count"], m["bookings_amount"]) == (0, 1, Decimal(0))
    assert m["win_rate"] == 0.0

    # AE1 in May 2017: nothing closed; the quota-carrying rep's month is still there, with
    # zeros and a NULL win rate (0 / 0)
    m = rep_month(crm_only, AE1, "2017-05-01")
    assert (m["won_count"], m["lost_count"], m["bookings_amount"]) == (0, 0, Decimal(0))
    assert m["win_rate"] is None

    # November 2016 (before any fixed calendar start): OPP001, New Business 12000
    m = rep_month(crm_only, AE1, "2016-11-01")
    assert (m["bookings_amount"], m["won_count"]) == (Decimal(12000), 1)
    assert (m["fiscal_year"], m["fiscal_quarter"]) == (2016, 4)


def test_crm_only_every_month_is_published(crm_only: duckdb.DuckDBPyConnection) -> None:
    # the two AEs (quota-carrying by role), every month from the first opportunity's creation
    # month (OPP001, 2016-09) to the as-of month (2017-12): 16 months; the manager carries none
    got = rows(
        crm_only,
        "select rep_id, count(*), min(month_start_date), max(month_start_date), "
        "count(fiscal_year) from marts.mart_sales_rep_monthly group by 1 order by 1",
    )
    first, last = date(2016, 9, 1), date(2017, 12, 1)
    assert got == [(AE1, 16, first, last, 16), (AE2, 16, first, last, 16)]


def test_crm_only_win_rate_of_a_quarter(crm_only: duckdb.DuckDBPyConnection) -> None:
    # closed in FY2017 Q1 (Jan-Mar 2017): won OPP003, OPP004, OPP005, OPP006; lost OPP002,
    # OPP007, OPP008 -> 4 / 7
    won, lost = one(
        crm_only,
        "select sum(won_count), sum(lost_count) from marts.mart_sales_rep_monthly "
        "where fiscal_year = 2017 and fiscal_quarter = 1",
    )
    assert (won, lost) == (4, 3)
    assert won / (won + lost) == pytest.approx(4 / 7)


def test_crm_only_opportunity_facts(crm_only: duckdb.DuckDBPyConnection) -> None:
    # 14 opportunities: 8 won (OPP001, 003, 004, 005, 006, 009, 010, 014), 4 lost
    # (OPP002, 007, 008, 011), 2 open (OPP012, 013); every closed one has its fiscal period
    got = one(
        crm_only,
        "select count(*), count(*) filter (where is_won), count(*) filter (where is_lost), "
        "count(*) filter (where not is_closed), "
        "count(*) filter (where is_closed and close_fiscal_year is null) "
        "from marts.fct_opportunities",
    )
    assert got == (14, 8, 4, 2, 0)
    # all won amounts: 12000 + 20000 + 5000 + 15000 + 9000 + 6500 + 18000 + 3000
    won_amount = one(
        crm_only, "select sum(amount_reporting) from marts.fct_opportunities where is_won"
    )[0]
    assert won_amount == Decimal(12000 + 20000 + 5000 + 15000 + 9000 + 6500 + 18000 + 3000)


def test_crm_only_pipeline_created_in_a_week(crm_only: duckdb.DuckDBPyConnection) -> None:
    # week of Monday 2017-01-09: OPP004 (created 01-09, 5000) and OPP005 (01-12, 15000)
    got = one(
        crm_only,
        "select pipeline_created, opportunities_created from marts.mart_revenue_scorecard_weekly "
        "where week_start_date = date '2017-01-09'",
    )
    assert got == (Decimal(5000 + 15000), 2)


def test_crm_only_absent_systems(crm_only: duckdb.DuckDBPyConnection) -> None:
    for mart in ("fct_mrr_movements", "fct_ad_spend_daily", "fct_activities"):
        assert count(crm_only, mart) == 0, mart
    assert_coverage(
        crm_only,
        {
            ("crm", table): landing_rows("crm_only", "crm", table)
            for table in ("user", "account", "opportunity")
        },
        "crm_only",
    )


def test_crm_only_opportunity_without_type_is_new_business(
    crm_only: duckdb.DuckDBPyConnection,
) -> None:
    # METRICS.md, average deal size: "An opportunity without a type counts as new business".
    # AE2 in October 2017: OPP014 closed-won 3000 with an empty Type
    m = rep_month(crm_only, AE2, "2017-10-01")
    assert (m["bookings_amount"], m["bookings_won_count"]) == (Decimal(3000), 1)


def test_crm_only_semantic_layer_answers(crm_only: duckdb.DuckDBPyConnection) -> None:
    """`make metrics` on a CRM-only published file: MetricFlow answers from the facts with the
    numbers counted by hand above, and the billing metrics answer with no rows, not an error."""
    from revops.semantic import SemanticLayer

    published = one(
        crm_only, "select path from duckdb_databases() where database_name = current_database()"
    )[0]
    with SemanticLayer(Path(published), PROJECT_DIR / "target" / "semantic_manifest.json") as sl:
        quarters = {
            r["metric_time__fiscal_quarter"]: r
            for r in sl.query(
                ["won_count", "lost_count", "win_rate"], ["metric_time__fiscal_quarter"]
            ).as_dicts()
        }
        # FY2017 Q1: won OPP003, 004, 005, 006; lost OPP002, 007, 008
        q1 = quarters["FY2017-Q1"]
        assert (q1["won_count"], q1["lost_count"]) == (4, 3)
        assert q1["win_rate"] == pytest.approx(4 / 7)

        # AE1 in March 2017: bookings 5000 + 15000 (OPP006 is a renewal), 3 won
        march = [
            r
            for r in sl.query(
                ["bookings_amount", "won_count"], ["rep", "metric_time__month"]
            ).as_dicts()
            if r["rep"] == AE1 and r["metric_time__month"].date() == date(2017, 3, 1)
        ]
        assert [(r["bookings_amount"], r["won_count"]) for r in march] == [(5000 + 15000, 3)]

        assert sl.query(["mrr"], ["metric_time__month"]).rows == []


# --- billing only: Stripe customers, subscriptions, invoices of 2017-2020 -------------------


@pytest.fixture(scope="module")
def billing_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from run_case("billing_only", tmp_path_factory.mktemp("byod_billing"), "2020-12-31")


def test_billing_only_mrr_by_month(billing_only: duckdb.DuckDBPyConnection) -> None:
    # A: basic monthly 100 x 2 = 200 from 2017-03, pro 250 from 2018-06 (item replaced 06-10);
    # B: basic yearly 1200 / 12 = 100 from 2017-05, ended 2019-04-12; again basic 100 from
    #    2020-02 (a new subscription);
    # C: pro 250, trial to 2018-02-10 (January at 0), basic 100 from 2019-09 (replaced 09-05);
    # D: basic 100 x 3 = 300 from 2019-11, cancel_at 2021-06-30 is in the future: still active
    expected = {
        "2017-03-01": 200,
        "2017-04-01": 200,
        "2017-05-01": 200 + 100,
        "2018-01-01": 200 + 100 + 0,
        "2018-02-01": 200 + 100 + 250,
        "2018-06-01": 250 + 100 + 250,
        "2019-03-01": 250 + 100 + 250,
        "2019-04-01": 250 + 250,
        "2019-09-01": 250 + 100,
        "2019-11-01": 250 + 100 + 300,
        "2020-02-01": 250 + 100 + 300 + 100,
        "2020-12-01": 250 + 100 + 300 + 100,
    }
    got = dict(
        rows(
            billing_only,
            "select strftime(month_start_date, '%Y-%m-%d'), mrr from marts.mart_revenue_monthly "
            "where segment = 'All'",
        )
    )
    assert {m: got.get(m) for m in expected} == {m: Decimal(v) for m, v in expected.items()}
    # every month from the first billing month (2017-03) to the as-of month (2020-12): 46
    months = one(
        billing_only,
        "select count(*), min(month_start_date), max(month_start_date), count(fiscal_year) "
        "from marts.mart_revenue_monthly where segment = 'All'",
    )
    assert months == (46, date(2017, 3, 1), date(2020, 12, 1), 46)


def test_billing_only_movements(billing_only: duckdb.DuckDBPyConnection) -> None:
    got = rows(
        billing_only,
        "select customer_id, strftime(month_start_date, '%Y-%m'), movement_category, mrr_change "
        "from marts.fct_mrr_movements where movement_category != 'unchanged' order by 1, 2",
    )
    assert got == [
        ("cus_A", "2017-03", "new", Decimal(200)),
        ("cus_A", "2018-06", "expansion", Decimal(250 - 200)),
        ("cus_B", "2017-05", "new", Decimal(100)),
        ("cus_B", "2019-04", "churn", Decimal(-100)),
        ("cus_B", "2020-02", "reactivation", Decimal(100)),
        ("cus_C", "2018-02", "new", Decimal(250)),  # the trial month is at 0
        ("cus_C", "2019-09", "contraction", Decimal(100 - 250)),
        ("cus_D", "2019-11", "new", Decimal(300)),
    ]


def test_billing_only_revenue_ratios(billing_only: duckdb.DuckDBPyConnection) -> None:
    def month(m: str) -> dict:
        cur = billing_only.execute(
            "select * from marts.mart_revenue_monthly where segment = 'All' "
            "and month_start_date = ?",
            [date.fromisoformat(m)],
        )
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))

    m = month("2018-06-01")
    assert (m["starting_mrr"], m["expansion_mrr"], m["mrr"]) == (
        Decimal(550),
        Decimal(50),
        Decimal(600),
    )
    m = month("2019-04-01")  # B churns: 1 of the 3 customers active at the start
    assert (m["churn_mrr"], m["churned_customers"]) == (Decimal(100), 1)
    assert m["logo_churn_rate"] == pytest.approx(1 / 3)
    assert m["nrr"] == pytest.approx((600 - 100) / 600)
    m = month("2019-09-01")  # C contracts 250 -> 100
    assert m["contraction_mrr"] == Decimal(150)
    assert m["gross_mrr_churn_rate"] == pytest.approx(150 / 500)
    assert m["grr"] == pytest.approx((500 - 150) / 500)
    m = month("2020-02-01")
    assert (m["reactivation_mrr"], m["reactivated_customers"]) == (Decimal(100), 1)
    m = month("2020-12-01")
    assert m["arr"] == Decimal(12 * 750)
    assert m["active_customers"] == 4
    assert m["arpa"] == Decimal(750 / 4)


def test_billing_only_invoiced(billing_only: duckdb.DuckDBPyConnection) -> None:
    # December 2020 invoices: 250 + 100 + 100 + 300 (the void one, 300, is not revenue)
    got = one(
        billing_only,
        "select invoiced, invoice_count from marts.mart_billing_monthly "
        "where month_start_date = date '2020-12-01'",
    )
    assert got == (Decimal(250 + 100 + 100 + 300), 4)


def test_billing_only_absent_systems(billing_only: duckdb.DuckDBPyConnection) -> None:
    for mart in ("fct_opportunities", "mart_sales_rep_monthly", "mart_funnel_cohort_monthly"):
        assert count(billing_only, mart) == 0, mart
    present = {
        ("billing", table): landing_rows("billing_only", "billing", table)
        for table in ("customers", "products", "prices", "subscriptions", "invoices")
    }
    present["billing", "subscription_items"] = stripe_children(
        "billing_only", "subscriptions", "items"
    )
    present["billing", "invoice_line_items"] = stripe_children("billing_only", "invoices", "lines")
    assert_coverage(billing_only, present, "billing_only")


# --- marketing only: form submissions of March 2019 -----------------------------------------


@pytest.fixture(scope="module")
def marketing_only(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[duckdb.DuckDBPyConnection]:
    # no --as-of-date: a one-off export sets "today" to its latest business date, the last
    # submission's day 2019-03-31 (with the run's own day the weeks would run on to today)
    yield from run_case("marketing_only", tmp_path_factory.mktemp("byod_marketing"), None)


def seed_channels() -> set[str]:
    with (PROJECT_DIR / "seeds" / "channel_mapping.csv").open(newline="") as fh:
        return {r["channel"] for r in csv.DictReader(fh)} | {"Unknown"}


def test_marketing_only_demo_requests_weekly(marketing_only: duckdb.DuckDBPyConnection) -> None:
    # demo_request and consultation_request forms, by ISO week (Monday) and UTM channel;
    # fs-005 (2019-03-10 23:30 -05:00) is 2019-03-11 04:30 UTC: the second week
    expected = {
        ("2019-03-04", "Paid Search"): 1,  # fs-001 google/cpc
        ("2019-03-04", "Direct"): 1,  # fs-002, no UTM
        ("2019-03-04", "Paid Social"): 1,  # fs-004 linkedin/paid_social
        ("2019-03-11", "Paid Search"): 2,  # fs-005, fs-007
        ("2019-03-11", "Email"): 1,  # fs-008 newsletter/email
        ("2019-03-25", "Unknown"): 1,  # fs-011 tiktok/paid_social: no mapping rule
        ("2019-03-25", "Direct"): 1,  # fs-012
        ("2019-03-25", "Paid Search"): 1,  # fs-013
    }
    got = rows(
        marketing_only,
        "select strftime(week_start_date, '%Y-%m-%d'), channel, demo_requests, "
        "is_complete_week from marts.mart_demo_requests_weekly",
    )
    nonzero = {(w, c): n for w, c, n, _ in got if n}
    assert nonzero == expected
    # four weeks (03-18 has no demo request but is kept) x every channel, all complete
    weeks = {w for w, _, _, _ in got}
    assert weeks == {"2019-03-04", "2019-03-11", "2019-03-18", "2019-03-25"}
    assert len(got) == 4 * len(seed_channels())
    assert all(complete for _, _, _, complete in got)


def test_marketing_only_absent_systems(marketing_only: duckdb.DuckDBPyConnection) -> None:
    for mart in ("fct_opportunities", "fct_mrr_movements", "mart_sales_rep_monthly"):
        assert count(marketing_only, mart) == 0, mart
    assert_coverage(
        marketing_only,
        {
            ("marketing", "form_submissions"): landing_rows(
                "marketing_only", "marketing", "form_submissions"
            )
        },
        "marketing_only",
    )


# --- a history that starts in 2015: leads, two opportunities ---------------------------------


@pytest.fixture(scope="module")
def history_2015(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from run_case("history_2015", tmp_path_factory.mktemp("byod_2015"), "2015-12-31")


def test_history_2015_funnel_cohorts(history_2015: duckdb.DuckDBPyConnection) -> None:
    # (cohort, first-touch channel): leads, mqls, sqls, opportunities, customers,
    # fiscal year, fiscal quarter, mature (90 days after the month's end, by 2015-12-31)
    expected = [
        # LEAD01 (mql, sql, opportunity HOP001 won 2015-04-15), LEAD02 (mql)
        ("2015-01-01", "Direct", 2, 2, 1, 1, 1, 2015, 1, True),
        # LEAD03 (nothing), LEAD04 (mql, sql)
        ("2015-01-01", "Paid Search", 2, 1, 1, 0, 0, 2015, 1, True),
        # LEAD05 (nothing), LEAD07 (sql without an mql date: the mql is inferred)
        ("2015-02-01", "Direct", 2, 1, 1, 0, 0, 2015, 1, True),
        # LEAD06 (mql, sql, opportunity HOP002 lost)
        ("2015-02-01", "Events", 1, 1, 1, 1, 0, 2015, 1, True),
        # LEAD08 (nothing), LEAD09 (mql)
        ("2015-06-01", "Partner", 2, 1, 0, 0, 0, 2015, 2, True),
        # LEAD10: its mql date 2016-01-15 is after as-of; 2015-11-30 + 90 days > 2015-12-31
        ("2015-11-01", "Direct", 1, 0, 0, 0, 0, 2015, 4, False),
    ]
    got = rows(
        history_2015,
        "select strftime(cohort_month, '%Y-%m-%d'), first_touch_channel, leads, mqls, sqls, "
        "opportunities, customers, fiscal_year, fiscal_quarter, is_mature "
        "from marts.mart_funnel_cohort_monthly order by 1, 2",
    )
    assert got == expected
    rates = one(
        history_2015,
        "select lead_to_mql_rate, mql_to_sql_rate, lead_to_customer_rate "
        "from marts.mart_funnel_cohort_monthly "
        "where cohort_month = date '2015-01-01' and first_touch_channel = 'Direct'",
    )
    assert rates == pytest.approx((2 / 2, 1 / 2, 1 / 2))


def test_history_2015_rep_months(history_2015: duckdb.DuckDBPyConnection) -> None:
    m = rep_month(history_2015, AE3, "2015-04-01")  # HOP001 won, New Business 9500
    assert (m["bookings_amount"], m["won_count"], m["fiscal_year"]) == (Decimal(9500), 1, 2015)
    m = rep_month(history_2015, AE3, "2015-06-01")  # HOP002 lost
    assert (m["won_count"], m["lost_count"], m["win_rate"]) == (0, 1, 0.0)
    # every month from the first opportunity's creation (2015-02) to 2015-12
    got = one(
        history_2015,
        "select count(*), min(month_start_date), count(fiscal_year) "
        "from marts.mart_sales_rep_monthly where rep_id = ?",
        [AE3],
    )
    assert got == (11, date(2015, 2, 1), 11)


def test_history_2015_absent_systems(history_2015: duckdb.DuckDBPyConnection) -> None:
    assert_coverage(
        history_2015,
        {
            ("crm", table): landing_rows("history_2015", "crm", table)
            for table in ("user", "account", "lead", "opportunity")
        },
        "history_2015",
    )
