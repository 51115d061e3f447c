"""Real export shapes end to end: the stock pipeline (`revops run`, in a subprocess, as a user
runs it) on landing folders assembled from the hand-written vendor fixtures of tests/fixtures/
must publish every mart, and the published numbers must be the ones worked out by hand below
from the fixture files. The loader's field-by-field mapping is tested in test_ingest_shapes.py
and test_stripe_api_shapes.py; this module checks that each shape gets through dbt, the checks
and publication, which a loader-only test cannot show.

- vendor APIs: a Salesforce Data Loader export (API names: Id, StageName, IsClosed...; a
  Campaign with its ActualCost in CurrencyIsoCode) and
  Stripe objects of the current API (2025-09-30.clover: item periods, discount source.coupon,
  a JPY customer).
- Fivetran: Salesforce and Stripe tables as Fivetran lands them (history mode, ISO timestamps,
  singular table names, `plan_id`, `_fivetran_deleted`, no CurrencyIsoCode).
- mapping: a sales-pipeline CRM export with its own column names and stages, mapped by
  `mapping.yml`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from helpers import PROJECT_DIR, publish_landing

pytestmark = pytest.mark.slow

FIXTURES = PROJECT_DIR / "tests" / "fixtures"


def run_shapes(shapes: tuple[str, ...], root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Land the fixtures of `shapes` in one folder, run the daily job over it (no --as-of-date:
    "today" comes from the data, as on a user's first run), check that every mart is published
    and no file was rejected, and yield a read-only connection to the published file."""
    landing = root / "landing"
    for shape in shapes:
        shutil.copytree(FIXTURES / shape, landing, dirs_exist_ok=True)
    for con in publish_landing(landing, root, None):
        assert con.execute("select count(*) from marts.dq_rejected_files").fetchone() == (0,)
        yield con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def opportunities(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return rows(
        con,
        "select opportunity_id, stage_category, is_closed, is_won, amount, currency_code "
        "from marts.fct_opportunities order by opportunity_id",
    )


def company_mrr(con: duckdb.DuckDBPyConnection) -> dict[date, tuple[Decimal, Decimal]]:
    """month -> (new MRR, MRR) of the company row, months with any MRR."""
    return {
        month: (new, mrr)
        for month, new, mrr in rows(
            con,
            "select month_start_date, new_mrr, mrr from marts.mart_revenue_monthly "
            "where segment = 'All' and (mrr <> 0 or new_mrr <> 0) order by 1",
        )
    }


# --- vendor APIs: Salesforce Data Loader + current Stripe API --------------------------------


@pytest.fixture(scope="module")
def vendor_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from run_shapes(
        ("salesforce_api", "stripe_api_current"), tmp_path_factory.mktemp("shapes_api")
    )


def test_salesforce_api_names_publish_their_opportunities(vendor_api):
    # salesforce_api__opportunity.csv: IsClosed/IsWon decide the status, amounts in GBP
    assert opportunities(vendor_api) == [
        ("006Dl000001", "open", False, False, Decimal("125000.5"), "GBP"),
        ("006Dl000002", "lost", True, False, Decimal("40000"), "GBP"),
    ]
    # its Loss_Reason__c and Competitor__c: closed 2024-02-15, 40000 GBP x 1.2630 (the seed's
    # GBP rate of February 2024) = 50520 USD; the open deal has no reason and is not a loss
    assert rows(
        vendor_api,
        "select month_start_date, loss_reason, competitor, lost_opportunities, lost_amount "
        "from marts.mart_loss_reasons_monthly",
    ) == [(date(2024, 2, 1), "Lost to Competitor", "Difference Co", 1, Decimal("50520"))]


def test_current_stripe_api_publishes_mrr_and_flags_the_currency_without_rate(vendor_api):
    # sub_TusAcme02: 2 seats x 2500 cents = 50.00 USD a month, coupon WELCOME10 (10 %, named in
    # the discount's source.coupon, clover's shape) -> 45.00. sub_TjpKabu01 is in JPY, which
    # the bundled FX seed has no rate for: its MRR is left out of the USD totals and listed.
    mrr = company_mrr(vendor_api)
    assert mrr[date(2025, 10, 1)][1] == Decimal("45")
    missing = rows(vendor_api, "select distinct currency_code from marts.dq_fx_rates_missing")
    assert missing == [("JPY",)]


def test_salesforce_campaign_cost_is_spread_over_its_days_in_its_currency(vendor_api):
    # salesforce_api__campaign.csv (Campaign's API names, a multi-currency org): the webinar's
    # ActualCost 1500.00 GBP over 2024-01-16..18 is 500 GBP a day, at the seed's January 2024
    # GBP rate 1.2701 -> 3 x 635.05 = 1905.15 USD of Webinar programme cost in January. The
    # newsletter has a BudgetedCost but no ActualCost: it adds no spend.
    programme = rows(
        vendor_api,
        "select month_start_date, channel, cast(programme_cost as double), cast(spend as double) "
        "from marts.mart_marketing_channel_monthly where programme_cost <> 0 and not is_total",
    )
    assert [(m, c) for m, c, _, _ in programme] == [(date(2024, 1, 1), "Webinar")]
    assert programme[0][2] == pytest.approx(1905.15, abs=1e-6)
    assert programme[0][3] == pytest.approx(1905.15, abs=1e-6)


# --- Fivetran-landed Salesforce and Stripe --------------------------------------------------


@pytest.fixture(scope="module")
def fivetran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from run_shapes(
        ("fivetran_salesforce", "fivetran_stripe"), tmp_path_factory.mktemp("shapes_fivetran")
    )


def test_fivetran_salesforce_history_keeps_the_active_version(fivetran):
    # two history-mode versions of 006Fv000001: the active one is Closed Won at 52,000; the org
    # has no CurrencyIsoCode, so the amount is in crm_default_currency (USD)
    assert opportunities(fivetran) == [
        ("006Fv000001", "won", True, True, Decimal("52000"), "USD"),
    ]


def test_fivetran_stripe_mrr_from_plan_id_iso_times_and_discount(fivetran):
    # si_Fv1: 10 x price_FvProMonthly (4900 cents, by plan_id) = 490.00 a month, trialing until
    # 2024-02-15 (no MRR in January), coupon LAUNCH20 (20 %) from 2024-01-15 to 2024-04-15:
    # 490 x 0.8 = 392.00 from February, invoiced in February.
    assert company_mrr(fivetran) == {date(2024, 2, 1): (Decimal("392"), Decimal("392"))}
    assert rows(
        fivetran,
        "select month_start_date, invoiced from marts.mart_billing_monthly where invoiced <> 0",
    ) == [(date(2024, 2, 1), Decimal("392"))]


def test_fivetran_deleted_rows_are_kept_out_and_shown(fivetran):
    # a deleted invoice (is_deleted) and a deleted user (_fivetran_deleted) have no deletion
    # flag to land in: they are not loaded as live records, and the reason is published
    assert rows(
        fivetran,
        "select source_file, column_name from marts.dq_quarantined_rows order by 1",
    ) == [
        ("billing/invoice/fivetran_stripe__invoice.csv", "is_deleted"),
        ("crm/user/fivetran_salesforce__user.csv", "_fivetran_deleted"),
    ]


# --- a CRM export mapped by mapping.yml -----------------------------------------------------


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from run_shapes(("mapping",), tmp_path_factory.mktemp("shapes_mapping"))


def test_mapped_crm_export_has_status_type_and_channel(mapped):
    # Won/Lost are mapped to Closed Won/Closed Lost; Engaging is no stage the warehouse knows
    # and the export has no flags: open, category unmapped. No type: new business, so bookings.
    assert rows(
        mapped,
        "select opportunity_id, stage_category, is_won, is_bookings, amount, first_touch_channel "
        "from marts.fct_opportunities order by 1",
    ) == [
        # 'Spring webinar series' -> Webinar by the mapping's "*webinar*" pattern
        ("D-1001", "won", True, True, Decimal("4821"), "Webinar"),
        # 'Google Ads' -> Paid Search by the mapping's "Google*"
        ("D-1002", "lost", False, True, Decimal("0"), "Paid Search"),
        # 'Trade show' -> Events by the channel seed's '%trade show%' pattern
        ("D-1003", "unmapped", False, True, None, "Events"),
        # 'WEBINAR replay' -> Webinar (patterns ignore case)
        ("D-1004", "open", False, True, None, "Webinar"),
    ]


def test_mapped_crm_export_lists_its_unknown_stage(mapped):
    assert rows(
        mapped,
        "select table_name, column_name, unmapped_value, row_count from marts.dq_unmapped_values",
    ) == [("opportunity", "stage_name", "Engaging", 1)]
