"""The plan spreadsheets: quotas per AE per month, the revenue plan, team costs.

Sized from the generated actuals (a smoothed trend times a stretch factor), so attainment lands
in a plausible 70-110% band and the last three months extend the trend.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from revops_demo.generate.core import DAY_S, FX_TO_USD, Context

MONTHLY_COST_USD = {
    "AE": 14_000,
    "SDR": 8_000,
    "Sales Manager": 18_000,
    "CSM": 10_000,
    "Marketing": 11_000,
}


def _trend(values: np.ndarray, n_out: int) -> np.ndarray:
    """A least-squares line through the values, evaluated over n_out months (>= 0)."""
    x = np.arange(len(values))
    slope, intercept = np.polyfit(x, values, 1) if len(values) > 1 else (0.0, float(values[0]))
    return np.maximum(intercept + slope * np.arange(n_out), values.mean() * 0.3)


def _follow(values: np.ndarray, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """A plan that tracks a ramping actual: a 3-month rolling mean of the history with some
    noise, then the last six months' slope carried forward."""
    smooth = pd.Series(values).rolling(3, min_periods=1).mean().to_numpy()
    smooth = smooth * rng.uniform(0.95, 1.05, len(values))
    tail = values[-6:]
    slope = np.polyfit(np.arange(len(tail)), tail, 1)[0] if len(tail) > 1 else 0.0
    ahead = smooth[-1] + slope * np.arange(1, n_out - len(values) + 1)
    return np.maximum(np.concatenate([smooth, ahead]), 0)


DEMO_FORMS = ("demo_request", "consultation_request")

# The AEs' comp plan: marginal rates per unit of quota attainment (0.5 = 50%), an accelerator
# from 100% and a cap at 2x the target incentive (reached at 150%); a ramping rep's plan pays
# linearly, capped at 1.5x.
COMP_PLAN_TIERS = [
    ("AE Standard", 0.0, 0.5, 0.5),
    ("AE Standard", 0.5, 1.0, 1.5),
    ("AE Standard", 1.0, None, 2.0),
    ("AE Ramp", 0.0, None, 1.0),
]
COMP_PLAN_CAP = {"AE Standard": 2.0, "AE Ramp": 1.5}
RAMP_MONTHS = 3


def _monthly(ctx: Context, when: pd.Series, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum of weights (or a count) per history month of the timestamps `when`."""
    hist = ctx.history_months()
    idx = {m: i for i, m in enumerate(hist)}
    periods = pd.to_datetime(when).dt.to_period("M")
    out = np.zeros(len(hist))
    w = np.ones(len(periods)) if weights is None else weights
    for p_, v in zip(periods, w, strict=True):
        if p_ is pd.NaT:
            continue
        i = idx.get(date(p_.year, p_.month, 1))
        if i is not None:
            out[i] += v
    return out


def funnel_history(
    ctx: Context, leads: pd.DataFrame, form_submissions: pd.DataFrame
) -> dict[str, np.ndarray]:
    """The leading indicators per history month the plan's targets follow: demo requests (form
    submissions of the demo kind) and SQLs (leads with a CRM SQL date)."""
    demo = form_submissions[form_submissions["form_name"].isin(DEMO_FORMS)]
    return {
        "demo_requests": _monthly(ctx, demo["submitted_at"]),
        "sqls": _monthly(ctx, leads["sql_date_c"].dropna()),
    }


def build(
    ctx: Context,
    users: pd.DataFrame,
    opportunities: pd.DataFrame,
    mrr: pd.DataFrame,
    funnel: dict[str, np.ndarray] | None = None,
) -> dict[str, pd.DataFrame]:
    rng = ctx.rng("plan")
    months = ctx.plan_months()
    hist = ctx.history_months()
    n_hist, n_all = len(hist), len(months)
    month_idx = {m: i for i, m in enumerate(months)}

    opps = opportunities
    won = opps[
        opps["is_won"] & opps["type"].isin(["New Business", "Expansion"]) & ~opps["is_deleted"]
    ]
    usd = won["amount"].to_numpy() * np.array([FX_TO_USD[c] for c in won["currency_iso_code"]])
    close_m = pd.to_datetime(won["close_date"]).dt.to_period("M")
    bookings = np.zeros(n_hist)
    for m, v in zip(close_m, usd, strict=True):
        i = month_idx.get(date(m.year, m.month, 1))
        if i is not None and i < n_hist:
            bookings[i] += v
    booking_trend = _trend(bookings, n_all)

    # Quotas: each AE employed in the month gets an equal share of the stretched trend.
    aes = users[users["user_role_name"] == "AE"].reset_index(drop=True)
    created = aes["created_date"].to_numpy(dtype="datetime64[s]")
    left = aes["_left_at"].to_numpy(dtype="datetime64[s]")
    quota_rows = []
    for i, m in enumerate(months):
        mid = np.datetime64(m, "s") + np.timedelta64(14 * DAY_S, "s")
        active = (created <= mid) & (np.isnat(left) | (left > mid))
        n_active = max(int(active.sum()), 1)
        per_rep = booking_trend[i] / n_active / 0.9
        for j in np.flatnonzero(active):
            region = aes.at[j, "region_c"]
            currency = "EUR" if region == "EMEA" else "USD"
            amount = per_rep * rng.uniform(0.9, 1.1) / FX_TO_USD[currency]
            quota_rows.append((aes.at[j, "id"], m, round(amount / 500) * 500.0, currency))
    quotas = pd.DataFrame(quota_rows, columns=["rep_id", "month", "quota_amount", "currency"])

    mrr_usd = mrr["mrr_usd"].to_numpy()
    new_mrr = np.maximum(np.diff(np.concatenate([[0.0], mrr_usd])), 0)
    revenue_plan = pd.DataFrame(
        {
            "month": months,
            "plan_bookings": np.round(booking_trend * 1.05, -2),
            "plan_new_mrr": np.round(_follow(new_mrr, n_all, rng) * 1.05, -1),
            "plan_ending_mrr": np.round(_follow(mrr_usd, n_all, rng) * 1.03, -2),
            "plan_new_customers": np.round(
                _follow(mrr["new_customers"].to_numpy(float), n_all, rng) * 1.05
            ).astype(np.int64),
            "currency": "USD",
        }
    )

    # Leading indicators: a plan that tracks the history (own random stream, so the other
    # plan columns are unchanged), stretched a little like the bookings plan.
    f_rng = ctx.rng("plan_funnel")
    live = opps[~opps["is_deleted"]]
    created_usd = live["amount"].fillna(0).to_numpy() * np.array(
        [FX_TO_USD[c] for c in live["currency_iso_code"]]
    )
    pipeline = _monthly(ctx, live["created_date"], created_usd)
    funnel = funnel or {"demo_requests": np.zeros(n_hist), "sqls": np.zeros(n_hist)}
    revenue_plan["plan_demo_requests"] = np.round(
        _follow(funnel["demo_requests"], n_all, f_rng) * 1.05
    ).astype(np.int64)
    revenue_plan["plan_sqls"] = np.round(_follow(funnel["sqls"], n_all, f_rng) * 1.05).astype(
        np.int64
    )
    revenue_plan["plan_pipeline_created"] = np.round(_follow(pipeline, n_all, f_rng) * 1.05, -2)

    comp_plans = _comp_plans(ctx, quotas, aes)
    comp_plan_tiers = pd.DataFrame(
        COMP_PLAN_TIERS, columns=["comp_plan", "attainment_from", "attainment_to", "payout_rate"]
    )

    # Team costs: loaded salary of everyone employed in the month. Marketing programmes are not
    # in it: they are the CRM campaigns' costs, which spend counts (int_programme_costs_daily).
    cost_rows = []
    u_created = users["created_date"].to_numpy(dtype="datetime64[s]")
    u_left = users["_left_at"].to_numpy(dtype="datetime64[s]")
    role = users["user_role_name"].to_numpy()
    cost = np.array([MONTHLY_COST_USD[r] for r in role], dtype=float)
    for m in months:
        mid = np.datetime64(m, "s") + np.timedelta64(14 * DAY_S, "s")
        active = (u_created <= mid) & (np.isnat(u_left) | (u_left > mid))
        sales = cost[active & (role != "Marketing")].sum()
        marketing = cost[active & (role == "Marketing")].sum()
        cost_rows.append((m, "sales", round(sales * rng.uniform(0.97, 1.03), 2), "USD"))
        cost_rows.append((m, "marketing", round(marketing * rng.uniform(0.95, 1.05), 2), "USD"))
    team_costs = pd.DataFrame(cost_rows, columns=["month", "team", "cost_amount", "currency"])
    for df in (quotas, revenue_plan, team_costs, comp_plans):
        df["month"] = pd.to_datetime(df["month"])
    return {
        "quotas": quotas,
        "revenue_plan": revenue_plan,
        "team_costs": team_costs,
        "comp_plans": comp_plans,
        "comp_plan_tiers": comp_plan_tiers,
    }


def _comp_plans(ctx: Context, quotas: pd.DataFrame, aes: pd.DataFrame) -> pd.DataFrame:
    """Every AE-month with a quota gets a comp plan: the ramp plan in the rep's first months,
    then the standard one; the target incentive is about a fifth of the month's quota, in the
    quota's currency (a typical 50/50 on-target-earnings split), rounded to 50."""
    rng = ctx.rng("comp")
    started = dict(zip(aes["id"], pd.to_datetime(aes["created_date"]), strict=True))
    rows = []
    for rep_id, month, quota, currency in quotas.itertuples(index=False):
        start = started[rep_id]
        tenure = (month.year - start.year) * 12 + month.month - start.month
        plan_name = "AE Ramp" if tenure < RAMP_MONTHS else "AE Standard"
        incentive = round(quota * rng.uniform(0.18, 0.22) / 50) * 50.0
        rows.append((rep_id, month, plan_name, incentive, currency, COMP_PLAN_CAP[plan_name]))
    return pd.DataFrame(
        rows,
        columns=["rep_id", "month", "comp_plan", "target_incentive", "currency", "payout_cap"],
    )
