"""FX rates end to end: a landed reference rate wins over the seed, an amount in the reporting
currency needs no rate, and an amount without a rate stays visible (NULL converted amount, a
row of marts.dq_fx_rates_missing, a warning of has_fx_rate) instead of failing the day.

A tiny hand-made landing folder (five closed CRM opportunities and one landed rate) is loaded
by the real ingestion and built by the real dbt on its own warehouse. Every expected value is
computed by hand below from the figures written in the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops.ingest import load_landing

from helpers import run_dbt

RUN_AT = datetime(2024, 2, 1, 6, 0, 0)
AS_OF = "2024-01-31"

OPPORTUNITY_HEADER = (
    "id,name,stage_name,amount,currency_iso_code,close_date,type,is_closed,is_won,"
    "created_date,system_modstamp\n"
)
# id, amount, currency, close date (closed opportunities convert at their close month's rate)
OPPORTUNITIES = [
    ("006USD2016", "1000.00", "USD", "2016-03-15"),  # USD: 1 (the seed's USD row is not read)
    ("006USD2005", "700.00", "USD", "2005-06-20"),  # USD before any rate row: still 1
    ("006EUR2016", "2000.00", "EUR", "2016-03-20"),  # landed EUR 2016-03 = 1.25, not the seed's
    ("006EUR2005", "500.00", "EUR", "2005-06-10"),  # no EUR rate for 2005-06: NULL
    ("006EUR2024", "100.00", "EUR", "2024-01-15"),  # seed EUR 2024-01 = 1.0899 (FRED EXUSEU)
]
LANDED_RATES = "rate_month,currency_code,rate_to_usd\n2016-03-01,EUR,1.2500\n"

# By hand: amount x rate to USD of the close month.
EXPECTED_REPORTING = {
    "006USD2016": Decimal("1000.00"),  # 1000 x 1
    "006USD2005": Decimal("700.00"),  # 700 x 1
    "006EUR2016": Decimal("2500.00"),  # 2000 x 1.25
    "006EUR2005": None,  # no rate
    "006EUR2024": Decimal("108.99"),  # 100 x 1.0899
}


@dataclass(frozen=True)
class FxBuild:
    warehouse: Path
    landing: Path
    statuses: dict[str, str]  # unique_id -> status of the test run


def _write_landing(landing: Path) -> None:
    opp_dir = landing / "crm" / "opportunity"
    opp_dir.mkdir(parents=True)
    lines = [OPPORTUNITY_HEADER]
    for opp_id, amount, currency, close_date in OPPORTUNITIES:
        created = f"{close_date[:8]}01T09:00:00Z"
        lines.append(
            f"{opp_id},Deal {opp_id},Closed Won,{amount},{currency},{close_date},New Business,"
            f"true,true,{created},{close_date}T18:00:00Z\n"
        )
    (opp_dir / "opportunities.csv").write_text("".join(lines))
    (landing / "reference").mkdir()
    (landing / "reference" / "fx_rates.csv").write_text(LANDED_RATES)


@pytest.fixture(scope="module")
def fx_build(tmp_path_factory: pytest.TempPathFactory) -> FxBuild:
    root = tmp_path_factory.mktemp("fx_rates")
    landing = root / "landing"
    _write_landing(landing)
    warehouse = root / "fx.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        report = load_landing(con, landing, loaded_at=RUN_AT)
    assert not report.rejected, report.rejected
    dbt_vars = ["--vars", f"{{as_of_date: '{AS_OF}'}}"]
    run = run_dbt(
        warehouse,
        root / "run",
        [
            "build",
            "-s",
            "+dq_fx_rates_missing",
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            *dbt_vars,
        ],
    )
    failed = [r["unique_id"] for r in run["results"] if r["status"] != "success"]
    assert not failed, failed
    tests = run_dbt(
        warehouse,
        root / "test",
        [
            "test",
            "-s",
            "int_opportunities",
            "stg_reference__fx_rates",
            "dq_fx_rates_missing",
            "--indirect-selection",
            "buildable",
            "--exclude",
            "resource_type:unit_test",
            *dbt_vars,
        ],
    )
    statuses = {r["unique_id"]: r["status"] for r in tests["results"]}
    return FxBuild(warehouse, landing, statuses)


def test_the_landed_rate_loads_through_the_normal_ingestion(fx_build: FxBuild) -> None:
    with duckdb.connect(str(fx_build.warehouse), read_only=True) as con:
        rows = con.execute(
            "select rate_month, currency_code, rate_to_usd, _source_file "
            "from raw_reference.fx_rates"
        ).fetchall()
    assert rows == [(date(2016, 3, 1), "EUR", Decimal("1.2500"), "reference/fx_rates.csv")]


def test_amounts_convert_at_the_landed_rate_the_seed_or_one(fx_build: FxBuild) -> None:
    with duckdb.connect(str(fx_build.warehouse), read_only=True) as con:
        got = dict(
            con.execute(
                "select opportunity_id, amount_reporting from intermediate.int_opportunities"
            ).fetchall()
        )
    assert got.keys() == EXPECTED_REPORTING.keys()
    for opp_id, expected in EXPECTED_REPORTING.items():
        if expected is None:
            assert got[opp_id] is None, opp_id
        else:
            assert got[opp_id] == pytest.approx(expected, abs=Decimal("0.000001")), opp_id


def test_the_missing_rate_is_listed_naming_currency_and_month(fx_build: FxBuild) -> None:
    with duckdb.connect(str(fx_build.warehouse), read_only=True) as con:
        rows = con.execute(
            "select model_name, currency_code, rate_month, row_count, amount_total, "
            "reporting_currency, example_source_file from marts.dq_fx_rates_missing "
            "where model_name = 'int_opportunities'"
        ).fetchall()
        others = con.execute(
            "select distinct currency_code, rate_month from marts.dq_fx_rates_missing"
        ).fetchall()
    assert rows == [
        (
            "int_opportunities",
            "EUR",
            date(2005, 6, 1),
            1,
            Decimal("500"),
            "USD",
            "crm/opportunity/opportunities.csv",
        )
    ]
    # no other model lacks any other rate (the USD amounts of 2005 need none)
    assert others == [("EUR", date(2005, 6, 1))]


def test_has_fx_rate_warns_instead_of_failing(fx_build: FxBuild) -> None:
    fx_tests = {k: v for k, v in fx_build.statuses.items() if ".has_fx_rate_int_opportunities" in k}
    assert list(fx_tests.values()) == ["warn"], fx_tests
    errors = [k for k, v in fx_build.statuses.items() if v in ("fail", "error")]
    assert not errors, errors


def test_the_reference_suite_passes_on_an_empty_table() -> None:
    """No rates landed is the default: the raw suite of the new table must not fail on it."""
    from revops import warehouse
    from revops.checks.gx_run import validate
    from revops.checks.metrics import measure
    from revops.checks.suites import raw_suite
    from revops.contract import get_table
    from revops.ingest.load import ensure_meta_tables

    with duckdb.connect(":memory:") as con:
        warehouse.ensure_raw_tables(con)
        ensure_meta_tables(con)
        (outcome,) = validate([measure(con, raw_suite(get_table("reference", "fx_rates")))])
    failed = [o.rule.name for o in outcome.outcomes if not o.success]
    assert outcome.outcomes and not failed, failed
