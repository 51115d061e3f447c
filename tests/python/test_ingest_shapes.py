"""Real export shapes through the real loader: Fivetran-landed Stripe and Salesforce tables,
a Salesforce Data Loader export (API names), and a CRM export mapped by the user's mapping
file. The fixtures under tests/fixtures/ are written by hand from the vendors' public docs
(Fivetran's Stripe and Salesforce schemas, the Salesforce object reference); every expected
value below is read off those files by hand (epochs: the UTC time in unix seconds)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.ingest import load_landing

FIXTURES = Path(__file__).parents[1] / "fixtures"
RUN_AT = datetime(2024, 3, 5, 6, 0, 0)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def landed(tmp_path: Path, shape: str) -> Path:
    target = tmp_path / "landing"
    shutil.copytree(FIXTURES / shape, target)
    return target


def one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    got = con.execute(sql).fetchall()
    assert len(got) == 1, got
    return got[0]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- Fivetran's Stripe tables -----------------------------------------------------------------


def test_fivetran_stripe_tables_load_by_their_singular_names(con, tmp_path):
    report = load_landing(con, landed(tmp_path, "fivetran_stripe"), loaded_at=RUN_AT)
    assert report.ok, report.messages
    assert not report.unknown
    # every file loads every row: ISO timestamps are epochs now
    for table, rows in {
        "customers": 2,
        "products": 1,
        "prices": 1,
        "coupons": 1,
        "discounts": 1,
        "subscriptions": 1,  # the active version of subscription_history only
        "subscription_items": 1,
        "invoices": 1,  # and the deleted draft, quarantined (below)
        "invoice_line_items": 2,
        "charges": 1,
        "refunds": 1,
    }.items():
        got = report.table(f"raw_billing.{table}")
        bad = 1 if table == "invoices" else 0
        assert (got.files_loaded, got.rows_loaded, got.rows_quarantined) == (1, rows, bad), table
    # invoices have no deletion flag: Fivetran's is_deleted = TRUE keeps the row out of raw
    assert con.execute(
        'select "table", source_row, column_name, raw_value, problem from raw_meta.quarantine'
    ).fetchall() == [
        (
            "raw_billing.invoices",
            2,
            "is_deleted",
            "TRUE",
            "deleted in the source (is_deleted = true) and raw_billing.invoices has no deletion "
            "flag: not loaded as a live record",
        )
    ]


def test_fivetran_stripe_values_field_by_field(con, tmp_path):
    load_landing(con, landed(tmp_path, "fivetran_stripe"), loaded_at=RUN_AT)
    # customer.csv: created 2024-01-15 10:30:00 UTC = 1705314600; is_deleted -> deleted
    assert one(
        con,
        "select id, created, currency, delinquent, address_country, deleted, "
        "json_extract_string(metadata, '$.salesforce_account_id') "
        "from raw_billing.customers where id = 'cus_Fv1AcmeCorp'",
    ) == ("cus_Fv1AcmeCorp", 1705314600, "usd", False, "US", False, "001Fv000001")
    # 2024-02-01 09:00:00.000000 = 1706778000; is_deleted TRUE is the deletion flag
    assert one(
        con, "select created, deleted from raw_billing.customers where id = 'cus_Fv2Globex'"
    ) == (1706778000, True)
    # price: created 2023-12-01 00:00:00 = 1701388800
    assert one(
        con,
        "select product_id, currency, unit_amount, type, recurring_interval, "
        "recurring_interval_count, active, created from raw_billing.prices",
    ) == ("prod_FvPro", "usd", 4900, "recurring", "month", 1, True, 1701388800)
    assert one(con, "select id, name, active, created from raw_billing.products") == (
        "prod_FvPro",
        "Pro",
        True,
        1701388800,
    )
    # coupon: created 2024-01-01 00:00:00 = 1704067200
    assert one(
        con, "select percent_off, duration, duration_in_months, created from raw_billing.coupons"
    ) == (Decimal("20"), "repeating", 3, 1704067200)
    # discount: start 2024-01-15 10:30 = 1705314600, end 2024-04-15 10:30 = 1713177000
    assert one(
        con,
        'select coupon_id, customer_id, subscription_id, start, "end" from raw_billing.discounts',
    ) == ("LAUNCH20", "cus_Fv1AcmeCorp", "sub_Fv1", 1705314600, 1713177000)
    # subscription_history: the active version (status active, period from 2024-02-15 10:30)
    assert one(
        con,
        "select id, customer_id, status, created, start_date, current_period_start, "
        "current_period_end, trial_end, _source_row from raw_billing.subscriptions",
    ) == (
        "sub_Fv1",
        "cus_Fv1AcmeCorp",
        "active",
        1705314600,
        1705314600,
        1707993000,
        1710498600,
        1707993000,
        2,
    )
    # subscription_item: plan_id is the price
    assert one(
        con,
        "select id, subscription_id, price_id, quantity, created "
        "from raw_billing.subscription_items",
    ) == ("si_Fv1", "sub_Fv1", "price_FvProMonthly", 10, 1705314600)
    # invoice: `date` (2024-02-15 10:30:00 = 1707993000) is its created time; paid at 11:30
    assert one(
        con,
        "select id, customer_id, subscription_id, number, status, currency, created, "
        "period_start, period_end, subtotal, tax, total, amount_paid, paid_at "
        "from raw_billing.invoices",
    ) == (
        "in_Fv1",
        "cus_Fv1AcmeCorp",
        "sub_Fv1",
        "8311D827-0001",
        "paid",
        "usd",
        1707993000,
        1707993000,
        1710498600,
        49000,
        0,
        39200,
        39200,
        1707996600,
    )
    # lines: il_Fv1 has only plan_id; il_Fv2 has both, price_id wins
    got = con.execute(
        "select id, invoice_id, subscription_item_id, price_id, type, proration, quantity, "
        "amount, period_start, period_end from raw_billing.invoice_line_items order by id"
    ).fetchall()
    assert got == [
        (
            "il_Fv1",
            "in_Fv1",
            "si_Fv1",
            "price_FvProMonthly",
            "subscription",
            False,
            10,
            49000,
            1707993000,
            1710498600,
        ),
        (
            "il_Fv2",
            "in_Fv1",
            "si_Fv1",
            "price_FvProMonthly",
            "subscription",
            True,
            1,
            -4900,
            1708387200,
            1710498600,
        ),
    ]
    # charge created 2024-02-15 11:30:00 = 1707996600; refund 2024-02-20 12:00:00 = 1708430400
    assert one(
        con,
        "select customer_id, invoice_id, amount, amount_refunded, paid, refunded, status, "
        "created from raw_billing.charges",
    ) == ("cus_Fv1AcmeCorp", "in_Fv1", 39200, 4900, True, False, "succeeded", 1707996600)
    assert one(
        con, "select charge_id, amount, currency, reason, created from raw_billing.refunds"
    ) == ("ch_Fv1", 4900, "usd", "requested_by_customer", 1708430400)


def test_fivetran_history_mode_note_counts_the_past_versions(con, tmp_path):
    report = load_landing(con, landed(tmp_path, "fivetran_stripe"), loaded_at=RUN_AT)
    notes = [m for m in report.messages if "subscription_history" in m]
    assert any("1 past version(s) (_fivetran_active = false" in m for m in notes), notes
    assert any("empty values filled from: plan_id -> price_id" in m for m in report.messages)


def test_an_iso_sentinel_far_ahead_is_quarantined_not_loaded(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "billing" / "subscription" / "s.csv",
        "id,customer_id,created,start_date,current_period_end\n"
        "sub_1,cus_1,2024-01-15T10:30:00Z,2024-01-15 11:30:00+01:00,9999-12-31 23:59:59\n"
        "sub_2,cus_1,1705314600000,2024-01-15,not a time\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    problems = con.execute(
        "select source_row, column_name, problem from raw_meta.quarantine order by source_row"
    ).fetchall()
    assert problems == [
        (
            1,
            "current_period_end",
            "'9999-12-31 23:59:59' is not a plausible time: it falls outside "
            "1990-01-01 .. 2100-01-01",
        ),
        (
            2,
            "current_period_end",
            "'not a time' is not an epoch (integer unix seconds or milliseconds) or an ISO "
            "8601 timestamp",
        ),
    ]
    assert report.table("raw_billing.subscriptions").rows_quarantined == 2


def test_iso_epochs_with_offsets_and_milliseconds_agree(con, tmp_path):
    landing = tmp_path / "landing"
    # the same instant 2024-01-15 10:30:00 UTC four ways
    write(
        landing / "billing" / "subscriptions" / "s.csv",
        "id,customer_id,created,start_date,current_period_start,current_period_end\n"
        "sub_1,cus_1,2024-01-15T10:30:00Z,2024-01-15 11:30:00+01:00,1705314600000,1705314600\n",
    )
    load_landing(con, landing, loaded_at=RUN_AT)
    assert one(
        con,
        "select created, start_date, current_period_start, current_period_end "
        "from raw_billing.subscriptions",
    ) == (1705314600, 1705314600, 1705314600, 1705314600)


def test_fivetran_invoice_line_unique_id_wins_over_id(con, tmp_path):
    # before API 2019-12-03 a line id (sli_...) could repeat across invoices; Fivetran lands
    # the unique one in unique_id
    landing = tmp_path / "landing"
    write(
        landing / "billing" / "invoice_line_item" / "l.csv",
        "id,unique_id,invoice_id,amount,currency\n"
        "sli_1,il_A1,in_A,900,usd\n"
        "sli_1,il_B1,in_B,900,usd\n"
        "il_C1,,in_C,100,usd\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert report.ok, report.messages
    assert con.execute(
        "select id, invoice_id from raw_billing.invoice_line_items order by id"
    ).fetchall() == [("il_A1", "in_A"), ("il_B1", "in_B"), ("il_C1", "in_C")]
    assert any("values taken first from: unique_id -> id" in m for m in report.messages)
    assert not any("extra column" in m and "unique_id" in m for m in report.messages)


def test_invoice_line_unique_id_wins_in_parquet_too(con, tmp_path):
    folder = tmp_path / "landing" / "billing" / "invoice_line_items"
    folder.mkdir(parents=True)
    con.execute(
        "copy (select * from (values ('sli_1', 'il_A1', 'in_A', 900, 'usd'), "
        "('sli_1', 'il_B1', 'in_B', 900, 'usd')) t(id, unique_id, invoice_id, amount, currency)) "
        f"to '{folder / 'l.parquet'}' (format parquet)"
    )
    load_landing(con, tmp_path / "landing", loaded_at=RUN_AT)
    assert con.execute(
        "select id, invoice_id from raw_billing.invoice_line_items order by id"
    ).fetchall() == [("il_A1", "in_A"), ("il_B1", "in_B")]


# --- Fivetran's Salesforce tables -------------------------------------------------------------


def test_fivetran_salesforce_deleted_and_history_mode(con, tmp_path):
    report = load_landing(con, landed(tmp_path, "fivetran_salesforce"), loaded_at=RUN_AT)
    assert report.table("raw_crm.account").rows_loaded == 2
    # _fivetran_deleted = true sets is_deleted; false keeps the record's own flag
    got = con.execute("select id, name, is_deleted from raw_crm.account order by id").fetchall()
    assert got == [("001Fv000001", "Acme Corp", False), ("001Fv000002", "Initech GmbH", True)]
    # user has no deletion flag: the deleted user is quarantined, never loaded as live
    assert con.execute("select id from raw_crm.user").fetchall() == [("005Fv000001",)]
    assert one(
        con,
        "select source_row, column_name, raw_value, problem from raw_meta.quarantine "
        "where \"table\" = 'raw_crm.user'",
    ) == (
        2,
        "_fivetran_deleted",
        "true",
        "deleted in the source (_fivetran_deleted = true) and raw_crm.user has no deletion "
        "flag: not loaded as a live record",
    )
    # history mode: both versions load (versions are ordered by system_modstamp)
    got = con.execute(
        "select stage_name, amount, is_closed, is_won, close_date, system_modstamp, type "
        "from raw_crm.opportunity order by system_modstamp"
    ).fetchall()
    assert got == [
        (
            "Prospecting",
            Decimal("48000"),
            False,
            False,
            date(2024, 3, 31),
            datetime(2024, 1, 5, 9, 0),
            "Expansion",
        ),
        (
            "Closed Won",
            Decimal("52000"),
            True,
            True,
            date(2024, 2, 1),
            datetime(2024, 2, 1, 12, 0),
            "Expansion",
        ),
    ]
    extra = [
        m
        for m in report.messages
        if "fivetran_salesforce__account.csv: extra column(s) ignored" in m
    ]
    assert extra and "_fivetran_synced" in extra[0] and "description__c" in extra[0]


def test_history_mode_key_without_an_active_version_is_deleted(con, tmp_path):
    # 006X2 was deleted in the source: Fivetran history mode keeps its versions, none active
    landing = tmp_path / "landing"
    write(
        landing / "crm" / "opportunity" / "o.csv",
        "_fivetran_active,id,stage_name,amount,is_deleted,created_date,system_modstamp\n"
        "false,006X1,Prospecting,10000,false,2024-01-01 09:00:00,2024-01-01 09:00:00\n"
        "true,006X1,Closed Won,12000,false,2024-01-01 09:00:00,2024-01-20 09:00:00\n"
        "false,006X2,Prospecting,48000,false,2024-01-02 09:00:00,2024-01-02 09:00:00\n"
        "false,006X2,Closed Won,52000,false,2024-01-02 09:00:00,2024-02-01 12:00:00\n",
    )
    load_landing(con, landing, loaded_at=RUN_AT)
    got = con.execute(
        "select id, stage_name, is_deleted from raw_crm.opportunity order by id, system_modstamp"
    ).fetchall()
    assert got == [
        ("006X1", "Prospecting", False),
        ("006X1", "Closed Won", False),
        ("006X2", "Prospecting", True),
        ("006X2", "Closed Won", True),
    ]


def test_history_mode_deleted_key_without_a_deletion_flag_is_quarantined(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "crm" / "user" / "u.csv",
        "_fivetran_active,id,name,created_date,system_modstamp\n"
        "true,005X1,Dana,2023-06-01 09:00:00,2024-02-01 12:00:00\n"
        "false,005X2,Fox,2023-06-02 09:00:00,2024-02-10 12:00:00\n",
    )
    # billing keeps only the active version; sub_2 has none: it must not load as live
    write(
        landing / "billing" / "subscription_history" / "s.csv",
        "id,_fivetran_active,customer_id,status,created,start_date\n"
        "sub_1,false,cus_1,trialing,1705314600,1705314600\n"
        "sub_1,true,cus_1,active,1705314600,1705314600\n"
        "sub_2,false,cus_2,active,1705314600,1705314600\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert con.execute("select id from raw_crm.user").fetchall() == [("005X1",)]
    assert con.execute("select id, status from raw_billing.subscriptions").fetchall() == [
        ("sub_1", "active")
    ]
    assert report.table("raw_billing.subscriptions").rows_quarantined == 1
    # only sub_1's trialing version is a past version left out
    assert any("1 past version(s) (_fivetran_active = false" in m for m in report.messages)
    got = con.execute(
        'select "table", source_row, column_name, raw_value, problem from raw_meta.quarantine '
        'order by "table"'
    ).fetchall()
    assert got == [
        (
            "raw_billing.subscriptions",
            3,
            "_fivetran_active",
            "false",
            "deleted in the source (no version of its key has _fivetran_active = true) and "
            "raw_billing.subscriptions has no deletion flag: not loaded as a live record",
        ),
        (
            "raw_crm.user",
            2,
            "_fivetran_active",
            "false",
            "deleted in the source (no version of its key has _fivetran_active = true) and "
            "raw_crm.user has no deletion flag: not loaded as a live record",
        ),
    ]


# --- Salesforce API names (Data Loader) --------------------------------------------------------


def test_data_loader_export_loads_without_renaming(con, tmp_path):
    report = load_landing(con, landed(tmp_path, "salesforce_api"), loaded_at=RUN_AT)
    assert report.ok, report.messages
    got = con.execute(
        "select id, account_id, owner_id, name, stage_name, amount, close_date, type, is_closed, "
        "is_won, lead_source, forecast_category_name, probability, created_date, "
        "system_modstamp, currency_iso_code, first_engagement_date_c "
        "from raw_crm.opportunity order by id"
    ).fetchall()
    assert got == [
        (
            "006Dl000001",
            "001Dl000001",
            "005Dl000002",
            "Babbage - Analytical Engine",
            "Negotiation/Review",
            Decimal("125000.5"),
            date(2024, 4, 30),
            "New Business",
            False,
            False,
            "Partner",
            "Commit",
            Decimal("80"),
            datetime(2024, 1, 10, 14, 0),
            datetime(2024, 3, 1, 16, 45, 12),
            "GBP",
            date(2024, 1, 8),
        ),
        (
            "006Dl000002",
            "001Dl000001",
            "005Dl000002",
            "Babbage - Difference Engine",
            "Closed Lost",
            Decimal("40000"),
            date(2024, 2, 15),
            "Expansion",
            True,
            False,
            "Web",
            "Omitted",
            Decimal("0"),
            datetime(2023, 12, 1, 9, 0),
            datetime(2024, 2, 15, 17, 0),
            "GBP",
            None,
        ),
    ]
    # UserRole.Name -> user_role_name, Team__c -> team_c; +0100 is stored as UTC
    got = con.execute(
        "select id, manager_id, user_role_name, team_c, region_c, is_active, system_modstamp "
        "from raw_crm.user order by id"
    ).fetchall()
    assert got == [
        (
            "005Dl000001",
            None,
            "Sales Manager",
            "Enterprise",
            "EMEA",
            True,
            datetime(2024, 1, 2, 9, 30),
        ),
        (
            "005Dl000002",
            "005Dl000001",
            "AE",
            "Enterprise",
            "EMEA",
            True,
            datetime(2024, 1, 3, 8, 30),
        ),
    ]
    assert one(
        con,
        "select name, industry, number_of_employees, website, billing_country, type, owner_id, "
        "is_deleted from raw_crm.account",
    ) == (
        "Babbage Engines Ltd",
        "Manufacturing",
        120,
        "https://babbage.example",
        "United Kingdom",
        "Customer",
        "005Dl000002",
        False,
    )
    # Custom__c is not a contract column: reported, by its normalised name
    assert any("extra column(s) ignored: custom__c" in m for m in report.messages)
    # the custom loss fields by their API names: Loss_Reason__c -> loss_reason_c; "" is NULL
    got = con.execute("select id, loss_reason_c, competitor_c from raw_crm.opportunity order by id")
    assert got.fetchall() == [
        ("006Dl000001", None, None),
        ("006Dl000002", "Lost to Competitor", "Difference Co"),
    ]


def test_api_names_in_parquet_load_too(con, tmp_path):
    path = tmp_path / "landing" / "crm" / "opportunity" / "o.parquet"
    path.parent.mkdir(parents=True)
    con.execute(
        'copy (select \'006X1\' as "Id", \'Closed Won\' as "StageName", true as "IsWon", '
        "timestamp '2024-01-02 03:04:05' as \"CreatedDate\", "
        "timestamp '2024-01-03 00:00:00' as \"SystemModstamp\") "
        f"to '{path}' (format parquet)"
    )
    report = load_landing(con, tmp_path / "landing", loaded_at=RUN_AT)
    assert report.ok, report.messages
    assert one(con, "select id, stage_name, is_won, created_date from raw_crm.opportunity") == (
        "006X1",
        "Closed Won",
        True,
        datetime(2024, 1, 2, 3, 4, 5),
    )


def test_two_columns_for_one_contract_column_reject_the_file_naming_both(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "crm" / "opportunity" / "o.csv",
        "Id,AccountId,account_id,StageName,CreatedDate,SystemModstamp\n"
        "006X1,001A,001B,Prospecting,2024-01-01,2024-01-01\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert len(report.rejected) == 1
    error = report.rejected[0].error
    assert "columns 'AccountId' (its API name (account_id)) and 'account_id' (its name)" in error
    assert "both feed column account_id of crm.opportunity" in error
    assert con.execute("select count(*) from raw_crm.opportunity").fetchone()[0] == 0


# --- The user's mapping file -------------------------------------------------------------------


def test_mapping_file_maps_columns_and_values(con, tmp_path):
    report = load_landing(con, landed(tmp_path, "mapping"), loaded_at=RUN_AT)
    assert report.ok, report.messages
    got = con.execute(
        "select id, name, account_id, owner_id, stage_name, amount, currency_iso_code, "
        "first_engagement_date_c, close_date, lead_source, created_date, system_modstamp, type "
        "from raw_crm.opportunity order by id"
    ).fetchall()
    assert got == [
        (
            "D-1001",
            "Acme - GTX Pro",
            "A-01",
            "U-07",
            "Closed Won",  # Won
            Decimal("4821"),
            "USD",
            date(2024, 1, 8),
            date(2024, 2, 20),
            "Webinar",  # Spring webinar series: *webinar*
            datetime(2024, 1, 5, 9, 12),
            datetime(2024, 2, 20, 16, 0),
            None,
        ),
        (
            "D-1002",
            "Globex - MG Special",
            "A-02",
            "U-07",
            "Closed Lost",  # Lost
            Decimal("0"),
            "USD",
            date(2024, 1, 15),
            date(2024, 3, 1),
            "Paid Search",  # Google Ads: Google*
            datetime(2024, 1, 10, 11, 0),
            datetime(2024, 3, 1, 10, 30),
            None,
        ),
        (
            "D-1003",
            "Initech - GTX Basic",
            "A-03",
            "U-09",
            "Engaging",  # no rule: kept as it is
            None,
            "USD",
            date(2024, 2, 1),
            None,
            "Trade show",  # no rule
            datetime(2024, 1, 29, 15, 45),
            datetime(2024, 2, 1, 8, 0),
            None,
        ),
        (
            "D-1004",
            "Umbrella - GTX Pro",
            "A-04",
            "U-09",
            "Prospecting",
            None,
            "USD",
            None,
            None,
            "Webinar",  # WEBINAR replay: patterns ignore case
            datetime(2024, 2, 12, 13, 0),
            datetime(2024, 2, 12, 13, 0),
            None,
        ),
    ]
    notes = [m for m in report.messages if "mapping__deals.csv" in m]
    assert any("loaded with the mapping file's entry crm.opportunity" in m for m in notes)
    assert any("Deal Stage -> stage_name" in m for m in notes)
    assert any("values of stage_name mapped by the mapping file in 2 row(s)" in m for m in notes)
    assert any("values of lead_source mapped by the mapping file in 3 row(s)" in m for m in notes)
    assert any("extra column(s) ignored: product" in m for m in notes)


def test_mapped_values_are_checked_as_contract_values(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "mapping.yml",
        "crm.opportunity:\n  values:\n    is_won:\n      'Yes': 'true'\n      'No': 'false'\n"
        "    currency_iso_code:\n      Dollar: USD\n      Yen: JP$\n",
    )
    write(
        landing / "crm" / "opportunity" / "o.csv",
        "id,stage_name,is_won,currency_iso_code,created_date,system_modstamp\n"
        "o1,Won,Yes,Dollar,2024-01-01,2024-01-01\n"
        "o2,Won,No,Yen,2024-01-01,2024-01-01\n",
    )
    load_landing(con, landing, loaded_at=RUN_AT)
    assert con.execute(
        "select id, is_won, currency_iso_code from raw_crm.opportunity"
    ).fetchall() == [("o1", True, "USD")]
    # JP$ is the mapped value, checked against the contract's currency rule (3 letters)
    assert one(con, "select source_row, column_name, raw_value from raw_meta.quarantine") == (
        2,
        "currency_iso_code",
        "JP$",
    )


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (
            "crm.opportunity:\n  columns:\n    Deal Stage: stage\n",
            "mapping.yml: crm.opportunity.columns.'Deal Stage': 'stage' is not a column of "
            "crm.opportunity",
        ),
        (
            "crm.opportunity:\n  columns:\n    Stage: stage_name\n    Deal Stage: stage_name\n",
            "mapping.yml: crm.opportunity.columns.'Deal Stage': export columns 'Stage' and "
            "'Deal Stage' both map to stage_name",
        ),
        (
            "crm.opportunity:\n  values:\n    stage:\n      Won: Closed Won\n",
            "mapping.yml: crm.opportunity.values.stage: 'stage' is not a column of crm.opportunity",
        ),
        (
            "crm.opportunity:\n  colums:\n    Deal Stage: stage_name\n",
            "mapping.yml: crm.opportunity: unknown key(s) colums (expected columns, values)",
        ),
        (
            "crm.opportunity:\n  columns: [Deal Stage\n",
            "mapping.yml is not valid YAML",
        ),
    ],
)
def test_a_bad_mapping_entry_rejects_its_table_only(con, tmp_path, mapping, expected):
    landing = tmp_path / "landing"
    write(landing / "mapping.yml", mapping)
    write(
        landing / "crm" / "opportunity" / "o.csv",
        "id,stage_name,created_date,system_modstamp\no1,Won,2024-01-01,2024-01-01\n",
    )
    write(
        landing / "crm" / "account" / "a.csv",
        "id,name,created_date,system_modstamp\na1,Acme,2024-01-01,2024-01-01\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert [r.table for r in report.rejected] == ["raw_crm.opportunity"]
    error = report.rejected[0].error
    assert expected in error, error
    assert "files of crm.opportunity are not loaded until it is fixed" in error
    # the other table loads
    assert report.table("raw_crm.account").rows_loaded == 1
    assert con.execute("select count(*) from raw_crm.opportunity").fetchone()[0] == 0


def test_a_repeated_key_names_both_lines(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "mapping.yml",
        "crm.opportunity:\n  values:\n    stage_name:\n      Won: Closed Won\n"
        "      Won: Closed Lost\n",
    )
    write(
        landing / "crm" / "opportunity" / "o.csv",
        "id,stage_name,created_date,system_modstamp\no1,Won,2024-01-01,2024-01-01\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert "key 'Won' appears twice (lines 4 and 5)" in report.rejected[0].error


def test_an_entry_for_an_unknown_table_is_reported_and_the_files_load(con, tmp_path):
    landing = tmp_path / "landing"
    write(landing / "mapping.yml", "crm.deals:\n  columns:\n    Deal ID: id\n")
    write(
        landing / "crm" / "account" / "a.csv",
        "id,name,created_date,system_modstamp\na1,Acme,2024-01-01,2024-01-01\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert not report.ok
    assert report.errors[0].startswith(
        "landing/mapping.yml: 'crm.deals' is not a table of the landing contract"
    )
    assert report.errors[0] in report.messages
    assert report.table("raw_crm.account").rows_loaded == 1
    assert not report.unknown  # mapping.yml itself is not an unknown landing path


def test_a_file_rejected_before_is_tried_again_once_the_mapping_fixes_it(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "crm" / "opportunity" / "deals.csv",
        "Deal ID,Deal Stage,Created On,Last Modified\nD1,Won,2024-01-01,2024-01-02\n",
    )
    first = load_landing(con, landing, loaded_at=RUN_AT)
    assert "required column(s) id, stage_name" in first.rejected[0].error
    # unchanged content, no mapping change: still rejected, not tried again
    second = load_landing(con, landing, loaded_at=datetime(2024, 3, 5, 7, 0))
    assert second.still_rejected and not second.rejected
    write(
        landing / "mapping.yml",
        "crm.opportunity:\n  columns:\n    Deal ID: id\n    Deal Stage: stage_name\n"
        "    Created On: created_date\n    Last Modified: system_modstamp\n",
    )
    # the mapping file is newer than the last rejection: the file is tried again and loads
    third = load_landing(con, landing, loaded_at=datetime(2024, 3, 5, 8, 0))
    assert third.ok, third.messages
    assert one(con, "select id, stage_name from raw_crm.opportunity") == ("D1", "Won")
