"""The semantic layer (MetricFlow, models/semantic/) answers what the marts publish.

The session's demo business (conftest demo_run) is built and published once. Every headline
metric is then asked of MetricFlow, many metrics per query, through revops.semantic (MetricFlow
plans the SQL, DuckDB runs it on the published file, read-only), and compared with the mart
column that publishes the same number, for every month of the demo (and per rep, region,
segment or channel where the mart has that grain). The marts compute their numbers in their own
SQL, so equality here means the metric and the mart cannot drift apart unnoticed. Tolerances
only absorb decimal rounding (the marts store money as DECIMAL(38, 6)). Semantic models that read
a mart at its grain (README ¹ ²) are proved to apply the mart's ratio, derived, cumulative and
offset rules; where an independent fact exists the sums are tied to it too. One `mf query` through
the `published` profile target proves the `make metrics` path.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from helpers import PROJECT_DIR

pytestmark = pytest.mark.slow

SEMANTIC_MANIFEST = PROJECT_DIR / "target" / "semantic_manifest.json"
MONEY_TOL = 1e-5  # a DECIMAL(38, 6) mart column against the exact sum
RATIO_TOL = 1e-9
RATIO_OF_DECIMALS_TOL = 1e-5  # a ratio the mart stores as DECIMAL(38, 6) (CAC, ARPA)


@pytest.fixture(scope="module")
def published(request: pytest.FixtureRequest) -> Path:
    """The published file of the session's demo run (conftest demo_run: the whole daily job on
    a generated demo business), or env REVOPS_SEMANTIC_PUBLISHED: an already published
    revops.duckdb instead, to iterate on the semantic models without a rebuild."""
    if reuse := os.environ.get("REVOPS_SEMANTIC_PUBLISHED"):
        return Path(reuse)
    request.getfixturevalue("demo_run")
    env = request.getfixturevalue("pipeline_env")
    db = env.warehouse.parent / "published" / "revops.duckdb"
    assert db.exists(), f"nothing published at {db}"
    return db


@pytest.fixture(scope="module")
def layer(published: Path) -> Iterator:
    from revops.semantic import SemanticLayer

    with SemanticLayer(published, SEMANTIC_MANIFEST) as sl:
        yield sl


@pytest.fixture(scope="module")
def marts(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(published), read_only=True)
    yield con
    con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def _day(value: object) -> object:
    """MetricFlow's metric_time is a timestamp; the marts' periods are dates."""
    return value.date() if isinstance(value, datetime) else value


def _close(expected: object, actual: object, tol: float) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return abs(float(expected) - float(actual)) <= tol * max(1.0, abs(float(expected)))


def compare(
    expected: dict[tuple, dict],
    actual: dict[tuple, dict],
    columns: dict[str, tuple[str, float]],
    zero_when_absent: set[str] = frozenset(),
) -> list[str]:
    """expected: key -> mart row; actual: key -> MetricFlow row; columns: mart column ->
    (metric, tolerance). A key MetricFlow has no row for (nothing happened) reads as 0 for
    the metrics in zero_when_absent and NULL for the others. A MetricFlow row outside the
    mart's keys must hold nothing but zeros and NULLs."""
    problems = []
    for key, mart_row in sorted(expected.items(), key=lambda kv: str(kv[0])):
        mf_row = actual.get(key)
        for column, (metric, tol) in columns.items():
            if mf_row is None:
                got = 0 if metric in zero_when_absent else None
            else:
                got = mf_row[metric]
                if got is None and metric in zero_when_absent:
                    got = 0
            want = mart_row[column]
            if not _close(want, got, tol):
                problems.append(f"{key} {column}: mart {want} vs metric {metric} {got}")
    for key in set(actual) - set(expected):
        values = {m: actual[key][m] for _, (m, _) in columns.items()}
        if any(v not in (None, 0) for v in values.values()):
            problems.append(f"{key}: metric rows outside the mart: {values}")
    return problems


def by_key(rows: list[dict], *names: str) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(_day(row[n]) for n in names)
        assert key not in out, f"duplicate key {key}"
        out[key] = row
    return out


# --- sales -------------------------------------------------------------------------------------

SALES_COLUMNS = {
    # mart column: (metric, tolerance)
    "bookings_amount": ("bookings_amount", MONEY_TOL),
    "bookings_won_count": ("bookings_won_count", 0),
    "renewal_bookings_amount": ("renewal_bookings_amount", MONEY_TOL),
    "won_count": ("won_count", 0),
    "lost_count": ("lost_count", 0),
    "won_amount": ("won_amount", MONEY_TOL),
    "win_rate": ("win_rate", RATIO_TOL),
    "win_rate_amount": ("win_rate_amount", RATIO_TOL),
    "opportunities_created": ("opportunities_created", 0),
    "pipeline_created_amount": ("pipeline_created_amount", MONEY_TOL),
    "cohort_won_count": ("cohort_won_count", 0),
    "cohort_win_rate": ("cohort_win_rate", RATIO_TOL),
}
REP_ONLY_COLUMNS = {
    "avg_deal_size": ("avg_deal_size", RATIO_OF_DECIMALS_TOL),
    "won_cycle_days_mean": ("won_cycle_days_mean", RATIO_TOL),
    "won_cycle_days_median": ("won_cycle_days_median", RATIO_TOL),
    "lost_cycle_days_mean": ("lost_cycle_days_mean", RATIO_TOL),
    "activity_count": ("activity_count", 0),
    "sales_activities": ("sales_activities", 0),
}
SALES_ADDITIVE = {
    "bookings_amount",
    "bookings_won_count",
    "renewal_bookings_amount",
    "won_count",
    "lost_count",
    "won_amount",
    "opportunities_created",
    "pipeline_created_amount",
    "cohort_won_count",
    "activity_count",
    "sales_activities",
}


def _metrics(columns: dict[str, tuple[str, float]]) -> list[str]:
    return sorted({metric for metric, _ in columns.values()})


def test_sales_metrics_equal_the_rep_mart_for_every_rep_and_month(layer, marts) -> None:
    columns = {**SALES_COLUMNS, **REP_ONLY_COLUMNS}
    activity_metrics = ("activity_count", "sales_activities")
    opportunity_metrics = [m for m in _metrics(columns) if m not in activity_metrics]
    by_opportunity = layer.query(
        opportunity_metrics, ["opportunity__owner_id", "metric_time__month"]
    ).as_dicts()
    by_activity = layer.query(
        list(activity_metrics), ["activity__rep_id", "metric_time__month"]
    ).as_dicts()
    actual = by_key(by_opportunity, "opportunity__owner_id", "metric_time__month")
    for key, row in by_key(by_activity, "activity__rep_id", "metric_time__month").items():
        actual.setdefault(key, {m: None for m in opportunity_metrics}).update(row)
    for row in actual.values():
        row.setdefault("activity_count", None)
        row.setdefault("sales_activities", None)
    expected = by_key(
        _rows(marts, "select * from marts.mart_sales_rep_monthly"), "rep_id", "month_start_date"
    )
    assert len(expected) > 100, "the demo should have many rep-months"
    assert sum(r["won_count"] for r in expected.values()) > 0
    problems = compare(expected, actual, columns, SALES_ADDITIVE)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_sales_metrics_by_region_equal_the_rollup_mart(layer, marts) -> None:
    rows = layer.query(_metrics(SALES_COLUMNS), ["rep__region", "metric_time__month"]).as_dicts()
    actual: dict[tuple, dict] = {}
    for row in rows:  # opportunities without a rep in dim_rep roll up under 'unknown', as the mart
        row["rep__region"] = row["rep__region"] or "unknown"
        key = (row["rep__region"], _day(row["metric_time__month"]))
        assert key not in actual, f"two rows for {key}"
        actual[key] = row
    expected = by_key(
        _rows(
            marts,
            "select * from marts.mart_sales_rollup_monthly where rollup_level = 'region'",
        ),
        "rollup_key",
        "month_start_date",
    )
    assert len({k[0] for k in expected}) >= 2, "the demo should have several regions"
    problems = compare(expected, actual, SALES_COLUMNS, SALES_ADDITIVE)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_fiscal_quarter_bookings_equal_the_team_mart(layer, marts) -> None:
    rows = layer.query(["bookings_amount", "win_rate"], ["metric_time__fiscal_quarter"]).as_dicts()
    actual = {r["metric_time__fiscal_quarter"]: r for r in rows}
    expected = {
        r["fiscal_period_label"]: r
        for r in _rows(
            marts,
            """
            select fiscal_period_label, sum(bookings_amount) as bookings_amount,
                sum(won_count)::double / nullif(sum(won_count) + sum(lost_count), 0) as win_rate
            from marts.mart_sales_rollup_monthly
            where rollup_level = 'company'
            group by fiscal_period_label
            """,
        )
    }
    assert len(expected) >= 8, "two years of fiscal quarters"
    problems = compare(
        {(k,): v for k, v in expected.items()},
        {(k,): v for k, v in actual.items()},
        {"bookings_amount": ("bookings_amount", MONEY_TOL), "win_rate": ("win_rate", RATIO_TOL)},
        {"bookings_amount"},
    )
    assert not problems, "\n".join(problems[:20])


def test_open_pipeline_is_the_last_day_of_each_month_by_region(layer, marts) -> None:
    """Open and weighted pipeline are stocks: a month's is its last day's in the mart."""
    metrics = ["open_pipeline_amount", "weighted_pipeline_amount", "open_pipeline_count"]
    rows = layer.query(metrics, ["rep__region", "metric_time__month"]).as_dicts()
    actual: dict[tuple, dict] = {}
    for row in rows:
        key = (row["rep__region"] or "unknown", _day(row["metric_time__month"]))
        assert key not in actual, f"two rows for {key}"
        actual[key] = row
    expected = by_key(
        _rows(
            marts,
            """
            with last_days as (
                select date_trunc('month', date_day)::date as month, max(date_day) as day
                from marts.mart_pipeline_daily group by 1
            )
            select coalesce(r.region, 'unknown') as region, l.month,
                sum(p.open_amount) as open_amount, sum(p.weighted_amount) as weighted_amount,
                sum(p.open_count) as open_count
            from marts.mart_pipeline_daily as p
            inner join last_days as l on p.date_day = l.day
            left join marts.dim_rep as r on p.owner_id = r.rep_id
            group by all
            """,
        ),
        "region",
        "month",
    )
    assert len(expected) >= 12
    problems = compare(
        expected,
        actual,
        {
            "open_amount": ("open_pipeline_amount", MONEY_TOL),
            "weighted_amount": ("weighted_pipeline_amount", MONEY_TOL),
            "open_count": ("open_pipeline_count", 0),
        },
        set(metrics),
    )
    assert not problems, "\n".join(problems[:20])


def test_plan_and_quota_attainment_equal_the_plan_and_rep_marts(layer, marts) -> None:
    """Bookings vs plan per month (mart_plan_vs_actual_monthly, every plan month: after as_of_date
    the attainment is NULL, not 0) and quota attainment per rep and month (mart_sales_rep_monthly,
    rep-months with a quota; a rep's quota month after as_of_date has no attainment)."""
    plan = by_key(
        layer.query(["bookings_attainment", "plan_bookings"], ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    expected_plan = by_key(
        _rows(
            marts,
            "select * from marts.mart_plan_vs_actual_monthly",
        ),
        "month_start_date",
    )
    assert len(expected_plan) >= 20
    problems = compare(
        expected_plan,
        {k: v for k, v in plan.items() if k in expected_plan},
        {
            "plan_bookings": ("plan_bookings", MONEY_TOL),
            "bookings_attainment": ("bookings_attainment", RATIO_TOL),
        },
        set(),  # a month without a plan has no plan (NULL), as in the mart
    )
    quota = by_key(
        layer.query(["quota_attainment", "quota_amount"], ["rep", "metric_time__month"]).as_dicts(),
        "rep",
        "metric_time__month",
    )
    expected_quota = by_key(
        _rows(
            marts,
            "select * from marts.mart_sales_rep_monthly where quota_amount > 0",
        ),
        "rep_id",
        "month_start_date",
    )
    assert len(expected_quota) >= 50
    problems += compare(
        expected_quota,
        {k: v for k, v in quota.items() if k in expected_quota},
        {
            "quota_amount": ("quota_amount", MONEY_TOL),
            "attainment": ("quota_attainment", RATIO_TOL),
        },
        {"quota_amount"},
    )
    future_quota_months = _rows(
        marts,
        "select rep_id, month_start_date from marts.mart_targets_monthly "
        "where target_level = 'rep' and is_future_month and quota_bookings > 0",
    )
    assert future_quota_months, "the demo plan has no quota month after as_of_date"
    for row in future_quota_months:
        shown = quota.get((row["rep_id"], row["month_start_date"]), {}).get("quota_attainment")
        if shown is not None:
            problems.append(f"{row}: quota attainment {shown} before the month began")
    assert any(r["is_future_month"] for r in expected_plan.values())
    assert not problems, "\n".join(problems[:20])


# --- revenue -----------------------------------------------------------------------------------

REVENUE_COLUMNS = {
    "starting_mrr": ("starting_mrr", MONEY_TOL),
    "new_mrr": ("new_mrr", MONEY_TOL),
    "reactivation_mrr": ("reactivation_mrr", MONEY_TOL),
    "expansion_mrr": ("expansion_mrr", MONEY_TOL),
    "contraction_mrr": ("contraction_mrr", MONEY_TOL),
    "churn_mrr": ("churn_mrr", MONEY_TOL),
    "mrr": ("mrr", MONEY_TOL),
    "arr": ("arr", MONEY_TOL),
    "net_new_mrr": ("net_new_mrr", MONEY_TOL),
    "starting_customers": ("starting_customers", 0),
    "active_customers": ("active_customers", 0),
    "new_customers": ("new_customers", 0),
    "churned_customers": ("churned_customers", 0),
    "logo_churn_rate": ("logo_churn_rate", RATIO_TOL),
    "gross_mrr_churn_rate": ("gross_mrr_churn_rate", RATIO_TOL),
    "grr": ("grr", RATIO_TOL),
    "nrr": ("nrr", RATIO_TOL),
    "arpa": ("arpa", RATIO_OF_DECIMALS_TOL),
}
REVENUE_RATIOS = {"logo_churn_rate", "gross_mrr_churn_rate", "grr", "nrr", "arpa"}
REVENUE_ADDITIVE = {m for m, _ in REVENUE_COLUMNS.values()} - REVENUE_RATIOS
REVENUE_MART = """
    select *,
        new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churn_mrr as net_new_mrr
    from marts.mart_revenue_monthly
"""


def test_revenue_metrics_equal_the_revenue_mart_for_every_month(layer, marts) -> None:
    actual = by_key(
        layer.query(_metrics(REVENUE_COLUMNS), ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    expected = by_key(_rows(marts, REVENUE_MART + " where segment = 'All'"), "month_start_date")
    assert len(expected) >= 20 and any(r["churned_customers"] for r in expected.values())
    problems = compare(expected, actual, REVENUE_COLUMNS, REVENUE_ADDITIVE)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_revenue_metrics_by_segment_equal_the_revenue_mart(layer, marts) -> None:
    actual = by_key(
        layer.query(
            _metrics(REVENUE_COLUMNS), ["customer_month__segment", "metric_time__month"]
        ).as_dicts(),
        "customer_month__segment",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, REVENUE_MART + " where segment <> 'All'"), "segment", "month_start_date"
    )
    assert len({k[0] for k in expected}) >= 3, "the demo should have several segments"
    problems = compare(expected, actual, REVENUE_COLUMNS, REVENUE_ADDITIVE)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_mrr_is_a_stock_and_movements_are_flows_at_quarter_grain(layer, marts) -> None:
    """A quarter's MRR is its last month's and its starting MRR its first month's start; the
    movements add up over its months (the monthly mart, aggregated here by hand)."""
    actual = by_key(
        layer.query(["mrr", "starting_mrr", "net_new_mrr"], ["metric_time__quarter"]).as_dicts(),
        "metric_time__quarter",
    )
    expected = by_key(
        _rows(
            marts,
            f"""
            select date_trunc('quarter', month_start_date)::date as quarter,
                arg_max(mrr, month_start_date) as mrr,
                arg_min(starting_mrr, month_start_date) as starting_mrr,
                sum(net_new_mrr) as net_new_mrr
            from ({REVENUE_MART}) where segment = 'All'
            group by 1
            """,
        ),
        "quarter",
    )
    problems = compare(
        expected,
        actual,
        {
            "mrr": ("mrr", MONEY_TOL),
            "starting_mrr": ("starting_mrr", MONEY_TOL),
            "net_new_mrr": ("net_new_mrr", MONEY_TOL),
        },
        {"mrr", "starting_mrr", "net_new_mrr"},
    )
    assert not problems, "\n".join(problems[:20])


# --- marketing ---------------------------------------------------------------------------------

MARKETING_COLUMNS = {
    "spend": ("marketing_spend", MONEY_TOL),
    "ad_spend": ("ad_spend", MONEY_TOL),
    "leads": ("leads", 0),
    "mqls": ("mqls", 0),
    "sqls": ("sqls", 0),
    "demo_requests": ("demo_requests", 0),
    "pipeline_sourced": ("pipeline_sourced", MONEY_TOL),
    "new_customers": ("new_customers_acquired", 0),
    "new_arr": ("new_arr", MONEY_TOL),
    "roas": ("roas", RATIO_OF_DECIMALS_TOL),
}
TOTAL_ONLY_COLUMNS = {
    "team_cost": ("team_cost", MONEY_TOL),
    "paid_cac": ("paid_cac", RATIO_OF_DECIMALS_TOL),
    "fully_loaded_cac": ("fully_loaded_cac", RATIO_OF_DECIMALS_TOL),
}
MARKETING_ADDITIVE = {
    "marketing_spend",
    "ad_spend",
    "leads",
    "mqls",
    "sqls",
    "demo_requests",
    "pipeline_sourced",
    "new_customers_acquired",
    "new_arr",
}


def test_marketing_metrics_equal_the_channel_mart_for_every_month(layer, marts) -> None:
    columns = {**MARKETING_COLUMNS, **TOTAL_ONLY_COLUMNS}
    actual = by_key(
        layer.query(_metrics(columns), ["metric_time__month"]).as_dicts(), "metric_time__month"
    )
    mart = _rows(
        marts,
        "select * replace (coalesce(ad_spend, 0) as ad_spend) "
        "from marts.mart_marketing_channel_monthly where is_total",
    )
    expected = by_key(mart, "month_start_date")
    assert any(r["paid_cac"] for r in expected.values()), "the demo should have a paid CAC"
    problems = compare(expected, actual, columns, MARKETING_ADDITIVE)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_cac_and_roas_by_channel_equal_the_channel_mart(layer, marts) -> None:
    """paid_cac sliced by channel is the mart's CAC by channel; ROAS per channel-month."""
    actual = by_key(
        layer.query(
            ["paid_cac", "roas", "marketing_spend", "new_customers_acquired"],
            ["marketing_channel_month__channel", "metric_time__month"],
        ).as_dicts(),
        "marketing_channel_month__channel",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_marketing_channel_monthly where not is_total"),
        "channel",
        "month_start_date",
    )
    assert any(r["cac_by_channel"] for r in expected.values())
    problems = compare(
        expected,
        actual,
        {
            "cac_by_channel": ("paid_cac", RATIO_OF_DECIMALS_TOL),
            "roas": ("roas", RATIO_OF_DECIMALS_TOL),
            "spend": ("marketing_spend", MONEY_TOL),
            "new_customers": ("new_customers_acquired", 0),
        },
        {"marketing_spend", "new_customers_acquired"},
    )
    assert not problems, "\n".join(problems[:20])


def test_ad_spend_by_channel_equals_the_channel_mart(layer, marts) -> None:
    """Ad spend comes from the daily fact, not from the channel mart: per channel and month."""
    actual = by_key(
        layer.query(["ad_spend"], ["ad_spend_day__channel", "metric_time__month"]).as_dicts(),
        "ad_spend_day__channel",
        "metric_time__month",
    )
    expected = by_key(
        _rows(
            marts,
            "select channel, month_start_date, ad_spend from marts.mart_marketing_channel_monthly "
            "where not is_total and ad_spend is not null",
        ),
        "channel",
        "month_start_date",
    )
    assert len(expected) >= 20
    problems = compare(expected, actual, {"ad_spend": ("ad_spend", MONEY_TOL)}, {"ad_spend"})
    assert not problems, "\n".join(problems[:20])


FUNNEL_COLUMNS = {
    "leads": ("cohort_leads", 0),
    "customers": ("cohort_customers", 0),
    "lead_to_mql_rate": ("lead_to_mql_rate", RATIO_TOL),
    "mql_to_sql_rate": ("mql_to_sql_rate", RATIO_TOL),
    "sql_to_opportunity_rate": ("sql_to_opportunity_rate", RATIO_TOL),
    "opportunity_to_customer_rate": ("opportunity_to_customer_rate", RATIO_TOL),
    "lead_to_customer_rate": ("lead_to_customer_rate", RATIO_TOL),
}


def test_funnel_rates_equal_the_funnel_mart_for_every_cohort_and_channel(layer, marts) -> None:
    actual = by_key(
        layer.query(
            _metrics(FUNNEL_COLUMNS), ["funnel_cohort__first_touch_channel", "metric_time__month"]
        ).as_dicts(),
        "funnel_cohort__first_touch_channel",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_funnel_cohort_monthly"),
        "first_touch_channel",
        "cohort_month",
    )
    assert len(expected) >= 20
    problems = compare(expected, actual, FUNNEL_COLUMNS, {"cohort_leads", "cohort_customers"})
    assert not problems, "\n".join(problems[:20])


SCORECARD_COLUMNS = {
    "demo_requests": ("demo_requests_by_week", 0),
    "pipeline_created": ("pipeline_created_amount", MONEY_TOL),
    "opportunities_created": ("opportunities_created", 0),
    "opportunities_won": ("won_count", 0),
    "opportunities_lost": ("lost_count", 0),
    "win_rate": ("win_rate", RATIO_TOL),
    "win_rate_amount": ("win_rate_amount", RATIO_TOL),
    "cohort_won_count": ("cohort_won_count", 0),
    "cohort_win_rate": ("cohort_win_rate", RATIO_TOL),
}


def test_weekly_metrics_equal_the_scorecard_for_every_week(layer, marts) -> None:
    """The leadership page's weekly numbers, by ISO week (MetricFlow's week starts Monday)."""
    actual = by_key(
        layer.query(_metrics(SCORECARD_COLUMNS), ["metric_time__week"]).as_dicts(),
        "metric_time__week",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_revenue_scorecard_weekly"), "week_start_date"
    )
    assert sum(r["demo_requests"] or 0 for r in expected.values()) > 0
    assert len(expected) >= 80, "two years of weeks"
    additive = {m for m, _ in SCORECARD_COLUMNS.values() if "rate" not in m}
    problems = compare(expected, actual, SCORECARD_COLUMNS, additive)
    assert not problems, "\n".join(problems[:20])


# --- forecast, per-rep denominators, stage conversion, loss reasons ----------------------------

FORECAST_COLUMNS = {
    "closed_won_amount": ("forecast_closed_won_amount", MONEY_TOL),
    "open_pipeline_amount": ("forecast_open_pipeline_amount", MONEY_TOL),
    "quota_remaining_amount": ("quota_remaining_amount", MONEY_TOL),
    "forecast_amount": ("sales_forecast", MONEY_TOL),
    "crm_forecast_amount": ("crm_sales_forecast", MONEY_TOL),
    "commit_forecast_amount": ("commit_forecast", MONEY_TOL),
    "best_case_forecast_amount": ("best_case_forecast", MONEY_TOL),
    "pipeline_coverage": ("pipeline_coverage", RATIO_OF_DECIMALS_TOL),
    "backtest_bias": ("forecast_backtest_bias", RATIO_OF_DECIMALS_TOL),
    "backtest_absolute_percentage_error": (
        "forecast_backtest_absolute_percentage_error",
        RATIO_OF_DECIMALS_TOL,
    ),
}


def test_forecast_and_coverage_equal_the_forecast_mart_for_every_rep_and_month(
    layer, marts
) -> None:
    actual = by_key(
        layer.query(_metrics(FORECAST_COLUMNS), ["rep", "metric_time__month"]).as_dicts(),
        "rep",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_forecast_monthly"), "owner_id", "month_start_date"
    )
    assert any(r["pipeline_coverage"] for r in expected.values()), "the demo should have coverage"
    assert sum(r["backtest_bias"] is not None for r in expected.values()) >= 20
    additive = {m for m, _ in FORECAST_COLUMNS.values()} - {
        "pipeline_coverage",
        "forecast_backtest_bias",
        "forecast_backtest_absolute_percentage_error",
        "quota_remaining_amount",  # NULL for a rep without a quota, as in the mart
    }
    problems = compare(expected, actual, FORECAST_COLUMNS, additive)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_forecast_backtest_of_the_company_equals_the_backtest_mart(layer, marts) -> None:
    """Bias and APE of the company's sums per complete month, and the bias over the trailing 12
    complete months (MetricFlow cumulative metrics over the complete months' amounts)."""
    actual = by_key(
        layer.query(
            [
                "forecast_backtest_bias",
                "forecast_backtest_absolute_percentage_error",
                "forecast_backtest_bias_trailing_12_months",
            ],
            ["metric_time__month"],
        ).as_dicts(),
        "metric_time__month",
    )
    expected = by_key(
        _rows(
            marts,
            "select * from marts.mart_forecast_backtest_monthly where is_complete_month",
        ),
        "month_start_date",
    )
    assert len(expected) >= 20
    assert sum(r["backtest_bias_trailing_12_months"] is not None for r in expected.values()) >= 20
    problems = compare(
        expected,
        {k: v for k, v in actual.items() if k in expected},
        {
            "backtest_bias": ("forecast_backtest_bias", RATIO_OF_DECIMALS_TOL),
            "backtest_absolute_percentage_error": (
                "forecast_backtest_absolute_percentage_error",
                RATIO_OF_DECIMALS_TOL,
            ),
            "backtest_bias_trailing_12_months": (
                "forecast_backtest_bias_trailing_12_months",
                RATIO_OF_DECIMALS_TOL,
            ),
        },
    )
    assert not problems, "\n".join(problems[:20])


def test_year_ago_and_previous_month_comparisons_equal_the_rep_mart(layer, marts) -> None:
    """offset_window metrics per rep and month against the rep mart's comparison columns, where
    the mart has the earlier period (before the first data month the mart says NULL, unknown;
    MetricFlow says 0, as bookings_amount fills no booking with 0)."""
    columns = {
        "bookings_amount_last_month": ("bookings_amount_last_month", MONEY_TOL),
        "bookings_amount_last_year": ("bookings_amount_last_year", MONEY_TOL),
        "bookings_amount_change_vs_last_year": ("bookings_amount_change_vs_last_year", MONEY_TOL),
        "bookings_amount_ratio_vs_last_year": ("bookings_amount_ratio_vs_last_year", RATIO_TOL),
        "win_rate_last_year": ("win_rate_last_year", RATIO_TOL),
    }
    actual = by_key(
        layer.query(_metrics(columns), ["opportunity__owner_id", "metric_time__month"]).as_dicts(),
        "opportunity__owner_id",
        "metric_time__month",
    )
    expected = by_key(
        _rows(
            marts,
            "select * from marts.mart_sales_rep_monthly "
            "where bookings_amount_last_year is not null",
        ),
        "rep_id",
        "month_start_date",
    )
    assert len(expected) >= 50 and any(r["win_rate_last_year"] for r in expected.values())
    problems = compare(
        expected,
        {k: v for k, v in actual.items() if k in expected},
        columns,
        {
            "bookings_amount_last_month",
            "bookings_amount_last_year",
            "bookings_amount_change_vs_last_year",
        },
    )
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


PER_REP_COLUMNS = {
    "active_quota_carrying_reps": ("active_quota_carrying_reps", 0),
    "reps_with_quota": ("reps_with_quota", 0),
    "reps_attainment_met": ("reps_at_quota", 0),
    "revenue_per_rep": ("revenue_per_rep", RATIO_OF_DECIMALS_TOL),
    "share_reps_attainment_met": ("share_reps_at_quota", RATIO_TOL),
}
SELLING_TIME_COLUMNS = {
    "available_selling_hours": ("available_selling_hours", RATIO_TOL),
    "selling_time_share": ("selling_time_share", RATIO_TOL),
}


def test_per_rep_metrics_equal_the_rollup_mart_by_region_and_month(layer, marts) -> None:
    """Revenue per rep, share of reps at quota and selling time share, by region (their
    denominators from the rep-months, the bookings from the opportunities)."""
    columns = {**PER_REP_COLUMNS, **SELLING_TIME_COLUMNS}
    rows = layer.query(_metrics(columns), ["rep__region", "metric_time__month"]).as_dicts()
    actual: dict[tuple, dict] = {}
    for row in rows:  # opportunities without a rep in dim_rep roll up under 'unknown', as the mart
        key = (row["rep__region"] or "unknown", _day(row["metric_time__month"]))
        assert key not in actual, f"two rows for {key}"
        actual[key] = row
    expected = by_key(
        _rows(marts, "select * from marts.mart_sales_rollup_monthly where rollup_level = 'region'"),
        "rollup_key",
        "month_start_date",
    )
    assert any(r["share_reps_attainment_met"] for r in expected.values())
    assert any(r["selling_time_share"] for r in expected.values())
    counts = {"active_quota_carrying_reps", "reps_with_quota", "reps_at_quota"}
    problems = compare(expected, actual, columns, counts)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_per_rep_metrics_of_the_company_equal_the_team_mart(layer, marts) -> None:
    actual = by_key(
        layer.query(_metrics(PER_REP_COLUMNS), ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_sales_team_monthly"), "month_start_date"
    )
    assert len(expected) >= 20
    counts = {"active_quota_carrying_reps", "reps_with_quota", "reps_at_quota"}
    problems = compare(expected, actual, PER_REP_COLUMNS, counts)
    assert not problems, "\n".join(problems[:20])


def test_required_activity_equals_the_rep_mart(layer, marts) -> None:
    actual = by_key(
        layer.query(
            ["deals_needed", "activities_needed"], ["rep", "metric_time__month"]
        ).as_dicts(),
        "rep",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_sales_rep_monthly"), "rep_id", "month_start_date"
    )
    assert any(r["deals_needed"] for r in expected.values())
    problems = compare(
        expected,
        actual,
        {
            "deals_needed": ("deals_needed", RATIO_TOL),
            "activities_needed": ("activities_needed", RATIO_TOL),
        },
    )
    assert not problems, "\n".join(problems[:20])


def test_stage_conversion_and_velocity_equal_the_stage_mart(layer, marts) -> None:
    actual = by_key(
        layer.query(
            [
                "opportunities_reached_stage",
                "stage_conversion_rate",
                "completed_stage_stays",
                "mean_days_in_stage",
            ],
            ["stage_quarter__stage_name", "metric_time__month"],
        ).as_dicts(),
        "stage_quarter__stage_name",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_stage_conversion_quarterly"),
        "stage_name",
        "fiscal_quarter_start_date",
    )
    assert len(expected) >= 20 and any(r["mean_days_in_stage"] for r in expected.values())
    problems = compare(
        expected,
        actual,
        {
            "opportunities_reached": ("opportunities_reached_stage", 0),
            "conversion_rate": ("stage_conversion_rate", RATIO_TOL),
            "completed_stays": ("completed_stage_stays", 0),
            "mean_days_in_stage": ("mean_days_in_stage", RATIO_TOL),
        },
        {"opportunities_reached_stage", "completed_stage_stays"},
    )
    assert not problems, "\n".join(problems[:20])


def test_loss_reasons_equal_the_loss_mart_and_add_up_to_the_lost_deals(layer, marts) -> None:
    group_by = ["loss_reason_month__loss_reason", "loss_reason_month__competitor"]
    actual = by_key(
        layer.query(
            ["lost_opportunities", "lost_amount"], [*group_by, "metric_time__month"]
        ).as_dicts(),
        *group_by,
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_loss_reasons_monthly"),
        "loss_reason",
        "competitor",
        "month_start_date",
    )
    assert len({k[0] for k in expected}) >= 3, "the demo should have several loss reasons"
    problems = compare(
        expected,
        actual,
        {
            "lost_opportunities": ("lost_opportunities", 0),
            "lost_amount": ("lost_amount", MONEY_TOL),
        },
        {"lost_opportunities", "lost_amount"},
    )
    # every month's reasons add up to the opportunities the fact says were lost
    monthly = by_key(
        layer.query(["lost_opportunities", "lost_count"], ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    problems += [
        f"{k}: {r}"
        for k, r in monthly.items()
        if (r["lost_opportunities"] or 0) != (r["lost_count"] or 0)
    ]
    assert not problems, "\n".join(problems[:20])


def test_price_realisation_equals_the_product_mart_for_every_product_and_month(
    layer, marts
) -> None:
    actual = by_key(
        layer.query(
            ["price_realisation", "share_won_above_list", "won_list_amount", "product_won_deals"],
            ["product", "metric_time__month"],
        ).as_dicts(),
        "product",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_product_monthly"), "product_id", "month_start_date"
    )
    assert any(r["won_above_list_count"] for r in expected.values())
    problems = compare(
        expected,
        actual,
        {
            "price_realisation": ("price_realisation", RATIO_TOL),
            "share_won_above_list": ("share_won_above_list", RATIO_TOL),
            "won_list_amount": ("won_list_amount", MONEY_TOL),
            "won_count": ("product_won_deals", 0),
        },
        {"product_won_deals"},
    )
    assert not problems, "\n".join(problems[:20])


def test_mrr_realisation_equals_the_billing_product_mart(layer, marts) -> None:
    """Per product and month the mart's column; per month the realised / list MRR of all
    products, summed here from the mart's rows."""
    columns = {
        "list_mrr": ("list_mrr", MONEY_TOL),
        "mrr": ("realised_mrr", MONEY_TOL),
        "mrr_realisation": ("mrr_realisation", RATIO_TOL),
    }
    per_product = by_key(
        layer.query(
            _metrics(columns), ["billing_product_month__product_name", "metric_time__month"]
        ).as_dicts(),
        "billing_product_month__product_name",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_billing_product_monthly"),
        "product_name",
        "month_start_date",
    )
    assert any(r["mrr_realisation"] < 1 for r in expected.values()), "the demo has discounts"
    problems = compare(expected, per_product, columns, {"list_mrr", "realised_mrr"})
    monthly = by_key(
        _rows(
            marts,
            """
            select month_start_date, sum(list_mrr) as list_mrr, sum(mrr) as mrr,
                sum(mrr) / nullif(sum(list_mrr), 0) as mrr_realisation
            from marts.mart_billing_product_monthly group by 1
            """,
        ),
        "month_start_date",
    )
    total = by_key(
        layer.query(_metrics(columns), ["metric_time__month"]).as_dicts(), "metric_time__month"
    )
    problems += compare(monthly, total, columns, {"list_mrr", "realised_mrr"})
    assert not problems, "\n".join(problems[:20])


# --- revenue: churn reasons, unit economics, billing, annual retention --------------------------


def test_churn_reasons_equal_the_churn_mart_and_the_revenue_mart(layer, marts) -> None:
    group_by = ["customer_churn__cancellation_reason", "customer_churn__cancellation_feedback"]
    actual = by_key(
        layer.query(
            ["customer_churns", "customer_churn_mrr"], [*group_by, "metric_time__month"]
        ).as_dicts(),
        *group_by,
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_churn_reasons_monthly"),
        "cancellation_reason",
        "cancellation_feedback",
        "month_start_date",
    )
    assert len({k[0] for k in expected}) >= 2, "the demo should have several churn reasons"
    additive = {"customer_churns", "customer_churn_mrr"}
    problems = compare(
        expected,
        actual,
        {
            "churned_customers": ("customer_churns", 0),
            "churned_mrr": ("customer_churn_mrr", MONEY_TOL),
        },
        additive,
    )
    monthly = by_key(
        layer.query(sorted(additive), ["metric_time__month"]).as_dicts(), "metric_time__month"
    )
    revenue = by_key(_rows(marts, REVENUE_MART + " where segment = 'All'"), "month_start_date")
    problems += compare(
        {k: v for k, v in revenue.items() if v["churned_customers"]},
        monthly,
        {
            "churned_customers": ("customer_churns", 0),
            "churn_mrr": ("customer_churn_mrr", MONEY_TOL),
        },
        additive,
    )
    assert not problems, "\n".join(problems[:20])


UNIT_ECONOMICS_COLUMNS = {
    "ltv": ("ltv", MONEY_TOL),
    "expected_lifetime_months": ("expected_lifetime_months", RATIO_TOL),
    "new_customer_arpa": ("new_customer_arpa", RATIO_OF_DECIMALS_TOL),
    "ltv_to_paid_cac": ("ltv_to_paid_cac", RATIO_OF_DECIMALS_TOL),
    "ltv_to_fully_loaded_cac": ("ltv_to_fully_loaded_cac", RATIO_OF_DECIMALS_TOL),
    "paid_cac_payback_months": ("paid_cac_payback_months", RATIO_OF_DECIMALS_TOL),
    "fully_loaded_cac_payback_months": ("fully_loaded_cac_payback_months", RATIO_OF_DECIMALS_TOL),
}


def test_ltv_cac_and_payback_equal_the_unit_economics_mart_for_every_month(layer, marts) -> None:
    actual = by_key(
        layer.query(_metrics(UNIT_ECONOMICS_COLUMNS), ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_unit_economics_monthly"), "month_start_date"
    )
    assert sum(r["ltv_to_paid_cac"] is not None for r in expected.values()) >= 12
    assert sum(r["paid_cac_payback_months"] is not None for r in expected.values()) >= 12
    problems = compare(
        expected, {k: v for k, v in actual.items() if k in expected}, UNIT_ECONOMICS_COLUMNS
    )
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


BILLING_COLUMNS = {
    "invoiced": ("invoiced_amount", MONEY_TOL),
    "collected": ("collected_amount", MONEY_TOL),
    "refunded": ("refunded_amount", MONEY_TOL),
    "net_collected": ("net_collected_amount", MONEY_TOL),
    "invoice_count": ("invoice_count", 0),
    "charge_count": ("charge_count", 0),
    "failed_charge_count": ("failed_charge_count", 0),
}


def test_billed_and_collected_revenue_equal_the_billing_mart(layer, marts) -> None:
    actual = by_key(
        layer.query(_metrics(BILLING_COLUMNS), ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    expected = by_key(_rows(marts, "select * from marts.mart_billing_monthly"), "month_start_date")
    assert len(expected) >= 20 and any(r["refunded"] for r in expected.values())
    problems = compare(expected, actual, BILLING_COLUMNS, set())
    # a quarter's billing is the sum of its months
    quarters = by_key(
        layer.query(["net_collected_amount"], ["metric_time__quarter"]).as_dicts(),
        "metric_time__quarter",
    )
    by_quarter: dict[tuple, dict] = {}
    for (month,), row in expected.items():
        key = (month.replace(month=(month.month - 1) // 3 * 3 + 1),)
        acc = by_quarter.setdefault(key, {"net_collected": 0})
        acc["net_collected"] += row["net_collected"]
    problems += compare(
        by_quarter, quarters, {"net_collected": ("net_collected_amount", MONEY_TOL)}
    )
    assert not problems, "\n".join(problems[:20])


def test_annual_nrr_and_grr_equal_the_revenue_mart(layer, marts) -> None:
    actual = by_key(
        layer.query(["nrr_annual", "grr_annual"], ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    expected = by_key(_rows(marts, REVENUE_MART + " where segment = 'All'"), "month_start_date")
    assert sum(r["nrr_annual"] is not None for r in expected.values()) >= 6
    problems = compare(
        expected,
        actual,
        {"nrr_annual": ("nrr_annual", RATIO_TOL), "grr_annual": ("grr_annual", RATIO_TOL)},
    )
    assert not problems, "\n".join(problems[:20])


# --- marketing budget, NPS, retention cohorts ---------------------------------------------------

BUDGET_COLUMNS = {
    "budget": ("marketing_budget", MONEY_TOL),
    "budget_to_date": ("marketing_budget_to_date", MONEY_TOL),
    "spend": ("budgeted_period_spend", MONEY_TOL),
    "spend_variance": ("budget_variance", MONEY_TOL),
    "budget_used_rate": ("budget_used_rate", RATIO_OF_DECIMALS_TOL),
    "pacing": ("budget_pacing", RATIO_OF_DECIMALS_TOL),
}


def test_budget_vs_spend_equals_the_budget_mart_by_channel_and_in_total(layer, marts) -> None:
    by_channel = by_key(
        layer.query(
            _metrics(BUDGET_COLUMNS), ["budget_channel_month__channel", "metric_time__month"]
        ).as_dicts(),
        "budget_channel_month__channel",
        "metric_time__month",
    )
    mart = _rows(marts, "select * from marts.mart_marketing_budget_monthly")
    expected = by_key(
        [r for r in mart if r["is_channel_total"] and not r["is_total"]],
        "channel",
        "month_start_date",
    )
    assert any(r["budget"] is None for r in expected.values()), "an unbudgeted channel"
    assert any(r["pacing"] for r in expected.values())
    problems = compare(expected, by_channel, BUDGET_COLUMNS)
    total = by_key(
        layer.query(_metrics(BUDGET_COLUMNS), ["metric_time__month"]).as_dicts(),
        "metric_time__month",
    )
    problems += compare(
        by_key([r for r in mart if r["is_total"]], "month_start_date"), total, BUDGET_COLUMNS
    )
    assert not problems, "\n".join(problems[:20])


NPS_COLUMNS = {
    "nps_responses": ("nps_responses", 0),
    "promoters": ("nps_promoters", 0),
    "detractors": ("nps_detractors", 0),
    "nps": ("nps", RATIO_TOL),
}


def test_nps_equals_the_customer_health_mart_by_segment_and_in_total(layer, marts) -> None:
    counts = {"nps_responses", "nps_promoters", "nps_detractors"}
    by_segment = by_key(
        layer.query(_metrics(NPS_COLUMNS), ["nps_month__segment", "metric_time__month"]).as_dicts(),
        "nps_month__segment",
        "metric_time__month",
    )
    mart = _rows(marts, "select * from marts.mart_customer_health")
    expected = by_key([r for r in mart if r["segment"] != "All"], "segment", "month_start_date")
    assert sum(r["nps_responses"] for r in expected.values()) > 50
    problems = compare(expected, by_segment, NPS_COLUMNS, counts)
    total = by_key(
        layer.query(_metrics(NPS_COLUMNS), ["metric_time__month"]).as_dicts(), "metric_time__month"
    )
    problems += compare(
        by_key([r for r in mart if r["segment"] == "All"], "month_start_date"),
        total,
        NPS_COLUMNS,
        counts,
    )
    assert not problems, "\n".join(problems[:20])


def test_retention_equals_the_cohort_mart_for_every_cohort_and_age(layer, marts) -> None:
    actual = by_key(
        layer.query(
            ["logo_retention", "mrr_retention", "retention_customers_active"],
            ["retention_cohort__months_since", "metric_time__month"],
        ).as_dicts(),
        "retention_cohort__months_since",
        "metric_time__month",
    )
    expected = by_key(
        _rows(marts, "select * from marts.mart_retention_cohorts"), "months_since", "cohort_month"
    )
    assert len(expected) >= 100
    problems = compare(
        expected,
        actual,
        {
            "logo_retention": ("logo_retention", RATIO_TOL),
            "mrr_retention": ("mrr_retention", RATIO_OF_DECIMALS_TOL),
            "customers_active": ("retention_customers_active", 0),
        },
        {"retention_customers_active"},
    )
    assert not problems, "\n".join(problems[:20])


def test_the_semantic_layer_exposure_lists_every_model_the_semantic_models_read() -> None:
    """dbt docs' lineage of the semantic layer (models/exposures.yml) stays complete."""
    semantic = json.loads(SEMANTIC_MANIFEST.read_text())
    read = {m["node_relation"]["alias"] for m in semantic["semantic_models"]}
    manifest = json.loads((SEMANTIC_MANIFEST.parent / "manifest.json").read_text())
    exposure = next(e for e in manifest["exposures"].values() if e["name"] == "semantic_layer")
    listed = {node.rsplit(".", 1)[-1] for node in exposure["depends_on"]["nodes"]}
    assert len(read) >= 20
    assert read <= listed, f"not in the exposure: {sorted(read - listed)}"


# --- `make metrics`: MetricFlow's own CLI on the published file ---------------------------------


def test_mf_cli_answers_win_rate_by_region_and_quarter_from_the_published_file(
    published: Path, marts, tmp_path: Path
) -> None:
    out = tmp_path / "answer.csv"
    env = {
        **os.environ,
        "REVOPS_DBT_TARGET": "published",
        "REVOPS_PUBLISHED": str(published.parent),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # the profile attaches the published file under the stem of REVOPS_WAREHOUSE: the database
    # name the semantic manifest's relations carry (the warehouse's stem when dbt parsed)
    from revops.semantic import manifest_database

    env["REVOPS_WAREHOUSE"] = str(tmp_path / f"{manifest_database(SEMANTIC_MANIFEST)}.duckdb")
    mf = Path(sys.executable).with_name("mf")
    proc = subprocess.run(
        [
            str(mf),
            "query",
            "--metrics",
            "win_rate",
            "--group-by",
            "rep__region,metric_time__quarter",
            "--csv",
            str(out),
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    with out.open() as f:
        answer = {
            ((r["rep__region"] or "unknown"), r["metric_time__quarter"][:10]): r["win_rate"]
            for r in csv.DictReader(f)
        }
    expected = {
        (r["rollup_key"], str(r["quarter"])): r["win_rate"]
        for r in _rows(
            marts,
            """
            select rollup_key, date_trunc('quarter', month_start_date)::date as quarter,
                sum(won_count)::double / nullif(sum(won_count) + sum(lost_count), 0) as win_rate
            from marts.mart_sales_rollup_monthly
            where rollup_level = 'region'
            group by all
            having sum(won_count) + sum(lost_count) > 0
            """,
        )
    }
    assert len(expected) >= 8
    for key, want in expected.items():
        assert key in answer, f"no answer for {key}: {sorted(answer)[:10]}"
        assert abs(float(answer[key]) - want) <= RATIO_TOL, (key, answer[key], want)
