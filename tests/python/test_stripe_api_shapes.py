"""Stripe objects as the API returns them, in its older and current versions, load unchanged.

The fixtures under tests/fixtures/ were written by hand from Stripe's public API reference:
stripe_api_current/ in the shape of API 2025-09-30.clover (subscription periods on the items,
invoice lines with `parent` and `pricing`, `total_taxes[]`, discounts naming their coupon in
`source.coupon`, charges without `invoice`), stripe_api_2024/ in the shape of 2024-06-20 (the
same fields where they were before 2025-03-31.basil). Every expected value below is read off the
fixture files by hand (the comments say how).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.ingest import load_landing

FIXTURES = Path(__file__).parents[1] / "fixtures"
RUN_AT = datetime(2026, 1, 15, 12, 0, 0)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def load_fixture(con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / name, landing)
    return load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def assert_clean(con: duckdb.DuckDBPyConnection, report) -> None:
    assert report.rejected == []
    assert rows(con, "select count(*) from raw_meta.quarantine") == [(0,)]


# --- the current API (2025-09-30.clover) ------------------------------------------------------


def test_current_api_customers_and_prices(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(
        con,
        "select id, email, name, currency, created, delinquent, address_country, metadata "
        "from raw_billing.customers order by id",
    ) == [
        (
            "cus_TjpKabu01",
            "billing@kabu.example.jp",
            "Kabu Trading KK",
            "jpy",
            1756598400,
            False,
            "JP",
            '{"salesforce_account_id":"001JP00000Kabu"}',
        ),
        ("cus_TusAcme02", "ap@acme.example.com", "Acme Corp", "usd", 1756684000, True, "US", "{}"),
    ]
    assert rows(
        con,
        "select id, product_id, currency, unit_amount, type, recurring_interval, "
        "recurring_interval_count from raw_billing.prices order by id",
    ) == [
        # yen prices are whole yen in the API: 4900 is ¥4,900
        ("price_TjpProM", "prod_TPro", "jpy", 4900, "recurring", "month", 1),
        # the product expanded into an object stands for its id
        ("price_TusProM", "prod_TPro", "usd", 2500, "recurring", "month", 1),
    ]


def test_current_api_products_and_coupons(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(con, "select id, name, active, created from raw_billing.products") == [
        ("prod_TPro", "Pro", True, 1756597000)
    ]
    assert rows(
        con,
        "select id, percent_off, amount_off, currency, duration, duration_in_months "
        "from raw_billing.coupons order by id",
    ) == [
        ("JPLAUNCH10", Decimal("10.0000"), None, None, "forever", None),
        ("WELCOME10", Decimal("10.0000"), None, None, "repeating", 3),
        ("YEN500", None, 500, "jpy", "once", None),  # ¥500: whole yen
    ]


def test_current_api_subscription_periods_come_from_the_items(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(
        con,
        "select id, customer_id, status, currency, created, start_date, current_period_start, "
        "current_period_end, cancel_at, cancel_at_period_end, canceled_at "
        "from raw_billing.subscriptions order by id",
    ) == [
        # items.data[0].current_period_start/_end: 2025-09-01 .. 2025-10-01
        (
            "sub_TjpKabu01",
            "cus_TjpKabu01",
            "active",
            "jpy",
            1756684800,
            1756684800,
            1756684800,
            1759276800,
            None,
            False,
            None,
        ),
        # 2025-10-01 .. 2025-11-01, cancelling at its end; the customer was expanded
        (
            "sub_TusAcme02",
            "cus_TusAcme02",
            "active",
            "usd",
            1756684800,
            1756684800,
            1759276800,
            1761955200,
            1761955200,
            True,
            1759000000,
        ),
    ]
    assert rows(
        con,
        "select id, subscription_id, price_id, quantity, created "
        "from raw_billing.subscription_items order by id",
    ) == [
        ("si_TjpPro01", "sub_TjpKabu01", "price_TjpProM", 2, 1756684801),
        ("si_TusPro02", "sub_TusAcme02", "price_TusProM", 2, 1756684801),
    ]


def test_current_api_invoices_sum_their_discount_and_tax_arrays(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(
        con,
        "select id, customer_id, subscription_id, number, status, currency, created, subtotal, "
        "total_discount_amount, tax, total, amount_due, amount_paid, amount_remaining, "
        "due_date, paid_at from raw_billing.invoices order by id",
    ) == [
        # subscription from parent.subscription_details; total_discount_amounts [980],
        # total_taxes [882] (10% of 9800 - 980); 9800 - 980 + 882 = 9702 yen
        (
            "in_TjpKabu0001",
            "cus_TjpKabu01",
            "sub_TjpKabu01",
            "KABU0001-0001",
            "paid",
            "jpy",
            1756684805,
            9800,
            980,
            882,
            9702,
            9702,
            9702,
            0,
            None,
            1756688410,
        ),
        # total_discount_amounts [500, 250] -> 750; total_taxes [] -> 0; 3800 - 750 = 3050
        (
            "in_TusAcme0002",
            "cus_TusAcme02",
            "sub_TusAcme02",
            "ACME0002-0002",
            "open",
            "usd",
            1759280400,
            3800,
            750,
            0,
            3050,
            3050,
            0,
            3050,
            1762560000,
            None,
        ),
    ]


def test_current_api_invoice_lines_read_parent_and_pricing(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(
        con,
        "select id, invoice_id, subscription_id, subscription_item_id, price_id, type, "
        "proration, quantity, amount, discount_amount, currency, period_start, period_end "
        "from raw_billing.invoice_line_items order by id",
    ) == [
        # parent.subscription_item_details.*, pricing.price_details.price, discount_amounts [980]
        (
            "il_TjpPro01",
            "in_TjpKabu0001",
            "sub_TjpKabu01",
            "si_TjpPro01",
            "price_TjpProM",
            "subscription_item_details",
            False,
            2,
            9800,
            980,
            "jpy",
            1756684800,
            1759276800,
        ),
        # a proration credit: parent.invoice_item_details.*; discount_amounts [] -> 0
        (
            "il_TusCredit02",
            "in_TusAcme0002",
            "sub_TusAcme02",
            None,
            "price_TusProM",
            "invoice_item_details",
            True,
            1,
            -1200,
            0,
            "usd",
            1757635200,
            1759276800,
        ),
        # discount_amounts [500, 250] -> 750
        (
            "il_TusPro02",
            "in_TusAcme0002",
            "sub_TusAcme02",
            "si_TusPro02",
            "price_TusProM",
            "subscription_item_details",
            False,
            2,
            5000,
            750,
            "usd",
            1759276800,
            1761955200,
        ),
    ]


def test_current_api_discounts_and_charges(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(
        con,
        'select id, coupon_id, customer_id, subscription_id, start, "end" '
        "from raw_billing.discounts order by id",
    ) == [
        # source.coupon as an id, then as an expanded coupon object
        ("di_TjpLaunch", "JPLAUNCH10", "cus_TjpKabu01", "sub_TjpKabu01", 1756684800, None),
        ("di_TusWelcome", "WELCOME10", "cus_TusAcme02", "sub_TusAcme02", 1756684800, 1764547200),
    ]
    # a charge of API 2025-03-31.basil and later does not name its invoice: NULL, not lost
    assert rows(
        con,
        "select id, customer_id, invoice_id, amount, amount_refunded, currency, status, paid, "
        "refunded, created from raw_billing.charges",
    ) == [
        (
            "ch_TjpKabu0001",
            "cus_TjpKabu01",
            None,
            9702,
            0,
            "jpy",
            "succeeded",
            True,
            False,
            1756688408,
        )
    ]


def test_current_api_subscription_cancellation_details(con, tmp_path):
    """cancellation_details.reason and .feedback load (the free-text comment is not loaded); a
    subscription without a cancellation has them all null."""
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_current"))
    assert rows(
        con,
        "select id, cancellation_reason, cancellation_feedback "
        "from raw_billing.subscriptions order by id",
    ) == [
        ("sub_TjpKabu01", None, None),
        ("sub_TusAcme02", "cancellation_requested", "switched_service"),
    ]


# --- an older API version (2024-06-20) ----------------------------------------------------------


def test_older_api_subscriptions_and_items(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_2024"))
    assert rows(
        con,
        "select id, customer_id, currency, start_date, current_period_start, "
        "current_period_end from raw_billing.subscriptions",
    ) == [
        # the period on the subscription itself: 2024-06-01 .. 2024-07-01
        ("sub_OdeBerl01", "cus_OdeBerl01", "eur", 1714521600, 1717200000, 1719792000)
    ]
    assert rows(
        con, "select id, subscription_id, price_id, quantity from raw_billing.subscription_items"
    ) == [("si_OdeTeam01", "sub_OdeBerl01", "price_OdeTeamM", 1)]


def test_older_api_invoices_lines_discounts_and_charges(con, tmp_path):
    assert_clean(con, load_fixture(con, tmp_path, "stripe_api_2024"))
    assert rows(
        con,
        "select id, subscription_id, status, subtotal, total_discount_amount, tax, total, "
        "amount_paid, paid_at from raw_billing.invoices order by id",
    ) == [
        # tax 1066 (the scalar), total_discount_amounts [990]; 6600 - 990 + 1066 = 6676
        ("in_OdeBerl0001", "sub_OdeBerl01", "paid", 6600, 990, 1066, 6676, 6676, 1717207260),
        # tax null, total_tax_amounts [] -> 0; total_discount_amounts [] -> 0
        ("in_OdeBerl0002", "sub_OdeBerl01", "open", 9900, 0, 0, 9900, 0, None),
    ]
    assert rows(
        con,
        "select id, invoice_id, subscription_id, subscription_item_id, price_id, type, "
        "proration, amount, discount_amount, period_start, period_end "
        "from raw_billing.invoice_line_items order by id",
    ) == [
        (
            "il_OdeCredit01",
            "in_OdeBerl0001",
            "sub_OdeBerl01",
            "si_OdeTeam01",
            "price_OdeTeamM",
            "invoiceitem",
            True,
            -3300,
            0,
            1716249600,
            1717200000,
        ),
        (
            "il_OdeTeam01",
            "in_OdeBerl0001",
            "sub_OdeBerl01",
            "si_OdeTeam01",
            "price_OdeTeamM",
            "subscription",
            False,
            9900,
            990,
            1717200000,
            1719792000,
        ),
        # the line's subscription is null: the invoice's subscription fills it
        (
            "il_OdeTeam02",
            "in_OdeBerl0002",
            "sub_OdeBerl01",
            "si_OdeTeam01",
            "price_OdeTeamM",
            "subscription",
            False,
            9900,
            0,
            1719792000,
            1722470400,
        ),
    ]
    assert rows(con, "select id, coupon_id, start from raw_billing.discounts") == [
        ("di_OdeSpring", "SPRING10", 1717200000)  # coupon.id of the expanded coupon
    ]
    assert rows(con, "select id, invoice_id, amount, currency from raw_billing.charges") == [
        ("ch_OdeBerl0001", "in_OdeBerl0001", 6676, "eur")
    ]


# --- array sums and currency codes: the edge cases ------------------------------------------


def _write_jsonl(path: Path, objects: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(o) + "\n" for o in objects))


def test_an_array_element_without_a_whole_amount_quarantines_the_row(con, tmp_path):
    landing = tmp_path / "landing"
    base = {"customer": "cus_1", "currency": "usd", "created": 1756684805}
    _write_jsonl(
        landing / "billing" / "invoices" / "inv.jsonl",
        [
            {"id": "in_ok", **base, "total_taxes": [{"amount": 7}, {"amount": -2}]},
            {"id": "in_missing", **base, "total_taxes": [{"amount": 7}, {"taxable_amount": 9}]},
            {"id": "in_text", **base, "total_taxes": [{"amount": "7.5"}]},
        ],
    )
    report = load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)
    assert rows(con, "select id, tax from raw_billing.invoices") == [("in_ok", 5)]
    got = rows(
        con,
        "select source_row, column_name, raw_value from raw_meta.quarantine order by source_row",
    )
    # never a partial sum: the row is held back showing the array as landed
    assert [(r[0], r[1]) for r in got] == [(2, "tax"), (3, "tax")]
    assert json.loads(got[0][2]) == [{"amount": 7}, {"taxable_amount": 9}]
    assert json.loads(got[1][2]) == [{"amount": "7.5"}]
    assert any("row 2, column tax: '[" in m and "is not an integer" in m for m in report.messages)


def test_any_iso_currency_in_any_case_and_nothing_else(con, tmp_path):
    landing = tmp_path / "landing"
    base = {"amount": 500, "created": 1756684805}
    _write_jsonl(
        landing / "billing" / "charges" / "ch.jsonl",
        [
            {"id": "ch_1", **base, "currency": "JPY"},  # stored lower-case, Stripe's convention
            {"id": "ch_2", **base, "currency": "kwd"},
            {"id": "ch_3", **base, "currency": "US$"},
            {"id": "ch_4", **base, "currency": "euro"},
        ],
    )
    report = load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)
    assert rows(con, "select id, currency from raw_billing.charges order by id") == [
        ("ch_1", "jpy"),
        ("ch_2", "kwd"),
    ]
    assert rows(
        con, "select source_row, raw_value, problem from raw_meta.quarantine order by source_row"
    ) == [
        (3, "US$", "'US$' is not an ISO 4217 currency code (3 letters)"),
        (4, "euro", "'euro' is not an ISO 4217 currency code (3 letters)"),
    ]
    assert report.table("raw_billing.charges").rows_quarantined == 2


# --- invoice lines: unique ids and the invoice's subscription ---------------------------------


def test_old_api_line_ids_repeat_across_invoices_so_unique_id_wins(con, tmp_path):
    # before API 2019-12-03 a line id (sli_...) could repeat; unique_id (il_...) does not
    landing = tmp_path / "landing"
    base = {"customer": "cus_1", "currency": "usd", "created": 1556684805}
    line = {"id": "sli_1", "object": "line_item", "amount": 900, "currency": "usd"}
    _write_jsonl(
        landing / "billing" / "invoices" / "inv.jsonl",
        [
            {"id": "in_A", **base, "lines": {"data": [{**line, "unique_id": "il_A1"}]}},
            {"id": "in_B", **base, "lines": {"data": [{**line, "unique_id": "il_B1"}]}},
            # a current line has no unique_id: its id stays
            {"id": "in_C", **base, "lines": {"data": [{**line, "id": "il_C1"}]}},
        ],
    )
    report = load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)
    assert_clean(con, report)
    assert rows(con, "select id, invoice_id from raw_billing.invoice_line_items order by id") == [
        ("il_A1", "in_A"),
        ("il_B1", "in_B"),
        ("il_C1", "in_C"),
    ]


def test_basil_line_without_a_subscription_takes_the_invoices_parent_subscription(con, tmp_path):
    # from API 2025-03-31.basil the invoice names its subscription under parent
    landing = tmp_path / "landing"
    invoice = {
        "id": "in_1",
        "customer": "cus_1",
        "currency": "usd",
        "created": 1756684805,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": "sub_1"},
        },
        "lines": {
            "data": [
                {"id": "il_1", "amount": 900, "currency": "usd", "parent": None},
                {
                    "id": "il_2",
                    "amount": 100,
                    "currency": "usd",
                    "parent": {
                        "type": "invoice_item_details",
                        "invoice_item_details": {"subscription": "sub_2"},
                    },
                },
            ]
        },
    }
    _write_jsonl(landing / "billing" / "invoices" / "inv.jsonl", [invoice])
    assert_clean(con, load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT))
    assert rows(con, "select id, subscription_id from raw_billing.invoices") == [("in_1", "sub_1")]
    assert rows(
        con, "select id, subscription_id from raw_billing.invoice_line_items order by id"
    ) == [("il_1", "sub_1"), ("il_2", "sub_2")]
