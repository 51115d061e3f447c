"""The Plotly figures of the weekly revenue page, each a real chart: axes with titles and
units, a legend where there is more than one series, and tooltips with the exact numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go

from revops.page.data import Row
from revops.page.fmt import MINUS, compact, num

ACTUAL = "#2563eb"
ACTUAL_PARTIAL = "#93c5fd"  # the as-of week when it is not over yet
TARGET = "#111827"
GREEN = "#16a34a"
RED = "#dc2626"
GREY = "#6b7280"
PIPELINE = "#a5b4fc"
HEIGHT = 290


def _layout(fig: go.Figure, y_title: str, *, y_format: str = ",.0f") -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        height=HEIGHT,
        margin={"l": 56, "r": 24, "t": 12, "b": 40},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 11}},
        hovermode="x unified",
        bargap=0.25,
    )
    fig.update_yaxes(title_text=y_title, tickformat=y_format, rangemode="tozero", zeroline=True)
    fig.update_xaxes(ticklabeloverflow="allow", automargin=True)  # the last week's label too
    return fig


def actual_vs_target(
    weeks: Sequence[Row], actual: str, target: str, y_title: str, *, money: bool
) -> go.Figure:
    """The trailing weeks' actual (bars; the running week lighter) against their target (a
    dashed line)."""
    x = [w["week_start_date"] for w in weeks]
    hover = "%{y:,.0f}" if money else "%{y:,.1f}"
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=[num(w[actual]) for w in weeks],
        name="Actual",
        marker_color=[ACTUAL if w["is_complete_week"] else ACTUAL_PARTIAL for w in weeks],
        hovertemplate=hover.replace(".1f", ".0f") + "<extra>Actual</extra>",
    )
    fig.add_scatter(
        x=x,
        y=[num(w[target]) for w in weeks],
        name="Target" if not money else "Plan",
        mode="lines+markers",
        line={"color": TARGET, "dash": "dash", "width": 2},
        marker={"size": 5},
        hovertemplate=hover + f"<extra>{'Plan' if money else 'Target'}</extra>",
    )
    fig.update_xaxes(
        title_text="Week starting (Monday)",
        tickformat="%d %b",
        dtick=7 * 86_400_000,
        tick0=x[0] if x else None,  # ticks on the Mondays, under the bars
    )
    return _layout(fig, y_title)


BRIDGE_STEPS = (
    ("starting_mrr", "Start MRR", "absolute", 1),
    ("new_mrr", "New", "relative", 1),
    ("reactivation_mrr", "Reactivation", "relative", 1),
    ("expansion_mrr", "Expansion", "relative", 1),
    ("contraction_mrr", "Contraction", "relative", -1),
    ("churn_mrr", "Churn", "relative", -1),
    ("mrr", "End MRR", "total", 1),
)


def mrr_bridge(bridge: Row) -> go.Figure:
    """The month's MRR bridge as a waterfall: start, the five movements, end."""
    fig = go.Figure(
        go.Waterfall(
            x=[label for _, label, _, _ in BRIDGE_STEPS],
            measure=[measure for _, _, measure, _ in BRIDGE_STEPS],
            y=[sign * (num(bridge[key]) or 0.0) for key, _, _, sign in BRIDGE_STEPS],
            text=[bridge_label(bridge[key], sign) for key, _, _, sign in BRIDGE_STEPS],
            textposition="outside",
            increasing={"marker": {"color": GREEN}},
            decreasing={"marker": {"color": RED}},
            totals={"marker": {"color": ACTUAL}},
            connector={"line": {"color": GREY, "width": 1, "dash": "dot"}},
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            name="MRR",
        )
    )
    fig.update_xaxes(title_text="Movement")
    fig = _layout(fig, "MRR")
    fig.update_layout(hovermode="closest", showlegend=False)
    start, end = num(bridge["starting_mrr"]) or 0.0, num(bridge["mrr"]) or 0.0
    low = min(start, end)
    fig.update_yaxes(rangemode="normal", range=[low * 0.9, max(start, end) * 1.06 + 1])
    return fig


def bridge_label(value: Any, sign: int = 1) -> str:
    """A movement of the bridge as shown: compact, with a minus on the ones it subtracts."""
    number = num(value)
    if number is None:
        return ""
    return (MINUS if sign < 0 and number else "") + compact(number)


def _trend_line(
    fig: go.Figure,
    x: list,
    y: list,
    name: str,
    hover: str,
    *,
    dotted: bool,
    customdata: list | None = None,
) -> None:
    """One monthly trend line: the main measure solid, its companion dotted grey."""
    style = {"color": GREY, "width": 2, "dash": "dot"} if dotted else {"color": ACTUAL, "width": 2}
    fig.add_scatter(
        x=x,
        y=y,
        name=name,
        mode="lines+markers",
        line=style,
        customdata=customdata,
        hovertemplate=hover,
    )


def win_rate_trend(months: Sequence[Row]) -> go.Figure:
    x = [m["month_start_date"] for m in months]
    fig = go.Figure()
    by_count = [num(m["win_rate"]) for m in months]
    by_amount = [num(m["win_rate_amount"]) for m in months]
    won_lost = [[m["won_count"], m["lost_count"]] for m in months]
    count_hover = "%{y:.1%} (won %{customdata[0]}, lost %{customdata[1]})<extra>by count</extra>"
    _trend_line(
        fig, x, by_count, "Win rate (count)", count_hover, dotted=False, customdata=won_lost
    )
    _trend_line(
        fig, x, by_amount, "Win rate (amount)", "%{y:.1%}<extra>by amount</extra>", dotted=True
    )
    fig.update_xaxes(title_text="Month closed", tickformat="%b %y", dtick="M1")
    fig = _layout(fig, "Win rate", y_format=".0%")
    fig.update_yaxes(range=[0, 1])
    return fig


def cycle_trend(months: Sequence[Row]) -> go.Figure:
    x = [m["month_start_date"] for m in months]
    fig = go.Figure()
    median = [num(m["won_cycle_days_median"]) for m in months]
    mean = [num(m["won_cycle_days_mean"]) for m in months]
    _trend_line(fig, x, median, "Median", "%{y:,.0f} days<extra>median</extra>", dotted=False)
    _trend_line(fig, x, mean, "Mean", "%{y:,.1f} days<extra>mean</extra>", dotted=True)
    fig.update_xaxes(title_text="Month closed-won", tickformat="%b %y", dtick="M1")
    return _layout(fig, "Days from created to won")


def quarter_forecast(months: Sequence[Row], as_of: date) -> go.Figure:
    """Each month of the quarter: closed-won to date plus weighted pipeline (the forecast),
    stacked, against the month's plan."""
    x = [m["month_start_date"].strftime("%b %Y") for m in months]
    fig = go.Figure()
    for column, name, colour in (
        ("closed_won_amount", "Closed-won", ACTUAL),
        ("weighted_pipeline_amount", "Weighted pipeline", PIPELINE),
    ):
        fig.add_bar(
            x=x,
            y=[num(m[column]) for m in months],
            name=name,
            marker_color=colour,
            hovertemplate=f"%{{y:,.0f}}<extra>{name.lower()}</extra>",
        )
    fig.add_scatter(
        x=x,
        y=[num(m["plan_bookings"]) for m in months],
        name="Plan",
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 60, "line": {"width": 3, "color": TARGET}},
        hovertemplate="%{y:,.0f}<extra>plan</extra>",
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text=f"Month (as of {as_of:%d %b %Y})")
    return _layout(fig, "Bookings")
