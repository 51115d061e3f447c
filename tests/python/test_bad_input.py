"""The bad-input corpus (tests/bad_input/, described case by case in its README.md).

All files of the corpus are one landing day, loaded together. Each case ends one of five ways:
the whole file is rejected with a message naming the file, the line and the problem; some rows
are quarantined with their row, column and reason; the file loads and a downstream check
(staging dedup, warn-level dbt tests) catches the problem, or a note tells what was done (a
gzip file decompressed, a partial export); the file is a copy of another one's content and is
skipped naming it; or the path is no file at all (a broken link) and is reported. For every
file the rows it holds, counted here with Python's csv/json/gzip modules, equal rows loaded +
rows quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.ingest import load_landing
from revops.ingest.report import LoadReport

from helpers import (
    DANGLING_LINK_FILE,
    DUPLICATE_PARQUET_FILE,
    GZIP_CSV_FILE,
    GZIP_JSONL_FILE,
    GZIP_NAMED_CSV_FILE,
    PROJECT_DIR,
    UTF16_CSV_FILE,
    XLSX_AS_CSV_FILE,
    build_bad_landing,
    count_data_rows,
    data_line_count,
    run_dbt,
)

RUN_AT = datetime(2026, 1, 15, 6, 0, 0)


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # relative to the landing folder
    outcome: str  # rejected | quarantined | loaded | duplicate | unknown
    says: tuple[str, ...] = ()  # must appear in the rejection error or the unknown-path reason
    quarantined: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    notes: tuple[str, ...] = ()  # must appear in one of the file's messages (same order)


OPP = "crm/opportunity/2026-01-15__"
ACC = "crm/account/2026-01-15__"
ADS = "marketing/google_ads_campaign_stats/2026-01-15__"
CUS = "billing/customers/2026-01-15__"
PROD = "billing/products/2026-01-15__"
IMPLAUSIBLE = "is not a plausible epoch"

CASES = [
    Case("good_opportunities", OPP + "good.csv", "loaded"),
    Case("good_accounts", ACC + "good.csv", "loaded"),
    Case("good_ad_stats", ADS + "good.csv", "loaded"),
    Case("header_only", OPP + "header_only.csv", "loaded"),
    Case(
        "truncated_csv",
        OPP + "truncated.csv",
        "rejected",
        says=("Line: 3", "unterminated quote"),
    ),
    Case(
        "truncated_jsonl",
        "billing/customers/2026-01-15__truncated.jsonl",
        "rejected",
        says=("Malformed JSON", "line", "unexpected end of data"),
    ),
    Case("wrong_delimiter", ACC + "wrong_delimiter.csv", "rejected", says=("';'", "expected ','")),
    Case("latin1_encoding", ACC + "latin1.csv", "rejected", says=("Line: 2", "utf-8")),
    Case(
        "missing_required_column",
        OPP + "missing_required_column.csv",
        "rejected",
        says=("stage_name", "missing from the CSV header"),
    ),
    Case("extra_column", ACC + "extra_column.csv", "loaded"),
    Case(
        "wrong_types",
        OPP + "wrong_types.csv",
        "quarantined",
        quarantined=frozenset({(1, "amount"), (2, "is_won")}),
    ),
    Case("duplicate_keys", OPP + "duplicate_keys.csv", "loaded"),
    Case("unknown_stage", OPP + "unknown_stage.csv", "loaded"),
    Case(
        "unknown_currency",
        OPP + "unknown_currency.csv",
        "quarantined",
        quarantined=frozenset({(1, "currency_iso_code")}),
    ),
    Case(
        "unknown_currency_ads",
        ADS + "unknown_currency.csv",
        "quarantined",
        quarantined=frozenset({(1, "currency_code")}),
    ),
    Case(
        "invalid_dates",
        OPP + "invalid_dates.csv",
        "quarantined",
        quarantined=frozenset(
            {(1, "close_date"), (2, "close_date"), (3, "close_date"), (4, "created_date")}
        ),
    ),
    Case("future_dates", OPP + "future_dates.csv", "loaded"),
    Case("negative_amounts", OPP + "negative_amounts.csv", "loaded"),
    Case("negative_amounts_ads", ADS + "negative_amounts.csv", "loaded"),
    Case("empty_file", OPP + "empty.csv", "rejected", says=("the file is empty",)),
    Case(
        "huge_field",
        ACC + "huge_field.csv",
        "rejected",
        says=("Line: 2", "maximum line size"),
    ),
    # --- found on real exports --------------------------------------------------------------
    Case(
        "epoch_millis_jsonl",
        CUS + "epoch_millis.jsonl",
        "quarantined",
        quarantined=frozenset({(3, "created"), (4, "created"), (7, "created")}),
        notes=(f"row 3, column created: '0' {IMPLAUSIBLE}", "1990-01-01 .. 2100-01-01"),
    ),
    Case(
        "epoch_millis_csv",
        PROD + "epoch_millis.csv",
        "quarantined",
        quarantined=frozenset({(3, "created"), (4, "created")}),
        notes=(f"row 4, column created: '-1' {IMPLAUSIBLE}",),
    ),
    Case(
        "epoch_in_timestamp_csv",
        OPP + "epoch_timestamps.csv",
        "quarantined",
        quarantined=frozenset({(2, "created_date")}),
        notes=(f"row 2, column created_date: '0' {IMPLAUSIBLE}",),
    ),
    Case(
        "duplicate_header",
        OPP + "duplicate_header.csv",
        "rejected",
        says=("the CSV header names column 'amount' twice", "columns 3 and 4"),
    ),
    Case(
        "duplicate_parquet_columns",
        DUPLICATE_PARQUET_FILE,
        "rejected",
        says=("the Parquet schema names column 'name' twice", "'Name' and 'name'"),
    ),
    Case(
        "excel_trailing_empty_header",
        ACC + "excel_trailing_empty.csv",
        "loaded",
        notes=("empty column(s) 8, 9 without a header name ignored",),
    ),
    Case(
        "unnamed_column_with_data",
        ACC + "unnamed_column.csv",
        "rejected",
        says=("no name for column 3", "row 2 holds a value there"),
    ),
    Case("gzip_csv", GZIP_CSV_FILE, "loaded"),
    Case(
        "gzip_named_csv",
        GZIP_NAMED_CSV_FILE,
        "loaded",
        notes=("the file is gzip-compressed (its name does not say so)",),
    ),
    Case("gzip_jsonl", GZIP_JSONL_FILE, "loaded"),
    Case(
        "xlsx_named_csv",
        XLSX_AS_CSV_FILE,
        "rejected",
        says=("is an Excel workbook (xlsx), not CSV", "save it as CSV UTF-8"),
    ),
    Case(
        "utf16_csv",
        UTF16_CSV_FILE,
        "rejected",
        says=("is UTF-16 text, not CSV", "save it as UTF-8"),
    ),
    Case(
        "report_title_lines",
        ADS + "report_title.csv",
        "rejected",
        says=(
            "missing from the CSV header",
            "the header was not found on line 1",
            "it seems to start on line 4",
        ),
    ),
    Case(
        "stripe_list_has_more",
        CUS + "list_has_more.json",
        "loaded",
        notes=("partial export", "has_more = true", "starting_after=cus_PAGE2"),
    ),
    Case(
        "same_content_two_names",
        ACC + "good_copy.csv",
        "duplicate",
        says=(f"same content as {ACC}good.csv",),
    ),
    Case(
        "dangling_symlink",
        DANGLING_LINK_FILE,
        "unknown",
        says=("a broken symbolic link", "missing_export.csv"),
    ),
]


def _params() -> list:
    return [pytest.param(c, id=c.name) for c in CASES]


@dataclass(frozen=True)
class BadLoad:
    landing: Path
    warehouse: Path
    report: LoadReport


@pytest.fixture(scope="module")
def bad_load(tmp_path_factory: pytest.TempPathFactory) -> BadLoad:
    root = tmp_path_factory.mktemp("bad_input")
    landing = build_bad_landing(root / "landing")
    warehouse = root / "bad.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        report = load_landing(con, landing, loaded_at=RUN_AT)
    return BadLoad(landing, warehouse, report)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    return con.execute(sql, params).fetchone()[0]


def test_the_corpus_is_what_the_cases_describe(bad_load: BadLoad) -> None:
    """Every file of the corpus has a case and every case a file (no silent extra)."""
    on_disk = {
        p.relative_to(bad_load.landing).as_posix()
        for p in bad_load.landing.rglob("*.*")
        if p.is_file() or p.is_symlink()
    }
    assert on_disk == {c.file for c in CASES}
    readme = (PROJECT_DIR / "tests" / "bad_input" / "README.md").read_text()
    missing = [c.name for c in CASES if f"`{c.name}`" not in readme]
    assert not missing, f"cases not described in tests/bad_input/README.md: {missing}"


@pytest.mark.parametrize("case", _params())
def test_case_outcome_and_row_accounting(bad_load: BadLoad, case: Case) -> None:
    path = bad_load.landing / case.file
    label = f"landing/{case.file}"
    results = [f for f in bad_load.report.files if f.file == case.file]
    if case.outcome == "unknown":
        # no file to load: reported with its reason, and every other file still loaded
        assert results == []
        reasons = [u for u in bad_load.report.unknown if u.startswith(f"{case.file}: ")]
        assert len(reasons) == 1, bad_load.report.unknown
        for needle in case.says:
            assert needle in reasons[0], reasons[0]
        assert f"not loaded: {reasons[0]}" in bad_load.report.messages
        return
    assert len(results) == 1, f"{case.file}: {results}"
    result = results[0]
    table = result.table
    with duckdb.connect(str(bad_load.warehouse), read_only=True) as con:
        loaded = _one(con, f"select count(*) from {table} where _source_file = ?", [case.file])
        quarantine = set(
            con.execute(
                "select source_row, column_name from raw_meta.quarantine where source_file = ?",
                [case.file],
            ).fetchall()
        )
        log = con.execute(
            "select status, rows_in, rows_loaded, rows_quarantined, error "
            "from raw_meta.load_log where file = ?",
            [case.file],
        ).fetchall()
    quarantined_rows = {row for row, _ in quarantine}
    assert len(log) == 1, log

    if case.outcome == "rejected":
        assert result.status == "rejected"
        assert log[0][0] == "rejected"
        # nothing of a refused file reaches raw or the quarantine
        assert (loaded, quarantine) == (0, set())
        error = result.error or ""
        assert error.startswith(f"{label}: "), error[:300]
        for needle in case.says:
            assert needle.lower() in error.lower(), f"{needle!r} not in {error[:600]!r}"
        assert log[0][4] == error
        return

    if case.outcome == "duplicate":
        # the copy is skipped, naming the file it repeats; its rows are not loaded twice
        assert result.status == "skipped"
        assert (loaded, quarantine) == (0, set())
        assert log[0][0] == "duplicate"
        note = " ".join(result.messages)
        assert note.startswith(f"{label}: ")
        for needle in case.says:
            assert needle in note and needle in (log[0][4] or ""), (note, log)
        first = case.says[0].removeprefix("same content as ")
        assert count_data_rows(path) == count_data_rows(bad_load.landing / first) > 0
        assert result.duplicate_of == first
        assert result in bad_load.report.duplicates
        return

    # loaded or partly quarantined: every row of the file is accounted for
    rows_in = count_data_rows(path)
    assert rows_in == loaded + len(quarantined_rows), (rows_in, loaded, quarantined_rows)
    assert log[0][:4] == ("loaded", rows_in, loaded, len(quarantined_rows))
    assert quarantine == case.quarantined
    for row, column in case.quarantined:
        assert any(
            m.startswith(f"{label} row {row}, column {column}: ") for m in result.messages
        ), f"no message for row {row}, column {column}: {result.messages}"
    for needle in case.notes:
        assert any(needle in m and m.startswith(label) for m in result.messages), (
            f"{needle!r} not in {result.messages}"
        )
    if not case.notes and not case.quarantined:
        extra = [m for m in result.messages if "extra column(s) ignored" not in m]
        assert extra == [], extra


def test_rejection_messages_never_quote_the_records(bad_load: BadLoad) -> None:
    """A rejection names the line, never quotes it: the record may hold personal data, and the
    message goes to the screen, the logs and the published marts.dq_rejected_files. The
    latin1 case's line 2 holds the company name 'Maschinenbau'; the truncated case's line 3
    'Epsilon, cut off'."""
    errors = " ".join(f.error or "" for f in bad_load.report.rejected)
    assert "CSV Error on Line: 2" in errors
    for quoted in ("Original Line", "Maschinenbau", "Epsilon, cut off"):
        assert quoted not in errors


def test_rejected_files_had_rows_that_were_refused_not_lost(bad_load: BadLoad) -> None:
    """A rejected file's lines are not in raw: they are refused as a whole and logged, so the
    sender can fix and re-send; its line count is what the load_log row stands for."""
    rejected = {c.file for c in CASES if c.outcome == "rejected"}
    assert {f.file for f in bad_load.report.rejected} == rejected
    # (the workbook and the Parquet file are no text: their lines are not counted)
    binary = {XLSX_AS_CSV_FILE, DUPLICATE_PARQUET_FILE}
    lines = {f: data_line_count(bad_load.landing / f) for f in rejected - binary}
    # the empty file has no lines; every other refused file held data
    assert lines.pop(OPP + "empty.csv") == 0
    assert all(n > 0 for n in lines.values()), lines


def test_good_files_of_the_same_day_load_with_their_values(bad_load: BadLoad) -> None:
    with duckdb.connect(str(bad_load.warehouse), read_only=True) as con:
        opps = con.execute(
            "select id, stage_name, amount, currency_iso_code, close_date, is_won "
            "from raw_crm.opportunity where _source_file = ? order by id",
            [OPP + "good.csv"],
        ).fetchall()
        accounts = con.execute(
            "select id, number_of_employees from raw_crm.account "
            "where _source_file in (?, ?) order by id",
            [ACC + "good.csv", ACC + "extra_column.csv"],
        ).fetchall()
        ads = con.execute(
            "select campaign_id, cost_micros from raw_marketing.google_ads_campaign_stats "
            "where _source_file = ? order by campaign_id",
            [ADS + "good.csv"],
        ).fetchall()
    assert opps == [
        ("006GOOD1", "Prospecting", Decimal("1200.5000"), "USD", date(2026, 3, 31), False),
        ("006GOOD2", "Closed Won", Decimal("800.0000"), "EUR", date(2026, 1, 12), True),
        ("006GOOD3", "Qualification", None, "GBP", None, False),
    ]
    assert accounts == [("001EXTRA1", 75), ("001GOOD1", 120), ("001GOOD2", 5400)]
    assert ads == [("cmp-1", 12_500_000), ("cmp-2", 30_000_000)]
    extra = [m for m in bad_load.report.messages if "extra column(s) ignored: legacy_score" in m]
    assert extra and extra[0].startswith(f"landing/{ACC}extra_column.csv: ")


def test_type_valid_oddities_load_unchanged(bad_load: BadLoad) -> None:
    """Duplicates, unknown stages, future dates and negative amounts are not ingestion errors."""
    with duckdb.connect(str(bad_load.warehouse), read_only=True) as con:
        got = con.execute(
            "select id, stage_name, amount, close_date, created_date from raw_crm.opportunity "
            "where _source_file in (?, ?, ?, ?, ?) order by id, _source_row",
            [
                OPP + "duplicate_keys.csv",
                OPP + "unknown_stage.csv",
                OPP + "future_dates.csv",
                OPP + "negative_amounts.csv",
                OPP + "wrong_types.csv",
            ],
        ).fetchall()
    d = date
    assert got == [
        ("006DUP1", "Prospecting", Decimal("100.0000"), d(2026, 5, 31), datetime(2026, 1, 6)),
        ("006DUP1", "Qualification", Decimal("150.0000"), d(2026, 5, 31), datetime(2026, 1, 6)),
        ("006DUP1", "Qualification", Decimal("150.0000"), d(2026, 5, 31), datetime(2026, 1, 6)),
        ("006FUT1", "Prospecting", Decimal("100.0000"), d(2099, 12, 31), datetime(2026, 1, 9)),
        ("006FUT2", "Prospecting", Decimal("100.0000"), d(2026, 6, 30), datetime(2099, 1, 1)),
        ("006NEG1", "Prospecting", Decimal("-500.0000"), d(2026, 6, 30), datetime(2026, 1, 9)),
        ("006NEG2", "Closed Won", Decimal("-0.0100"), d(2026, 1, 14), datetime(2026, 1, 9)),
        ("006STAGE1", "Closed-Won ", Decimal("900.0000"), d(2026, 1, 13), datetime(2026, 1, 7)),
        ("006STAGE2", "Discovery", Decimal("300.0000"), d(2026, 6, 30), datetime(2026, 1, 7)),
        # scientific notation is a number: 1.5e3 loads as 1500
        ("006TYPE3", "Prospecting", Decimal("1500.0000"), d(2026, 2, 28), datetime(2026, 1, 4)),
    ]


def test_epochs_in_seconds_or_milliseconds_load_as_seconds(bad_load: BadLoad) -> None:
    """2026-01-15 10:00:00 UTC is 1768471200 s (2026-01-01 is 1767225600, + 14 days + 10 h);
    written in ms it must load as the same second, and JSON null / an absent key as NULL."""
    ten = 1_767_225_600 + 14 * 86_400 + 10 * 3_600
    with duckdb.connect(str(bad_load.warehouse), read_only=True) as con:
        customers = con.execute(
            "select id, created from raw_billing.customers where _source_file in (?, ?) "
            "order by id",
            [CUS + "epoch_millis.jsonl", GZIP_JSONL_FILE],
        ).fetchall()
        products = con.execute(
            "select id, created from raw_billing.products order by id"
        ).fetchall()
        opps = con.execute(
            "select id, created_date, system_modstamp from raw_crm.opportunity "
            "where _source_file = ?",
            [OPP + "epoch_timestamps.csv"],
        ).fetchall()
    assert customers == [
        ("cus_GZ1", 1_768_400_000),
        ("cus_GZ2", 1_768_400_000),  # 1768400000000 ms
        ("cus_MS1", ten),
        ("cus_MS2", ten),
        ("cus_MS5", None),
        ("cus_MS6", None),
    ]
    assert products == [("prod_MS1", ten), ("prod_MS2", ten), ("prod_MS5", None)]
    at_ten = datetime(2026, 1, 15, 10, 0, 0)
    assert opps == [("006EPOCH1", at_ten, at_ten)]


@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_rejected_files_are_named_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    """Through the Dagster ingestion assets, under both bad-file policies: every rejected file
    is named with its reason (strict: by the failure of its system's step; lenient, the
    default: by the failed WARN check no_rejected_files of its raw table, the step succeeding)
    and the good files are loaded anyway."""
    import dagster as dg

    from revops.assets.ingestion import REJECTION_CHECK, ingestion_assets

    landing = build_bad_landing(tmp_path / "landing")
    warehouse = tmp_path / "w" / "revops.duckdb"
    monkeypatch.setenv("REVOPS_LANDING", str(landing))
    monkeypatch.setenv("REVOPS_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("REVOPS_BAD_FILE_POLICY", policy)
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(ingestion_assets, instance=instance, raise_on_error=False)
    failures = {
        e.step_key: (e.event_specific_data.error.message if e.event_specific_data.error else "")
        + str(getattr(e.event_specific_data.error, "cause", ""))
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.STEP_FAILURE
    }
    failed_checks: dict[str, str] = {}  # raw table -> the check's metadata as text
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.check_name == REJECTION_CHECK and not evaluation.passed:
            table = evaluation.asset_key.to_user_string()
            failed_checks[table] = str(evaluation.metadata)
    rejected = [c for c in CASES if c.outcome == "rejected"]
    if policy == "strict":
        assert set(failures) == {f"ingest_{c.file.split('/')[0]}" for c in rejected}
    else:
        assert failures == {}
    for case in rejected:
        system, table = case.file.split("/")[:2]
        text = failures.get(f"ingest_{system}", "") if policy == "strict" else ""
        text += failed_checks.get(f"raw_{system}/{table}", "")
        assert f"landing/{case.file}" in text, f"{case.file} not named ({policy})"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        good = con.execute(
            "select count(*) from raw_crm.opportunity where _source_file = ?", [OPP + "good.csv"]
        ).fetchone()[0]
        ads = con.execute("select count(*) from raw_marketing.google_ads_campaign_stats").fetchone()
    assert good == 3
    assert ads[0] == 2 + 1 + 1  # good 2, unknown currency 1 of 2, negative 1


# --- downstream: what staging and the warn-level dbt tests make of the loaded oddities --------


@dataclass(frozen=True)
class DbtOutcome:
    results: dict[str, tuple[str, int]]  # unique_id -> (status, failures)
    warehouse: Path


@pytest.fixture(scope="module")
def downstream(bad_load: BadLoad, tmp_path_factory: pytest.TempPathFactory) -> DbtOutcome:
    """`dbt build` of the staging layer, int_as_of_date and the data-quality marts on the
    bad-input warehouse (its own copy, target and log paths, so that nothing shared is
    touched)."""
    import shutil

    root = tmp_path_factory.mktemp("bad_dbt")
    warehouse = root / "bad.duckdb"
    shutil.copy(bad_load.warehouse, warehouse)
    selection = [
        "staging",
        "int_source_coverage",
        "int_as_of_date",
        "resource_type:seed",
        "dq_rejected_files",
        "dq_quarantined_rows",
    ]
    data = run_dbt(
        warehouse, root, ["build", "--select", *selection, "--exclude", "resource_type:unit_test"]
    )
    results = {r["unique_id"]: (r["status"], r.get("failures") or 0) for r in data["results"]}
    return DbtOutcome(results, warehouse)


def _result(outcome: DbtOutcome, *parts: str) -> tuple[str, int]:
    hits = [v for k, v in outcome.results.items() if all(p in k for p in parts)]
    assert len(hits) == 1, f"{parts}: {[k for k in outcome.results if parts[0] in k]}"
    return hits[0]


@pytest.mark.slow
def test_duplicates_are_deduplicated_in_staging(downstream: DbtOutcome) -> None:
    assert _result(downstream, "test.", "unique_stg_crm__opportunities_opportunity_id") == (
        "pass",
        0,
    )
    with duckdb.connect(str(downstream.warehouse), read_only=True) as con:
        got = con.execute(
            "select opportunity_id, stage_name, amount from staging.stg_crm__opportunities "
            "where opportunity_id = '006DUP1'"
        ).fetchall()
    # the latest system_modstamp wins (2026-01-08 over 2026-01-06), once
    assert got == [("006DUP1", "Qualification", Decimal("150.0000"))]


@pytest.mark.slow
def test_unknown_stages_and_negative_amounts_raise_warnings(downstream: DbtOutcome) -> None:
    # value tests check every landed version (stg_crm__opportunity_versions; this build has no
    # window, so all of them). Two unknown stage values: 'Closed-Won ' (trailing blank) and
    # 'Discovery'
    stage = _result(
        downstream, "accepted_values_in_window_", "stg_crm__opportunity_versions_stage_name"
    )
    assert stage == ("warn", 2)
    # accepted_values counts distinct failing values: the expression `amount >= 0` has one
    # (false), reached by two rows, -500 and -0.01 (the NULL amount of 006GOOD3 is not negative)
    assert _result(downstream, "stg_crm__opportunity_versions_amount_not_negative") == ("warn", 1)
    with duckdb.connect(str(downstream.warehouse), read_only=True) as con:
        negative = con.execute(
            "select opportunity_id from staging.stg_crm__opportunities where amount < 0 order by 1"
        ).fetchall()
    assert negative == [("006NEG1",), ("006NEG2",)]
    # one negative ad cost (-4 USD); the other platforms' raw tables are empty
    spend = [
        v
        for k, v in downstream.results.items()
        if k.startswith("test.") and "accepted_range" in k and "spend" in k
    ]
    assert ("warn", 1) in spend, spend


@pytest.mark.slow
def test_a_future_date_does_not_move_the_default_as_of_date(downstream: DbtOutcome) -> None:
    with duckdb.connect(str(downstream.warehouse), read_only=True) as con:
        as_of = con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
    # the corpus is the export of 2026-01-15, loaded that day: "today" cannot be after it
    assert as_of <= RUN_AT.date()


EPOCH_PROBLEM = (
    "is not a plausible epoch: neither as unix seconds nor as milliseconds does it fall within "
    "1990-01-01 .. 2100-01-01"
)


@pytest.mark.slow
def test_dq_rejected_files_lists_every_rejected_case(bad_load: BadLoad, downstream: DbtOutcome):
    """One row per rejected case of the corpus, on the file's own raw table, computed from the
    case list and the files (sha256 by hashlib), not from the mart."""
    import hashlib

    assert _result(downstream, "model.", "dq_rejected_files")[0] == "success"
    with duckdb.connect(str(downstream.warehouse), read_only=True) as con:
        got = con.execute(
            "select file, table_name, error, sha256, first_rejected_at, last_attempt_at, "
            "landed_date from marts.dq_rejected_files order by file"
        ).fetchall()
    rejected = sorted((c for c in CASES if c.outcome == "rejected"), key=lambda c: c.file)
    assert [r[0] for r in got] == [c.file for c in rejected]
    for row, case in zip(got, rejected, strict=True):
        system, table = case.file.split("/")[:2]
        sha = hashlib.sha256((bad_load.landing / case.file).read_bytes()).hexdigest()
        assert row[1] == f"raw_{system}.{table}"
        assert row[2].startswith(f"landing/{case.file}: ")
        for needle in case.says:
            assert needle.lower() in row[2].lower(), (needle, row[2][:300])
        # one load at RUN_AT; undated files take the UTC date of the load as landed date
        assert row[3:] == (sha, RUN_AT, RUN_AT, RUN_AT.date())


@pytest.mark.slow
def test_dq_quarantined_rows_counts_per_file_column_and_problem(downstream: DbtOutcome):
    """Expected rows from the quarantined cases above (rows and values read off the files)."""
    assert _result(downstream, "model.", "dq_quarantined_rows")[0] == "success"
    with duckdb.connect(str(downstream.warehouse), read_only=True) as con:
        got = con.execute(
            "select source_file, table_name, column_name, problem, row_count, "
            "example_raw_value, landed_date from marts.dq_quarantined_rows "
            "order by source_file, column_name, problem"
        ).fetchall()
    day = RUN_AT.date()
    currencies = "is not an ISO 4217 currency code (3 letters)"
    assert got == [
        # rows 3, 4, 7: '0', '-1', '1768471200000000'; the smallest as text is '-1'
        (
            CUS + "epoch_millis.jsonl",
            "raw_billing.customers",
            "created",
            EPOCH_PROBLEM,
            3,
            "-1",
            day,
        ),
        (PROD + "epoch_millis.csv", "raw_billing.products", "created", EPOCH_PROBLEM, 2, "-1", day),
        (
            OPP + "epoch_timestamps.csv",
            "raw_crm.opportunity",
            "created_date",
            EPOCH_PROBLEM,
            1,
            "0",
            day,
        ),
        (
            OPP + "invalid_dates.csv",
            "raw_crm.opportunity",
            "close_date",
            "is not a date (YYYY-MM-DD)",
            3,
            "2025-13-45",
            day,
        ),
        (
            OPP + "invalid_dates.csv",
            "raw_crm.opportunity",
            "created_date",
            "is not a timestamp (ISO 8601)",
            1,
            "yesterday",
            day,
        ),
        (
            OPP + "unknown_currency.csv",
            "raw_crm.opportunity",
            "currency_iso_code",
            currencies,
            1,
            "US$",
            day,
        ),
        (
            OPP + "wrong_types.csv",
            "raw_crm.opportunity",
            "amount",
            "is not a decimal number",
            1,
            "abc",
            day,
        ),
        (
            OPP + "wrong_types.csv",
            "raw_crm.opportunity",
            "is_won",
            "is not a boolean (true/false/1/0)",
            1,
            "yes",
            day,
        ),
        (
            ADS + "unknown_currency.csv",
            "raw_marketing.google_ads_campaign_stats",
            "currency_code",
            currencies,
            1,
            "SFr.",
            day,
        ),
    ]
    # every quarantined row of the cases is counted once
    assert sum(r[4] for r in got) == sum(len(c.quarantined) for c in CASES)


@pytest.mark.slow
def test_dq_marts_build_empty_after_a_clean_ingestion(tmp_path: Path) -> None:
    """On a warehouse whose ingestion found nothing to reject or quarantine, raw_meta exists
    (ingestion creates it) and both marts build, empty, with their tests passing."""
    warehouse = tmp_path / "clean.duckdb"
    landing = tmp_path / "landing"
    (landing / "plan").mkdir(parents=True)
    (landing / "plan" / "quotas.csv").write_text(
        "rep_id,month,quota_amount,currency\n005A,2026-01-01,1000,USD\n"
    )
    with duckdb.connect(str(warehouse)) as con:
        assert load_landing(con, landing, loaded_at=RUN_AT).ok
    data = run_dbt(
        warehouse,
        tmp_path,
        ["build", "--select", "+dq_rejected_files", "+dq_quarantined_rows"],
    )
    statuses = {r["unique_id"]: r["status"] for r in data["results"]}
    assert statuses and set(statuses.values()) <= {"success", "pass"}, statuses
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = [
            con.execute(f"select count(*) from marts.{m}").fetchone()[0]
            for m in ("dq_rejected_files", "dq_quarantined_rows")
        ]
    assert counts == [0, 0]
