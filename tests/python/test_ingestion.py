"""Ingestion of landing files into raw tables. Expected values are worked out by hand from the
fixture files in fixtures/ingest/landing (see the comments next to each expectation)."""

from __future__ import annotations

import gzip
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.contract import all_tables
from revops.ingest import load as load_module
from revops.ingest import load_landing
from revops.ingest.docs import DOC_PATH, render_landing_contract

FIXTURES = Path(__file__).parent / "fixtures" / "ingest" / "landing"
RUN_AT = datetime(2026, 1, 15, 12, 0, 0)


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    target = tmp_path / "landing"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


OPP_HEADER = "id,stage_name,created_date,system_modstamp\n"


# --- CSV: values, lineage, UTC --------------------------------------------------------------


def test_csv_valid_rows_load_with_lineage_and_utc(con, landing):
    load_landing(con, landing, systems=["crm"], loaded_at=RUN_AT)
    got = rows(
        con,
        "select id, name, stage_name, amount, currency_iso_code, close_date, is_won, "
        "created_date, system_modstamp, _source_file, _source_row, _loaded_at "
        "from raw_crm.opportunity order by id",
    )
    # 006A: +02:00 -> 08:00 UTC; 'Z' stays; FALSE -> false. 006D: no offset = UTC, '1' -> true,
    # empty amount/close_date -> NULL. Data rows 1 and 4 of the file (006C spans two lines).
    assert got == [
        (
            "006A",
            "Acme, expansion",
            "Prospecting",
            Decimal("1200.5000"),
            "USD",
            datetime(2025, 3, 31).date(),
            False,
            datetime(2025, 1, 1, 8, 0),
            datetime(2025, 1, 2, 0, 0),
            "crm/opportunity/opps.csv",
            1,
            RUN_AT,
        ),
        (
            "006D",
            "Delta",
            "Negotiation",
            None,
            "GBP",
            None,
            True,
            datetime(2025, 1, 7, 8, 0),
            datetime(2025, 1, 7, 0, 0),
            "crm/opportunity/opps.csv",
            4,
            RUN_AT,
        ),
    ]


def test_csv_quarantine_rows_columns_and_messages(con, landing):
    report = load_landing(con, landing, systems=["crm"], loaded_at=RUN_AT)
    got = rows(
        con,
        'select "table", source_file, source_row, column_name, problem, raw_value, '
        "quarantined_at from raw_meta.quarantine order by source_row, column_name",
    )
    f = "crm/opportunity/opps.csv"
    t = "raw_crm.opportunity"
    assert got == [
        (t, f, 2, "close_date", "'2025-13-45' is not a date (YYYY-MM-DD)", "2025-13-45", RUN_AT),
        (t, f, 2, "stage_name", "required value is empty", None, RUN_AT),
        (t, f, 3, "amount", "'abc' is not a decimal number", "abc", RUN_AT),
    ]
    # row 3's currency 'usd' is an ISO 4217 code: any case is accepted (stored upper-case)
    record = rows(con, "select record from raw_meta.quarantine where source_row = 3 limit 1")
    assert '"id":"006C"' in record[0][0] and "Gamma\\ntwo lines" in record[0][0]
    assert (
        "landing/crm/opportunity/opps.csv row 2, column close_date: '2025-13-45' is not a date"
        in " | ".join(report.messages)
    )
    assert any("extra column(s) ignored: legacy_flag" in m for m in report.messages)
    result = report.table("raw_crm.opportunity")
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)


def test_rows_in_is_loaded_plus_quarantined_for_every_file(con, landing):
    write(landing / "crm" / "opportunity" / "bad.csv", "id;stage_name\n1;x\n")
    load_landing(con, landing, loaded_at=RUN_AT)
    log = rows(con, "select file, rows_in, rows_loaded, rows_quarantined from raw_meta.load_log")
    # opps.csv 1 + subs.json 2 (parent, items) + invoices 2 (parent, lines) + quotas 1 + bad 1
    assert len(log) == 7
    assert all(r_in == ok + bad for _, r_in, ok, bad in log)
    # and the log agrees with the tables themselves
    for table in ("raw_crm.opportunity", "raw_billing.subscription_items"):
        loaded = rows(con, f"select count(*) from {table}")[0][0]
        quarantined = rows(
            con,
            "select count(distinct (source_file, source_row, record)) from raw_meta.quarantine "
            f"where \"table\" = '{table}'",
        )[0][0]
        logged = rows(
            con,
            "select sum(rows_loaded), sum(rows_quarantined) from raw_meta.load_log "
            f"where \"table\" = '{table}'",
        )[0]
        assert logged == (loaded, quarantined)


def test_loading_twice_adds_nothing(con, landing):
    first = load_landing(con, landing, loaded_at=RUN_AT)
    counts = {
        t.qualified_name: rows(con, f"select count(*) from {t.qualified_name}")[0][0]
        for t in all_tables()
    }
    second = load_landing(con, landing, loaded_at=datetime(2026, 1, 16))
    again = {
        t.qualified_name: rows(con, f"select count(*) from {t.qualified_name}")[0][0]
        for t in all_tables()
    }
    assert counts == again
    assert {f.status for f in first.files} == {"loaded"}
    assert {f.status for f in second.files} == {"skipped"}
    assert rows(con, "select count(*) from raw_meta.quarantine")[0][0] == 5  # 3 + 1 + 1
    # a changed file under the same path is new content: it loads
    write(
        landing / "plan" / "quotas.csv",
        "rep_id,month,quota_amount,currency\n005C,2025-02-01,1,USD\n",
    )
    third = load_landing(con, landing, systems=["plan"], loaded_at=datetime(2026, 1, 17))
    assert [(f.status, f.rows_loaded) for f in third.files] == [("loaded", 1)]
    assert rows(con, "select count(*) from raw_plan.quotas")[0][0] == 3


# --- rejected files --------------------------------------------------------------------------


def test_rejected_file_does_not_block_a_good_file_of_the_same_table(con, tmp_path):
    landing = tmp_path / "landing"
    write(landing / "crm" / "opportunity" / "a_truncated.csv", OPP_HEADER + '1,"Prospecting\n')
    write(
        landing / "crm" / "opportunity" / "b_good.csv",
        OPP_HEADER + "2,Prospecting,2025-01-01,2025-01-01\n",
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert [(f.file, f.status) for f in report.files] == [
        ("crm/opportunity/a_truncated.csv", "rejected"),
        ("crm/opportunity/b_good.csv", "loaded"),
    ]
    assert rows(con, "select id, _source_file from raw_crm.opportunity") == [
        ("2", "crm/opportunity/b_good.csv")
    ]
    assert not report.ok
    err = report.rejected[0].error
    assert err.startswith("landing/crm/opportunity/a_truncated.csv: unreadable CSV")
    assert "unterminated quote" in err
    log = rows(con, "select file, status, rows_in from raw_meta.load_log order by file")
    assert log == [
        ("crm/opportunity/a_truncated.csv", "rejected", 0),
        ("crm/opportunity/b_good.csv", "loaded", 1),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"id;stage_name;created_date;system_modstamp\n1;x;2025-01-01;2025-01-01\n", "';'"),
        (OPP_HEADER.encode() + "1,Négociation,2025-01-01,2025-01-01\n".encode("latin-1"), "utf-8"),
        (OPP_HEADER.encode() + b"1,x,2025-01-01\n", "Expected Number of Columns: 4 Found: 3"),
        (b"id,created_date,system_modstamp\n1,2025-01-01,2025-01-01\n", "stage_name missing"),
    ],
    ids=["empty", "semicolon", "latin-1", "short-row", "missing-required"],
)
def test_unreadable_or_incomplete_csv_is_rejected_with_a_reason(con, tmp_path, content, reason):
    landing = tmp_path / "landing"
    write(landing / "crm" / "opportunity" / "x.csv", content)
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert [f.status for f in report.files] == ["rejected"]
    assert reason.lower() in report.rejected[0].error.lower()
    assert rows(con, "select count(*) from raw_crm.opportunity")[0][0] == 0


def test_a_rejected_file_is_not_retried_until_its_content_changes(con, tmp_path):
    landing = tmp_path / "landing"
    bad = write(
        landing / "crm" / "opportunity" / "a.csv",
        "id,created_date,system_modstamp\n1,2025-01-01,2025-01-01\n",
    )
    first = load_landing(con, landing, loaded_at=RUN_AT)
    assert [f.status for f in first.files] == ["rejected"]
    error = first.rejected[0].error
    assert "stage_name missing" in error
    assert first.still_rejected == []

    second = load_landing(con, landing, loaded_at=datetime(2026, 1, 16))
    # skipped, not tried again, and still reported with the first run's reason
    assert second.rejected == []
    assert [(f.file, f.status, f.error) for f in second.still_rejected] == [
        ("crm/opportunity/a.csv", "skipped", error)
    ]
    assert error in second.messages
    assert any("still rejected (first on 2026-01-15 12:00 UTC)" in m for m in second.messages)
    log = "select status, loaded_at from raw_meta.load_log order by loaded_at"
    assert rows(con, log) == [("rejected", RUN_AT)]  # a skip writes no row

    # new content under the same path: tried again (and loaded)
    write(bad, OPP_HEADER + "1,Prospecting,2025-01-01,2025-01-01\n")
    third = load_landing(con, landing, loaded_at=datetime(2026, 1, 17))
    assert [(f.status, f.rows_loaded) for f in third.files] == [("loaded", 1)]
    assert third.still_rejected == []
    assert [r[0] for r in rows(con, log)] == ["rejected", "loaded"]


def test_same_content_under_two_names_loads_once(con, tmp_path):
    landing = tmp_path / "landing"
    body = OPP_HEADER + "1,Prospecting,2025-01-01,2025-01-01\n"
    write(landing / "crm" / "opportunity" / "export.csv", body)
    load_landing(con, landing, loaded_at=RUN_AT)
    # the same export dropped again under another name on the same day, and an empty extract
    # twice
    write(landing / "crm" / "opportunity" / "export copy.csv", body)
    write(landing / "crm" / "opportunity" / "empty_a.csv", OPP_HEADER)
    write(landing / "crm" / "opportunity" / "empty_b.csv", OPP_HEADER)
    report = load_landing(con, landing, loaded_at=RUN_AT)
    got = {f.file: (f.status, f.duplicate_of) for f in report.files}
    assert got == {
        "crm/opportunity/export copy.csv": ("skipped", "crm/opportunity/export.csv"),
        # no rows to double: an empty extract is no duplicate
        "crm/opportunity/empty_a.csv": ("loaded", None),
        "crm/opportunity/empty_b.csv": ("loaded", None),
        "crm/opportunity/export.csv": ("skipped", None),
    }
    assert rows(con, "select count(*) from raw_crm.opportunity")[0][0] == 1
    assert rows(
        con, "select status, error from raw_meta.load_log where file like '%export copy.csv'"
    ) == [
        (
            "duplicate",
            "landing/crm/opportunity/export copy.csv: same content as "
            "crm/opportunity/export.csv, which is loaded: not loaded again (its rows would be "
            "counted twice); remove one of the two files",
        )
    ]
    # a later run skips it quietly: it is done
    third = load_landing(con, landing, loaded_at=datetime(2026, 1, 17))
    assert {f.status for f in third.files} == {"skipped"}
    assert third.messages == []


def test_a_daily_snapshot_back_to_an_earlier_days_content_loads(con, tmp_path):
    """Daily full snapshots A, B, A: the third day's file has the first day's bytes, yet it is
    that day's version (the value went back) and must load, so that staging keeps it."""
    landing = tmp_path / "landing"
    folder = landing / "crm" / "opportunity"
    first = OPP_HEADER + "1,Prospecting,2025-01-01,2025-01-01\n"
    second = OPP_HEADER + "1,Qualification,2025-01-01,2025-01-01\n"
    write(folder / "2026-01-13.csv", first)
    write(folder / "2026-01-14.csv", second)
    write(folder / "2026-01-15.csv", first)
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert [(f.file, f.status) for f in report.files] == [
        ("crm/opportunity/2026-01-13.csv", "loaded"),
        ("crm/opportunity/2026-01-14.csv", "loaded"),
        ("crm/opportunity/2026-01-15.csv", "loaded"),
    ]
    latest = rows(
        con,
        "select stage_name from raw_crm.opportunity order by _landed_date desc limit 1",
    )
    assert latest == [("Prospecting",)]


def test_gzip_json_list_and_dated_gz_names(con, tmp_path):
    from revops.ingest.discover import discover

    landing = tmp_path / "landing"
    doc = (
        b'{"object": "list", "has_more": false, "data": ['
        b'{"id": "prod_1", "name": "A", "created": 1735689600000}]}'
    )
    write(landing / "billing" / "products" / "2026-10-31.json.gz", gzip.compress(doc))
    write(landing / "crm" / "opportunity" / "2026-10-30.csv.gz", gzip.compress(OPP_HEADER.encode()))
    write(
        landing / "plan" / "quotas.csv.gz", gzip.compress(b"rep_id,month,quota_amount,currency\n")
    )
    write(landing / "crm" / "opportunity" / "x.parquet.gz", b"\x1f\x8b")
    found = {f.rel_path: (f.fmt, f.file_date) for f in discover(landing).files}
    assert found == {
        "billing/products/2026-10-31.json.gz": ("json", date(2026, 10, 31)),
        "crm/opportunity/2026-10-30.csv.gz": ("csv", date(2026, 10, 30)),
        "plan/quotas.csv.gz": ("csv", None),
    }
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert {f.file: f.status for f in report.files} == dict.fromkeys(found, "loaded")
    # 1735689600000 ms is 2025-01-01 00:00:00 UTC; has_more false: no partial-export note
    assert rows(con, "select id, created from raw_billing.products") == [("prod_1", 1735689600)]
    assert not [m for m in report.messages if "partial export" in m]
    assert "crm/opportunity/x.parquet.gz: not a csv/parquet/jsonl/json file" in report.unknown


def test_a_failure_inside_the_transaction_leaves_nothing_half_loaded(con, landing, monkeypatch):
    real_log = load_module._log

    def failing_log(con_, result, loaded_at, *overrides):
        if result.status == "loaded" and result.table == "raw_billing.subscription_items":
            raise duckdb.IOException("disk full (simulated)")
        real_log(con_, result, loaded_at, *overrides)

    monkeypatch.setattr(load_module, "_log", failing_log)
    report = load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)
    statuses = {(f.file, f.table): f.status for f in report.files}
    assert statuses[("billing/subscriptions/subs.json", "raw_billing.subscriptions")] == "rejected"
    # the parent rows inserted before the failure were rolled back with the children
    assert rows(con, "select count(*) from raw_billing.subscriptions")[0][0] == 0
    assert rows(con, "select count(*) from raw_billing.subscription_items")[0][0] == 0
    assert (
        rows(con, "select count(*) from raw_meta.quarantine where source_file like 'billing/sub%'")[
            0
        ][0]
        == 0
    )
    # the other billing file loaded normally
    assert rows(con, "select count(*) from raw_billing.invoices")[0][0] == 2
    # not the file's fault: logged as failed, and the next run tries it again
    assert rows(
        con, "select distinct status from raw_meta.load_log where file like 'billing/sub%'"
    ) == [("failed",)]
    monkeypatch.setattr(load_module, "_log", real_log)
    again = load_landing(con, landing, systems=["billing"], loaded_at=datetime(2026, 1, 16))
    assert {f.status for f in again.files if f.file == "billing/subscriptions/subs.json"} == {
        "loaded"
    }
    assert again.still_rejected == []


# --- Parquet, JSON, Stripe nesting ------------------------------------------------------------


def test_parquet_with_native_types(con, tmp_path):
    landing = tmp_path / "landing"
    path = landing / "crm" / "opportunity" / "opps.parquet"
    path.parent.mkdir(parents=True)
    duckdb.execute(
        "copy (select * from (values "
        "('p1', 'Closed Won', 10.25::decimal(18,4), true, "
        " timestamptz '2025-06-01 23:30:00-04:00', date '2025-06-02', 'USD'), "
        "('p2', 'Qualification', 3::decimal(18,4), false, "
        " timestamptz '2025-06-01 00:00:00+00:00', date '2025-06-03', 'SFr.')) "
        "t(ID, stage_name, amount, is_won, created_date, close_date, currency_iso_code)) "
        f"to '{path}' (format parquet)"
    )
    # system_modstamp is required: a parquet without it is rejected, then a full one loads
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert "system_modstamp missing from the Parquet schema" in report.rejected[0].error
    path.unlink()
    duckdb.execute(
        "copy (select 'p1' as id, 'Closed Won' as stage_name, true as is_won, "
        "timestamptz '2025-06-01 23:30:00-04:00' as created_date, "
        "timestamp '2025-06-02 10:00:00' as system_modstamp, 'SFr.' as currency_iso_code "
        "union all select 'p2', 'Qualification', false, timestamptz '2025-06-01 00:00:00+00', "
        f"timestamp '2025-06-02 11:00:00', 'EUR') to '{path.with_name('v2.parquet')}' "
        "(format parquet)"
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert rows(
        con, "select id, is_won, created_date, _source_row, _source_file from raw_crm.opportunity"
    ) == [("p2", False, datetime(2025, 6, 1, 0, 0), 2, "crm/opportunity/v2.parquet")]
    assert rows(con, "select source_row, column_name, raw_value from raw_meta.quarantine") == [
        (1, "currency_iso_code", "SFr.")
    ]


def test_stripe_json_list_unnests_subscription_items(con, landing):
    load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)
    subs = rows(
        con,
        "select id, customer_id, status, created, cancel_at_period_end, metadata, _source_row "
        "from raw_billing.subscriptions order by id",
    )
    assert subs == [
        ("sub_1", "cus_1", "active", 1735689600, False, '{"source":"web"}', 1),
        ("sub_2", "cus_2", "trialing", 1738368000, True, None, 2),  # customer was expanded
    ]
    items = rows(
        con,
        "select id, subscription_id, price_id, quantity, created, _source_row "
        "from raw_billing.subscription_items order by id",
    )
    assert items == [
        ("si_1", "sub_1", "price_m", 3, 1735689601, 1),  # subscription_id from the parent
        ("si_3", "sub_2", "price_m", 5, 1738368001, 2),
    ]
    assert rows(
        con,
        "select source_row, column_name, raw_value from raw_meta.quarantine "
        "where \"table\" = 'raw_billing.subscription_items'",
    ) == [(1, "created", "yesterday")]


def test_stripe_jsonl_unnests_invoice_lines(con, landing):
    report = load_landing(con, landing, systems=["billing"], loaded_at=RUN_AT)
    invoices = rows(
        con,
        "select id, customer_id, subscription_id, currency, total, paid_at, _source_row "
        "from raw_billing.invoices order by id",
    )
    assert invoices == [
        ("in_1", "cus_1", "sub_1", "usd", 3000, 1735689800, 1),
        ("in_2", "cus_2", None, "eur", 0, None, 2),
    ]
    lines = rows(
        con,
        "select id, invoice_id, subscription_id, price_id, amount, proration, period_start, "
        "period_end, _source_row from raw_billing.invoice_line_items order by id",
    )
    assert lines == [
        ("il_1", "in_1", "sub_1", "price_m", 3000, False, 1735689600, 1738368000, 1),
        ("il_3", "in_2", None, None, -50, None, 1738368000, 1739577600, 2),
    ]
    result = report.table("raw_billing.invoice_line_items")
    assert (result.rows_in, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert any(
        "landing/billing/invoices/2025-01.jsonl row 2, column currency: '€' is not an ISO 4217 "
        "currency code" in m
        for m in report.messages
    )


def test_flat_json_array_and_single_file_layout(con, tmp_path):
    landing = tmp_path / "landing"
    write(
        landing / "plan" / "team_costs.json",
        '[{"month": "2025-01-01", "team": "sales", "cost_amount": 100, "currency": "USD"},'
        ' {"month": "2025-01-01", "team": "finance", "cost_amount": 5, "currency": "USD"}]',
    )
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert rows(con, "select team, cost_amount, _source_row from raw_plan.team_costs") == [
        ("sales", Decimal("100.0000"), 1)
    ]
    assert report.table("raw_plan.team_costs").rows_quarantined == 1


def test_unknown_folders_are_reported_not_loaded(con, landing):
    write(landing / "erp" / "orders.csv", "id\n1\n")
    write(landing / "crm" / "deals" / "d.csv", "id\n1\n")
    write(landing / "crm" / "opportunity" / "notes.txt", "hello")
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert report.unknown == [
        "crm/deals: not a table of the landing contract",
        "crm/opportunity/notes.txt: not a csv/parquet/jsonl/json file",
        "erp: not a system of the landing contract",
    ]
    assert "raw_erp" not in {r[0] for r in rows(con, "select schema_name from duckdb_schemas()")}


def test_committed_contract_doc_is_up_to_date():
    assert DOC_PATH.read_text() == render_landing_contract(), (
        "docs/landing_contract.md is stale: run `python -m revops.ingest.docs`"
    )


# --- daily partitions: dated files, windows, _landed_date ------------------------------------


def test_dated_file_stems(tmp_path):
    from revops.ingest.discover import discover, file_date

    assert file_date("2026-10-31") == date(2026, 10, 31)
    # not ISO dates: undated (the bad-input corpus names files 2026-01-15__good.csv)
    for stem in ("2026-01-15__good", "2025-01", "20261031", "2026-02-30", "opps", "2026-1-5"):
        assert file_date(stem) is None, stem
    write(tmp_path / "crm" / "opportunity" / "2026-10-31.csv", OPP_HEADER)
    write(tmp_path / "plan" / "quotas.csv", "rep_id,month,quota_amount,currency\n")
    found = {f.rel_path: f.file_date for f in discover(tmp_path).files}
    assert found == {"crm/opportunity/2026-10-31.csv": date(2026, 10, 31), "plan/quotas.csv": None}


def _opp_files(landing: Path) -> None:
    """Three dated extracts (one row each, the id says the day) and one undated file."""
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        write(
            landing / "crm" / "opportunity" / f"{day}.csv",
            OPP_HEADER + f"o{day[-1]},Prospecting,{day},{day}T12:00:00Z\n",
        )
    write(
        landing / "crm" / "opportunity" / "manual_fix.csv",
        OPP_HEADER + "oM,Prospecting,2026-02-01,2026-02-01\n",
    )


def test_a_window_loads_its_days_and_undated_files_once(con, tmp_path):
    landing = tmp_path / "landing"
    _opp_files(landing)
    window = (date(2026, 3, 1), date(2026, 3, 2))
    first = load_landing(con, landing, loaded_at=RUN_AT, window=window)
    assert [(f.file, f.status, f.landed_date) for f in first.files] == [
        ("crm/opportunity/2026-03-01.csv", "loaded", date(2026, 3, 1)),
        ("crm/opportunity/2026-03-02.csv", "loaded", date(2026, 3, 2)),
        # undated: the window's last day
        ("crm/opportunity/manual_fix.csv", "loaded", date(2026, 3, 2)),
    ]
    assert first.window == window
    assert first.waiting == ["crm/opportunity/2026-03-03.csv"]  # after the window: waits
    assert any("1 dated file(s) outside the window" in m for m in first.messages)
    # the next day's run: its own file only; the undated file is not loaded twice
    second = load_landing(
        con, landing, loaded_at=datetime(2026, 3, 4, 6), window=(date(2026, 3, 3),) * 2
    )
    assert [(f.file, f.status) for f in second.files] == [
        ("crm/opportunity/2026-03-03.csv", "loaded"),
        ("crm/opportunity/manual_fix.csv", "skipped"),
    ]
    assert second.waiting == []  # the days before are loaded already
    assert rows(con, "select id, _landed_date from raw_crm.opportunity order by id") == [
        ("o1", date(2026, 3, 1)),
        ("o2", date(2026, 3, 2)),
        ("o3", date(2026, 3, 3)),
        ("oM", date(2026, 3, 2)),
    ]
    assert rows(
        con, "select file, landed_date from raw_meta.load_log where status = 'loaded' order by 1"
    ) == [
        ("crm/opportunity/2026-03-01.csv", date(2026, 3, 1)),
        ("crm/opportunity/2026-03-02.csv", date(2026, 3, 2)),
        ("crm/opportunity/2026-03-03.csv", date(2026, 3, 3)),
        ("crm/opportunity/manual_fix.csv", date(2026, 3, 2)),
    ]


def test_an_earlier_day_left_out_waits_for_its_own_run(con, tmp_path):
    landing = tmp_path / "landing"
    _opp_files(landing)
    report = load_landing(con, landing, loaded_at=RUN_AT, window=(date(2026, 3, 3),) * 2)
    assert [f.file for f in report.files if f.status == "loaded"] == [
        "crm/opportunity/2026-03-03.csv",
        "crm/opportunity/manual_fix.csv",
    ]
    assert report.waiting == ["crm/opportunity/2026-03-01.csv", "crm/opportunity/2026-03-02.csv"]
    rerun = load_landing(con, landing, loaded_at=RUN_AT, window=(date(2026, 3, 1),) * 2)
    assert [(f.file, f.status) for f in rerun.files] == [
        ("crm/opportunity/2026-03-01.csv", "loaded"),
        ("crm/opportunity/manual_fix.csv", "skipped"),
    ]


def test_without_a_window_every_file_loads_and_undated_rows_take_the_utc_load_date(con, tmp_path):
    landing = tmp_path / "landing"
    _opp_files(landing)
    # 23:30 at UTC-05:00 is 04:30 UTC the next day: the landed date is the UTC date
    loaded_at = datetime.fromisoformat("2026-03-09T23:30:00-05:00")
    report = load_landing(con, landing, loaded_at=loaded_at)
    assert report.window is None and report.waiting == []
    assert rows(con, "select id, _landed_date from raw_crm.opportunity order by id") == [
        ("o1", date(2026, 3, 1)),
        ("o2", date(2026, 3, 2)),
        ("o3", date(2026, 3, 3)),
        ("oM", date(2026, 3, 10)),
    ]


def test_quarantined_rows_carry_the_landed_date(con, landing):
    load_landing(con, landing, systems=["crm"], loaded_at=RUN_AT, window=(date(2026, 1, 14),) * 2)
    assert rows(con, "select distinct landed_date from raw_meta.quarantine") == [
        (date(2026, 1, 14),)
    ]


def test_a_window_ending_before_it_starts_is_refused(con, landing):
    with pytest.raises(ValueError, match="before its start"):
        load_landing(con, landing, window=(date(2026, 3, 2), date(2026, 3, 1)))


def test_existing_warehouse_gains_the_landed_date_columns(con, tmp_path):
    """A warehouse built before daily partitions: raw tables and raw_meta without landed dates.
    Ingestion adds the columns (old rows keep NULL) and fills them for new rows."""
    con.execute("create schema raw_plan")
    con.execute(
        "create table raw_plan.quotas (rep_id varchar, month date, quota_amount decimal(18,4), "
        "currency varchar, _source_file varchar, _source_row bigint, _loaded_at timestamp)"
    )
    con.execute(
        "insert into raw_plan.quotas values ('old', '2025-01-01', 1, 'USD', 'x', 1, ?)", [RUN_AT]
    )
    con.execute("create schema raw_meta")
    con.execute(
        'create table raw_meta.load_log (file varchar, sha256 varchar, "table" varchar, '
        "rows_in bigint, rows_loaded bigint, rows_quarantined bigint, status varchar, "
        "error varchar, loaded_at timestamp)"
    )
    con.execute(
        "insert into raw_meta.load_log values ('x', 's', 'raw_plan.quotas', 1, 1, 0, 'loaded', "
        "null, ?)",
        [RUN_AT],
    )
    con.execute(
        'create table raw_meta.quarantine ("table" varchar, source_file varchar, '
        "source_row bigint, column_name varchar, problem varchar, raw_value varchar, "
        "record varchar, quarantined_at timestamp)"
    )
    landing = tmp_path / "landing"
    write(
        landing / "plan" / "quotas" / "2026-03-01.csv",
        "rep_id,month,quota_amount,currency\nnew,2026-03-01,2,USD\nbad,2026-03-01,x,USD\n",
    )
    load_landing(con, landing, loaded_at=RUN_AT)
    assert rows(con, "select rep_id, _landed_date from raw_plan.quotas order by rep_id") == [
        ("new", date(2026, 3, 1)),
        ("old", None),
    ]
    assert rows(con, "select file, landed_date from raw_meta.load_log order by file") == [
        ("plan/quotas/2026-03-01.csv", date(2026, 3, 1)),
        ("x", None),
    ]
    assert rows(con, "select source_row, landed_date from raw_meta.quarantine") == [
        (2, date(2026, 3, 1))
    ]
    # lineage columns come last, _landed_date after _loaded_at
    columns = [
        r[0]
        for r in rows(
            con,
            "select column_name from information_schema.columns where table_schema = 'raw_plan' "
            "and table_name = 'quotas' order by ordinal_position",
        )
    ]
    assert columns[-4:] == ["_source_file", "_source_row", "_loaded_at", "_landed_date"]


def test_existing_warehouse_gains_contract_columns_added_since(con, tmp_path):
    """A raw table created before the contract gained an optional column (here the
    opportunity's loss_reason_c and competitor_c): ingestion adds it, the old rows keep NULL,
    and a new file with the column loads its values."""
    from dataclasses import replace

    from revops.contract import get_table
    from revops.warehouse import raw_table_ddl

    table = get_table("crm", "opportunity")
    added = ("loss_reason_c", "competitor_c")
    old = replace(table, columns=tuple(c for c in table.columns if c.name not in added))
    con.execute("create schema raw_crm")
    con.execute(raw_table_ddl(old))
    con.execute(
        "insert into raw_crm.opportunity (id, stage_name, created_date, system_modstamp) "
        "values ('old', 'Closed Lost', '2025-01-01', '2025-01-01')"
    )
    landing = tmp_path / "landing"
    write(
        landing / "crm" / "opportunity" / "2026-03-01.csv",
        "id,stage_name,created_date,system_modstamp,loss_reason_c,competitor_c\n"
        "new,Closed Lost,2026-02-01,2026-02-01,Price,Rival\n",
    )
    report = load_landing(con, landing, systems=["crm"], loaded_at=RUN_AT)
    assert report.ok, report.messages
    assert rows(
        con, "select id, loss_reason_c, competitor_c from raw_crm.opportunity order by id"
    ) == [("new", "Price", "Rival"), ("old", None, None)]


def test_odd_bytes_reject_the_file_never_stop_the_load(con, tmp_path):
    """A CSV whose lines end in a bare CR and a corrupt gzip are rejected with their reason;
    the good file beside them loads."""
    landing = tmp_path / "landing"
    folder = landing / "crm" / "opportunity"
    write(folder / "mac.csv", OPP_HEADER.replace("\n", "\r") + "1,Prospecting,2025-01-01,x\r")
    write(folder / "broken.csv.gz", gzip.compress(OPP_HEADER.encode())[:-12])
    write(folder / "good.csv", OPP_HEADER + "1,Prospecting,2025-01-01,2025-01-01\n")
    report = load_landing(con, landing, loaded_at=RUN_AT)
    got = {f.file.rsplit("/", 1)[1]: f for f in report.files}
    assert got["good.csv"].status == "loaded"
    assert got["mac.csv"].status == "rejected"
    assert "bare CR" in got["mac.csv"].error
    assert got["broken.csv.gz"].status == "rejected"
    assert "gzip" in got["broken.csv.gz"].error


def test_a_name_with_glob_characters_is_reported_not_read(con, tmp_path):
    """DuckDB's readers take * ? [ as a pattern: x[1].csv would load x1.csv's rows under the
    wrong name. Such a file is reported (rename it) and the others load."""
    landing = tmp_path / "landing"
    folder = landing / "crm" / "opportunity"
    write(folder / "x1.csv", OPP_HEADER + "1,Prospecting,2025-01-01,2025-01-01\n")
    write(folder / "x[1].csv", OPP_HEADER + "2,Prospecting,2025-01-01,2025-01-01\n")
    report = load_landing(con, landing, loaded_at=RUN_AT)
    assert [(f.file, f.status) for f in report.files] == [("crm/opportunity/x1.csv", "loaded")]
    assert any("x[1].csv: its path holds one of * ? [" in u for u in report.unknown)
    assert rows(con, "select id from raw_crm.opportunity") == [("1",)]


def test_a_raw_table_of_an_older_contract_gains_the_new_columns(tmp_path):
    """A warehouse built before the contract gained a column (crm.campaign currency_iso_code)
    gets the column, NULL in the rows it holds, so staging keeps working on it."""
    from revops.contract import get_table
    from revops.warehouse import ensure_raw_tables

    table = get_table("crm", "campaign")
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("create schema raw_crm")
    con.execute(
        "create table raw_crm.campaign (id varchar, created_date timestamp, "
        "system_modstamp timestamp)"
    )
    con.execute("insert into raw_crm.campaign values ('701A', '2026-01-01', '2026-01-02')")
    ensure_raw_tables(con, [table])
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw_crm' and table_name = 'campaign'"
        ).fetchall()
    }
    assert {c.name for c in table.columns} | {"_source_file", "_landed_date"} <= columns
    assert con.execute("select id, currency_iso_code from raw_crm.campaign").fetchall() == [
        ("701A", None)
    ]
    con.close()
