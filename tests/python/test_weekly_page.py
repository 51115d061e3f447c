"""The weekly revenue page in a real browser: Debian's Chromium, driven by Playwright, opens the
page the session's demo run wrote (revops_daily builds it after publication) from disk.

It must load with no console error and no network request, draw every chart as a non-empty
SVG with axis titles, print to PDF, and show the numbers of the published marts for the as-of
week. The expected numbers are computed here by SQL of this test's own on the published file,
from other marts or the fact tables where one exists (the MRR bridge from fct_mrr_movements,
the week's win rate from fct_opportunities, the 13 weeks from mart_plan_vs_actual_weekly), never
by the page's code. A screenshot and the PDF are saved under target/.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
from conftest import E2E_END

from helpers import PROJECT_DIR

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("REVOPS_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-background-networking"]
SCREENSHOT = PROJECT_DIR / "target" / "weekly_page.png"
PDF = PROJECT_DIR / "target" / "weekly_page.pdf"
CHARTS = {
    "chart-bookings",
    "chart-pipeline",
    "chart-demo-requests",
    "chart-sqls",
    "chart-mrr-bridge",
    "chart-forecast",
    "chart-win-rate",
    "chart-cycle",
}
AS_OF = E2E_END  # the demo run's window ends on the data's last day: its as_of_date
WEEK = AS_OF - timedelta(days=AS_OF.weekday())

# Everything the test reads from the page, in one evaluation once the charts are drawn.
READ_PAGE = """() => {
  const data = (el) => Object.assign({}, el.dataset);
  const charts = {};
  document.querySelectorAll('.js-plotly-plot').forEach((el) => {
    const svg = el.querySelector('svg.main-svg');
    const marks = el.querySelectorAll('g.trace path, g.trace .point, g.trace .bars path');
    charts[el.id] = {
      svg: !!svg,
      width: svg ? svg.getBoundingClientRect().width : 0,
      height: svg ? svg.getBoundingClientRect().height : 0,
      marks: Array.from(marks).filter((p) => (p.getAttribute('d') || 'x') !== 'M0,0Z').length,
      xtitle: (el.querySelector('.g-xtitle text') || {}).textContent || '',
      ytitle: (el.querySelector('.g-ytitle text') || {}).textContent || '',
      traces: el.data.map((t) => ({name: t.name, type: t.type, x: t.x, y: t.y})),
    };
  });
  return {
    body: data(document.body),
    tiles: Object.fromEntries(
      Array.from(document.querySelectorAll('.tile')).map((el) => [el.id, data(el)])),
    bridge: Array.from(document.querySelectorAll('#mrr-bridge td')).map(data),
    leaderboard: Array.from(document.querySelectorAll('#leaderboard tbody tr')).map(data),
    accounts: Array.from(document.querySelectorAll('ul.accounts li')).map(data),
    freshness: data(document.getElementById('freshness')),
    checks: data(document.getElementById('checks')),
    charts: charts,
  };
}"""


@dataclass(frozen=True)
class Loaded:
    shown: dict[str, Any]
    console_errors: list[str]
    requests: list[str]
    pdf: bytes


@pytest.fixture(scope="module")
def published(demo_run, pipeline_env) -> Path:
    _, result = demo_run
    assert result.success, "the revops_daily job failed: no page to test"
    return pipeline_env.warehouse.parent / "published" / "revops.duckdb"


@pytest.fixture(scope="module")
def loaded(published: Path, pipeline_env) -> Loaded:
    from playwright.sync_api import sync_playwright

    index = pipeline_env.warehouse.parent / "weekly_page" / "index.html"
    assert index.is_file(), f"the daily job wrote no page at {index}"
    assert (index.parent / "plotly.min.js").is_file(), "plotly.min.js is not beside the page"
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make chromium` installs it"
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(index.as_uri(), wait_until="load")
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot svg.main-svg').length"
                f" >= {len(CHARTS)}",
                timeout=30_000,
            )
            shown = page.evaluate(READ_PAGE)
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            page.emulate_media(media="print")
            pdf = page.pdf(path=str(PDF), format="A4", landscape=True, print_background=True)
        finally:
            browser.close()
    return Loaded(shown, errors, requests, pdf)


def query(published: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def value(text: str | None) -> float | None:
    return None if text in (None, "") else float(text)


def close(shown: str | None, expected: Any) -> bool:
    if expected is None:
        return shown in (None, "")
    return shown not in (None, "") and abs(float(shown) - float(expected)) <= 1e-6 * max(
        1.0, abs(float(expected))
    )


def test_page_loads_offline_without_console_errors(loaded: Loaded) -> None:
    assert loaded.console_errors == []
    outside = [u for u in loaded.requests if not u.startswith("file://")]
    assert outside == [], f"the page asked the network for {outside}"
    assert any(u.endswith("/plotly.min.js") for u in loaded.requests)


def test_every_chart_draws_a_non_empty_svg_with_axis_titles(loaded: Loaded) -> None:
    charts = loaded.shown["charts"]
    assert set(charts) == CHARTS
    for name, chart in charts.items():
        assert chart["svg"] and chart["width"] > 200 and chart["height"] > 150, name
        assert chart["marks"] > 0, f"{name}: no bar, line or point drawn"
        assert chart["xtitle"] and chart["ytitle"], f"{name}: an axis has no title"


def test_page_is_for_the_as_of_week(loaded: Loaded) -> None:
    assert loaded.shown["body"] == {"asOfDate": AS_OF.isoformat(), "weekStart": WEEK.isoformat()}


def test_week_tiles_equal_the_published_marts(loaded: Loaded, published: Path) -> None:
    tiles = loaded.shown["tiles"]
    (row,) = query(
        published,
        "select actual_bookings, plan_bookings, actual_pipeline_created, plan_pipeline_created,"
        " actual_demo_requests, plan_demo_requests, actual_sqls, plan_sqls"
        " from marts.mart_plan_vs_actual_weekly where week_start_date = ?",
        [WEEK],
    )
    expected = {
        "kpi-bookings": row[0:2],
        "kpi-pipeline": row[2:4],
        "kpi-demo-requests": row[4:6],
        "kpi-sqls": row[6:8],
    }
    for tile, (actual, target) in expected.items():
        assert close(tiles[tile]["actual"], actual), (tile, tiles[tile], actual)
        assert close(tiles[tile]["target"], target), (tile, tiles[tile], target)
    # the week's win rate from the opportunities themselves: won / (won + lost) closed in it
    ((won, lost),) = query(
        published,
        "select count(*) filter (where is_won), count(*) filter (where is_lost)"
        " from marts.fct_opportunities where is_closed and close_date between ? and ?",
        [WEEK, AS_OF],
    )
    win_rate = won / (won + lost) if won + lost else None
    assert close(tiles["kpi-win-rate"]["actual"], win_rate)


def test_thirteen_week_charts_equal_the_published_marts(loaded: Loaded, published: Path) -> None:
    rows = query(
        published,
        "select week_start_date, actual_bookings, plan_bookings, actual_pipeline_created,"
        " plan_pipeline_created, actual_demo_requests, plan_demo_requests, actual_sqls, plan_sqls"
        " from marts.mart_plan_vs_actual_weekly where week_start_date between ? and ?"
        " order by week_start_date",
        [WEEK - timedelta(weeks=12), WEEK],
    )
    assert len(rows) == 13
    weeks = [r[0].isoformat() for r in rows]
    for chart, column in (
        ("chart-bookings", 1),
        ("chart-pipeline", 3),
        ("chart-demo-requests", 5),
        ("chart-sqls", 7),
    ):
        actual, target = loaded.shown["charts"][chart]["traces"]
        assert actual["x"] == weeks and target["x"] == weeks, chart
        for shown, expected in zip(actual["y"], [r[column] for r in rows], strict=True):
            assert close(_str(shown), expected), (chart, "actual", actual["y"])
        for shown, expected in zip(target["y"], [r[column + 1] for r in rows], strict=True):
            assert close(_str(shown), expected), (chart, "target", target["y"])


def _str(number: float | None) -> str | None:
    return None if number is None else repr(number)


def test_mrr_bridge_equals_the_month_of_movements(loaded: Loaded, published: Path) -> None:
    ((start, new, react, expansion, contraction, churn, end),) = query(
        published,
        "select sum(starting_mrr), sum(new_mrr), sum(reactivation_mrr), sum(expansion_mrr),"
        " sum(contraction_mrr), sum(churn_mrr), sum(ending_mrr)"
        " from marts.fct_mrr_movements where month_start_date = ?",
        [AS_OF.replace(day=1)],
    )
    shown = {c["movement"]: c["value"] for c in loaded.shown["bridge"]}
    expected = {
        "starting_mrr": start,
        "new_mrr": new,
        "reactivation_mrr": react,
        "expansion_mrr": expansion,
        "contraction_mrr": contraction,
        "churn_mrr": churn,
        "mrr": end,
    }
    assert set(shown) == set(expected)
    for key, amount in expected.items():
        assert close(shown[key], amount), (key, shown[key], amount)
    (waterfall,) = loaded.shown["charts"]["chart-mrr-bridge"]["traces"]
    signs = [1, 1, 1, 1, -1, -1]
    steps = [start, new, react, expansion, contraction, churn]
    for y, sign, amount in zip(waterfall["y"][:6], signs, steps, strict=True):
        assert close(_str(y), sign * float(amount))


def test_quarter_forecast_equals_the_published_marts(loaded: Loaded, published: Path) -> None:
    ((forecast, plan),) = query(
        published,
        "with quarter as (select distinct d.month_start_date from marts.dim_date d"
        " join marts.dim_date a on a.date_day = ?"
        " and d.fiscal_year = a.fiscal_year and d.fiscal_quarter = a.fiscal_quarter)"
        " select (select sum(forecast_amount) from marts.mart_forecast_monthly"
        "   where month_start_date in (select * from quarter)),"
        " (select sum(plan_bookings) from marts.mart_plan_vs_actual_monthly"
        "   where month_start_date in (select * from quarter))",
        [AS_OF],
    )
    tile = loaded.shown["tiles"]["kpi-quarter-forecast"]
    assert close(tile["actual"], forecast or 0) and close(tile["target"], plan)


def test_rep_leaderboard_equals_the_published_marts(loaded: Loaded, published: Path) -> None:
    rows = query(
        published,
        "select rep_label, bookings_amount_rank, bookings_amount,"
        " bookings_amount - bookings_amount_last_week, pipeline_created_amount"
        " from marts.mart_sales_rep_weekly where week_start_date = ? and is_peer",
        [WEEK],
    )
    shown = loaded.shown["leaderboard"]
    assert len(shown) == len(rows) > 0
    by_rep = {r["rep"]: r for r in shown}
    for rep, rank, bookings, change, pipeline in rows:
        line = by_rep[rep]
        assert close(line["rank"], rank) and close(line["bookings"], bookings), line
        assert close(line["bookingsChange"], change) and close(line["pipeline"], pipeline), line
    ranks = [value(r["rank"]) for r in shown if r["rank"]]
    assert ranks == sorted(ranks), "the leaderboard is not in rank order"


def test_won_and_lost_accounts_equal_the_published_marts(loaded: Loaded, published: Path) -> None:
    rows = query(
        published,
        "select case when event_type = 'deal_won' then 'green' else 'red' end, record_id,"
        " coalesce(deal_amount, churn_mrr), account_name"
        " from marts.mart_scorecard_accounts_weekly where week_start_date = ?",
        [WEEK],
    )
    shown = {(a["colour"], a["record"]): a for a in loaded.shown["accounts"]}
    assert set(shown) == {(colour, record) for colour, record, _, _ in rows}
    for colour, record, amount, name in rows:
        item = shown[(colour, record)]
        assert close(item["amount"], amount), item
        if name is not None:
            assert item["account"] == name, item


def test_banner_states_freshness_and_failed_checks(
    loaded: Loaded, published: Path, demo_run
) -> None:
    statuses = Counter(
        s for (s,) in query(published, "select freshness_status from marts.dq_source_freshness")
    )
    late = sum(n for s, n in statuses.items() if s not in ("pass", "no_sla"))
    assert loaded.shown["freshness"] == {"tables": str(statuses.total()), "late": str(late)}
    # the demo run is the only run of its (ephemeral) instance: its results are the latest
    _, result = demo_run
    evaluations = result.get_asset_check_evaluations()
    failed = [e for e in evaluations if not e.passed]
    errors = [e for e in failed if e.severity == dg.AssetCheckSeverity.ERROR]
    checks = loaded.shown["checks"]
    assert int(checks["evaluated"]) == len({e.asset_check_key for e in evaluations}) > 0
    assert int(checks["failed"]) == len(failed)
    assert int(checks["errors"]) == len(errors)
    assert int(checks["warnings"]) == len(failed) - len(errors)


def test_page_prints_to_pdf_and_a_screenshot_is_saved(loaded: Loaded) -> None:
    assert loaded.pdf.startswith(b"%PDF") and len(loaded.pdf) > 20_000
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 20_000
