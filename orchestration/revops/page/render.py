"""The HTML of the weekly revenue page: a banner (data freshness, failed checks), the week's
headline tiles, the charts, the rep leaderboard and the week's won and lost accounts.

Every number a reader might check carries its exact value in a data-* attribute (tiles, table
rows, list items), so a test can compare the page with the marts without parsing text.
Account names are company names (dim_account via mart_scorecard_accounts_weekly) and reps are
their non-PII labels (macro rep_label): no person's name or email is on the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from revops.page import charts
from revops.page.data import CheckStatus, PageData, Row
from revops.page.fmt import DASH, compact, day, num, pct, raw, signed

PLOTLY_JS = "plotly.min.js"
CHART_CONFIG = {"displayModeBar": False, "responsive": True}
SHOWN_FAILED_CHECKS = 12  # the banner names this many failed checks, then counts the rest
FRESH = {"pass", "no_sla"}  # freshness statuses that are not a problem
PARTIAL_NOTE = "A lighter bar is a week not over yet."
# the four weekly actual-vs-target charts: title, actual and target columns of the weeks, axis
# title, money or a count, the chart's element id, and the note under it
WEEKLY_CHARTS = (
    (
        "Bookings vs plan",
        "bookings",
        "plan_bookings",
        "Bookings",
        True,
        "chart-bookings",
        "New business + expansion closed-won; plan split over the weeks by working days.",
    ),
    (
        "Pipeline created vs target",
        "pipeline_created",
        "plan_pipeline_created",
        "Pipeline created",
        True,
        "chart-pipeline",
        "Amount of the opportunities created in the week.",
    ),
    (
        "Demo requests vs target (north star)",
        "demo_requests",
        "plan_demo_requests",
        "Demo requests",
        False,
        "chart-demo-requests",
        "Demo and consultation form submissions, every channel.",
    ),
    (
        "SQLs vs target",
        "sqls",
        "plan_sqls",
        "SQLs",
        False,
        "chart-sqls",
        "Leads that entered the SQL stage in the week.",
    ),
)


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def attrs(**values: Any) -> str:
    """data-* attributes (underscores become dashes) with the exact values."""
    return " ".join(f'data-{k.replace("_", "-")}="{esc(raw(v))}"' for k, v in values.items())


def chart(fig: go.Figure, div_id: str) -> str:
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config=CHART_CONFIG,
        default_width="100%",
        default_height=f"{charts.HEIGHT}px",
    )


def card(title: str, body: str, note: str = "", css: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<section class="card {css}"><h2>{esc(title)}</h2>{body}{note_html}</section>'


# --- banner ---------------------------------------------------------------------------------


def freshness_banner(rows: list[Row]) -> tuple[str, bool]:
    late = [r for r in rows if r["freshness_status"] not in FRESH]
    present = [r for r in rows if r["freshness_status"] != "absent"]
    items = []
    for r in late:
        name = f"{r['system']}.{r['source_table']}"
        days = r["days_since_landed"]
        since = f"{days} days since landed" if days is not None else "nothing landed"
        items.append(
            f"<li {attrs(table=name, status=r['freshness_status'])}><code>{esc(name)}</code> "
            f"{esc(r['freshness_status'])} ({since})</li>"
        )
    fresh = len(rows) - len(late)
    text = (
        f"<strong>Data freshness:</strong> {fresh} of {len(rows)} landing tables within their "
        f"SLA or without one; {len(present)} landed."
    )
    if late:
        text += f' Late or missing: <ul class="inline">{"".join(items)}</ul>'
    body = f'<div id="freshness" {attrs(tables=len(rows), late=len(late))}>{text}</div>'
    return body, bool(late)


def _check_list(names: list[str]) -> str:
    return "".join(f'<li data-check="{esc(name)}"><code>{esc(name)}</code></li>' for name in names)


def checks_banner(checks: CheckStatus | None) -> tuple[str, bool]:
    if checks is None:
        return (
            '<div id="checks" data-evaluated="" data-failed="">'
            "<strong>Checks:</strong> no check results (page built outside a Dagster run)"
            "</div>",
            False,
        )
    data = attrs(
        evaluated=checks.evaluated,
        failed=checks.failed,
        errors=len(checks.errors),
        warnings=len(checks.warnings),
    )
    text = (
        f"<strong>Checks:</strong> {checks.failed} of {checks.evaluated:,} failed at their "
        f"latest result (dbt tests and Great Expectations suites): "
        f"<b>{len(checks.errors)} error{'s' if len(checks.errors) != 1 else ''}</b>, "
        f"{len(checks.warnings)} warning{'s' if len(checks.warnings) != 1 else ''}."
    )
    if checks.errors:
        shown = checks.errors[:SHOWN_FAILED_CHECKS]
        more = len(checks.errors) - len(shown)
        text += f' Errors: <ul class="checklist errors">{_check_list(shown)}</ul>' + (
            f" and {more} more (Dagster UI)" if more > 0 else ""
        )
    if checks.warnings:
        text += (
            f"<details><summary>The {len(checks.warnings)} warnings</summary>"
            f'<ul class="checklist">{_check_list(checks.warnings)}</ul></details>'
        )
    return f'<div id="checks" {data}>{text}</div>', bool(checks.failed)


def banner(data: PageData, checks: CheckStatus | None, built_at: datetime) -> str:
    freshness, stale = freshness_banner(data.freshness)
    check_html, failing = checks_banner(checks)
    published = datetime.fromtimestamp(data.published_at, UTC)
    erring = any(r["freshness_status"] == "error" for r in data.freshness) or bool(
        checks and checks.errors
    )
    state = "error" if erring else "warn" if stale or failing else "ok"
    return (
        f'<section id="banner" class="banner {state}" data-state="{state}">'
        f"{freshness}{check_html}"
        f'<div class="meta">Published warehouse of {published:%Y-%m-%d %H:%M} UTC; '
        f"page built {built_at:%Y-%m-%d %H:%M} UTC.</div></section>"
    )


# --- tiles ----------------------------------------------------------------------------------


def tile(
    key: str,
    label: str,
    actual: Any,
    target: Any,
    *,
    money: bool,
    target_label: str = "target",
    partial: bool = False,
) -> str:
    """A headline number against its target. partial: a week not over yet, whose actual to date
    is set against the whole week's target: shown as "week to date", neither good nor bad."""
    value = compact(actual) if money or actual is None else f"{num(actual):,.0f}"
    share = (num(actual) or 0) / num(target) if num(target) else None
    versus = (
        f"{target_label} {compact(target)} &middot; <b>{pct(share)}</b>"
        if target is not None
        else f"no {target_label}"
    )
    if partial:
        label, versus = f"{label} (week to date)", f"{versus} of the week"
    css = "" if share is None or partial else ("good" if share >= 1 else "bad")
    return (
        f'<div class="tile {css}" id="kpi-{key}" {attrs(actual=actual, target=target)}>'
        f'<div class="label">{esc(label)}</div><div class="value">{value}</div>'
        f'<div class="vs">{versus}</div></div>'
    )


def tiles(data: PageData) -> str:
    w = data.week
    partial = not data.is_complete_week
    quarter_forecast = sum((num(m["forecast_amount"]) or 0) for m in data.quarter)
    quarter_plan = sum((num(m["plan_bookings"]) or 0) for m in data.quarter)
    parts = [
        tile(
            "bookings",
            "Bookings",
            w["bookings"],
            w["plan_bookings"],
            money=True,
            target_label="plan",
            partial=partial,
        ),
        tile(
            "pipeline",
            "Pipeline created",
            w["pipeline_created"],
            w["plan_pipeline_created"],
            money=True,
            partial=partial,
        ),
        tile(
            "demo-requests",
            "Demo requests \u2605",
            w["demo_requests"],
            w["plan_demo_requests"],
            money=False,
            partial=partial,
        ),
        tile("sqls", "SQLs", w["sqls"], w["plan_sqls"], money=False, partial=partial),
        tile(
            "quarter-forecast",
            f"Forecast {data.quarter_label}",
            quarter_forecast if data.quarter else None,
            quarter_plan if data.quarter else None,
            money=True,
            target_label="plan",
        ),
    ]
    wr = w["win_rate"]
    parts.append(
        f'<div class="tile" id="kpi-win-rate" {attrs(actual=wr)}>'
        f'<div class="label">Win rate</div><div class="value">{pct(wr)}</div>'
        f'<div class="vs">won {w["opportunities_won"]}, lost {w["opportunities_lost"]}</div></div>'
    )
    return f'<section class="tiles">{"".join(parts)}</section>'


# --- tables ---------------------------------------------------------------------------------


def bridge_table(bridge: Row) -> str:
    cells = "".join(
        f"<td {attrs(movement=key, value=bridge[key])}>"
        f"{esc(label)}<br><b>{charts.bridge_label(bridge[key], sign)}</b></td>"
        for key, label, _, sign in charts.BRIDGE_STEPS
    )
    return f'<table class="bridge" id="mrr-bridge"><tr>{cells}</tr></table>'


def _change_cell(value: Any) -> str:
    number = num(value)
    css = "" if not number else ("up" if number > 0 else "down")
    return f'<td class="num {css}">{signed(value)}</td>'


def leaderboard(rows: list[Row]) -> str:
    if not rows:
        return '<p class="empty" id="leaderboard">No quota-carrying rep active this week.</p>'
    lines = []
    for r in rows:
        data = attrs(
            rep=r["rep_label"],
            rank=r["bookings_amount_rank"],
            bookings=r["bookings_amount"],
            bookings_change=r["bookings_amount_change_vs_last_week"],
            pipeline=r["pipeline_created_amount"],
        )
        lines.append(
            f"<tr {data}>"
            f'<td class="num">{esc(r["bookings_amount_rank"] or DASH)}</td>'
            f"<td>{esc(r['rep_label'])}</td><td>{esc(r['team'] or DASH)}</td>"
            f'<td class="num">{compact(r["bookings_amount"])}</td>'
            f"{_change_cell(r['bookings_amount_change_vs_last_week'])}"
            f'<td class="num">{compact(r["pipeline_created_amount"])}</td>'
            f"{_change_cell(r['pipeline_created_amount_change_vs_last_week'])}"
            f'<td class="num">{pct(r["win_rate"])}</td>'
            f'<td class="num">{compact(r["sales_activities"])}</td>'
            f"{_change_cell(r['sales_activities_change_vs_last_week'])}</tr>"
        )
    body = "".join(lines)
    head = (
        "<tr><th>Rank</th><th>Rep</th><th>Team</th><th>Bookings</th><th>WoW</th>"
        "<th>Pipeline created</th><th>WoW</th><th>Win rate</th><th>Activities</th>"
        "<th>WoW</th></tr>"
    )
    return (
        f'<table class="data" id="leaderboard"><thead>{head}</thead><tbody>{body}</tbody></table>'
    )


EVENT_LABEL = {"deal_won": "won", "deal_lost": "lost", "customer_churned": "churned"}


def account_name(row: Row) -> str:
    if row["account_name"]:
        return str(row["account_name"])
    if row["customer_id"]:
        return f"Billing customer {row['customer_id']} (no CRM account)"
    return "(no account)"


def accounts(rows: list[Row], colour: str) -> str:
    picked = [r for r in rows if r["colour"] == colour]
    if not picked:
        what = "won" if colour == "green" else "lost or churned"
        return f'<p class="empty" id="accounts-{colour}">No account {what} this week.</p>'
    items = []
    for r in picked:
        amount = r["deal_amount"] if r["event_type"] != "customer_churned" else r["churn_mrr"]
        unit = " MRR" if r["event_type"] == "customer_churned" else ""
        kind = EVENT_LABEL.get(r["event_type"], r["event_type"])
        if r["opportunity_type"]:
            kind += f", {r['opportunity_type']}"
        data = attrs(
            colour=colour,
            event=r["event_type"],
            record=r["record_id"],
            account=account_name(r),
            amount=amount,
        )
        items.append(
            f"<li {data}>"
            f'<span class="name">{esc(account_name(r))}</span>'
            f'<span class="kind">{esc(kind)} &middot; {r["event_date"]:%a %d %b}</span>'
            f'<span class="amount">{compact(amount)}{unit}</span></li>'
        )
    return f'<ul class="accounts {colour}" id="accounts-{colour}">{"".join(items)}</ul>'


# --- the page -------------------------------------------------------------------------------


def week_title(data: PageData) -> str:
    span = f"week of {day(data.week_start)} to {day(data.week_end)}"
    if data.is_complete_week:
        return f"{span}, as of {day(data.as_of_date)}"
    return f"{span}, week to date as of {day(data.as_of_date)}"


def sections(data: PageData) -> Iterable[str]:
    weeks = data.weeks
    yield '<div class="grid">'
    for title, actual, target, axis, money, chart_id, note in WEEKLY_CHARTS:
        figure = charts.actual_vs_target(weeks, actual, target, axis, money=money)
        yield card(title, chart(figure, chart_id), f"{note} {PARTIAL_NOTE}")
    yield '</div><div class="grid">'
    if data.bridge is not None:
        month = data.bridge["month_start_date"]
        to_date = (
            f", to {day(data.as_of_date)}"
            if data.bridge["month_end_date"] > data.as_of_date
            else ""
        )
        yield card(
            f"MRR bridge, {month:%B %Y}{to_date}",
            chart(charts.mrr_bridge(data.bridge), "chart-mrr-bridge") + bridge_table(data.bridge),
            "Start + new + reactivation + expansion \u2212 contraction \u2212 churn = end "
            "(all customers).",
        )
    else:
        yield card("MRR bridge", '<p class="empty" id="mrr-bridge">No revenue this month.</p>')
    yield card(
        f"Forecast for {data.quarter_label} vs plan",
        chart(charts.quarter_forecast(data.quarter, data.as_of_date), "chart-forecast")
        if data.quarter
        else '<p class="empty">No plan for this quarter.</p>',
        "Forecast = closed-won to date + open pipeline weighted by the historical win rate of "
        "its stage.",
    )
    yield card(
        "Win rate, by month",
        chart(charts.win_rate_trend(data.trends), "chart-win-rate"),
        "Won / (won + lost) of the opportunities closed in the month, by count and by amount.",
    )
    yield card(
        "Sales cycle, by month",
        chart(charts.cycle_trend(data.trends), "chart-cycle"),
        "Days from created (or first engagement) to close, deals closed-won in the month.",
    )
    yield '</div><div class="grid">'
    yield card(
        "Rep leaderboard",
        leaderboard(data.leaderboard),
        "Quota-carrying reps active this week, ranked by bookings; WoW = change on last week.",
        css="wide",
    )
    yield card(
        "Won this week",
        accounts(data.accounts, "green"),
        "Accounts with a deal closed-won (amount of the deal).",
        css="won",
    )
    yield card(
        "Lost or churned this week",
        accounts(data.accounts, "red"),
        "Accounts with a deal closed-lost (its amount) and customers who churned (MRR lost).",
        css="lost",
    )
    yield "</div>"


def render(data: PageData, checks: CheckStatus | None, built_at: datetime) -> str:
    body = "".join(sections(data))
    return PAGE.format(
        title=esc(f"Weekly revenue page, week of {data.week_start:%d %b %Y}"),
        heading=esc(week_title(data)),
        as_of=data.as_of_date.isoformat(),
        week=data.week_start.isoformat(),
        banner=banner(data, checks, built_at),
        tiles=tiles(data),
        body=body,
        script=PLOTLY_JS,
        css=CSS,
    )


CSS = """
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --green:#16a34a;
  --red:#dc2626; --blue:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg);
  font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
main { max-width:1360px; margin:0 auto; padding:16px 20px 32px; }
header h1 { font-size:22px; margin:0; }
header p { margin:2px 0 12px; color:var(--muted); }
.banner { border-radius:8px; padding:10px 14px; margin-bottom:12px; border:1px solid;
  display:grid; gap:4px; }
.banner.ok { background:#f0fdf4; border-color:#bbf7d0; }
.banner.warn { background:#fffbeb; border-color:#fde68a; }
.banner.error { background:#fef2f2; border-color:#fecaca; }
.banner .meta { color:var(--muted); font-size:12px; }
ul.inline { display:inline; margin:0; padding:0; }
ul.inline li { display:inline; list-style:none; margin-right:10px; }
details { display:inline; } summary { cursor:pointer; color:var(--muted); }
ul.checklist { columns:2; column-gap:24px; margin:4px 0 0; padding-left:18px;
  font-size:12px; }
ul.checklist li { word-break:break-all; }
ul.checklist.errors { color:var(--red); }
.tiles { display:grid; grid-template-columns:repeat(6, minmax(0,1fr)); gap:10px;
  margin-bottom:12px; }
.tile { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 12px;
  border-top:4px solid var(--line); }
.tile.good { border-top-color:var(--green); } .tile.bad { border-top-color:var(--red); }
.tile .label { color:var(--muted); font-size:12px; text-transform:uppercase;
  letter-spacing:.03em; }
.tile .value { font-size:26px; font-weight:650; }
.tile .vs { color:var(--muted); font-size:12px; }
.grid { display:grid; grid-template-columns:repeat(2, minmax(0,1fr)); gap:12px;
  margin-bottom:12px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 12px;
  min-width:0; }
.card.wide { grid-column:1 / -1; }
.card h2 { font-size:15px; margin:0 0 4px; }
.card .note { color:var(--muted); font-size:12px; margin:4px 0 0; }
.empty { color:var(--muted); font-style:italic; }
table.data { width:100%; border-collapse:collapse; font-size:13px; }
table.data th { text-align:left; color:var(--muted); font-weight:600;
  border-bottom:1px solid var(--line); padding:4px 6px; }
table.data td { border-bottom:1px solid var(--line); padding:4px 6px; }
table.data td.num, table.data th:nth-child(n+4) { text-align:right;
  font-variant-numeric:tabular-nums; }
td.up { color:var(--green); } td.down { color:var(--red); }
table.bridge { width:100%; border-collapse:collapse; font-size:12px; margin-top:4px; }
table.bridge td { text-align:center; border-top:1px solid var(--line); padding:4px 2px;
  color:var(--muted); }
table.bridge td b { color:var(--fg); font-variant-numeric:tabular-nums; }
ul.accounts { list-style:none; margin:0; padding:0; }
ul.accounts li { display:grid; grid-template-columns:1fr auto; padding:5px 8px;
  border-left:4px solid; margin-bottom:4px; border-radius:4px; }
ul.accounts.green li { border-color:var(--green); background:#f0fdf4; }
ul.accounts.red li { border-color:var(--red); background:#fef2f2; }
ul.accounts .name { font-weight:600; }
ul.accounts .kind { grid-row:2; color:var(--muted); font-size:12px; }
ul.accounts .amount { grid-row:1 / span 2; grid-column:2; align-self:center;
  font-variant-numeric:tabular-nums; font-weight:600; }
ul.accounts.green .amount { color:var(--green); } ul.accounts.red .amount { color:var(--red); }
footer { color:var(--muted); font-size:12px; margin-top:8px; }
@media (max-width: 1100px) { .tiles { grid-template-columns:repeat(3, minmax(0,1fr)); } }
@media (max-width: 800px) { .grid { grid-template-columns:1fr; }
  .tiles { grid-template-columns:repeat(2, minmax(0,1fr)); } }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background:#fff; font-size:11px; }
  main { max-width:none; padding:0; }
  .banner, .tile, ul.accounts li { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  .card, .tile, .banner { break-inside:avoid; }
  .grid { grid-template-columns:repeat(2, minmax(0,1fr)); }
  .tiles { grid-template-columns:repeat(6, minmax(0,1fr)); }
}
"""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<script src="{script}"></script>
</head>
<body data-as-of-date="{as_of}" data-week-start="{week}">
<main>
<header><h1>Weekly revenue page</h1><p>{heading}</p></header>
{banner}
{tiles}
{body}
<footer>Built from the published warehouse (marts: mart_revenue_scorecard_weekly,
mart_plan_vs_actual_weekly, mart_revenue_monthly, mart_sales_rollup_monthly, fct_opportunities,
mart_forecast_monthly, mart_plan_vs_actual_monthly, mart_sales_rep_weekly,
mart_scorecard_accounts_weekly, dq_source_freshness). Amounts in the reporting currency.
Hover a chart for exact numbers.</footer>
</main>
<script>
// charts follow the paper's width when printed
function resizeCharts() {{
  document.querySelectorAll('.js-plotly-plot').forEach(function (el) {{
    Plotly.Plots.resize(el);
  }});
}}
window.addEventListener('beforeprint', resizeCharts);
window.addEventListener('afterprint', resizeCharts);
</script>
</body>
</html>
"""
