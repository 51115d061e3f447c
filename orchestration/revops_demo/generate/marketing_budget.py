"""The marketing budget spreadsheet (plan input `marketing_budget`): a budget per month by
channel and campaign, the way a marketing team sets it before the month.

- Ad campaigns: one line per campaign and month, the month's spend as the campaign was meant to
  run at, so actual spend lands 85-115% of budget; the last three plan months (ahead of the
  history) carry the last month's budget forward.
- Webinars and events: one line per CRM campaign, its budgeted cost, in its start month.
- Email: one channel-level line per month (no campaign), the email campaigns' budgeted cost
  over the history's months.
Amounts are in the currency the spend is in (the EMEA LinkedIn campaign's EUR).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revops_demo.generate.core import Context

AD_PLATFORM_CHANNELS = {
    "google_ads": "Paid Search",
    "meta_ads": "Paid Social",
    "linkedin_ads": "Paid Social",
}
PROGRAMME_CHANNELS = {"Webinar": "Webinar", "Event": "Events"}
COLUMNS = ["month", "channel", "campaign_key", "budget_amount", "currency"]


def ad_spend_by_month(
    google: pd.DataFrame, meta: pd.DataFrame, linkedin: pd.DataFrame
) -> pd.DataFrame:
    """Monthly spend per ad campaign as the platforms report it (platform currency)."""
    parts = [
        ("google_ads", google["date"], google["campaign_id"], google["cost_micros"] / 1e6,
         google["currency_code"]),
        ("meta_ads", meta["date_start"], meta["campaign_id"], meta["spend"],
         meta["account_currency"]),
        ("linkedin_ads", linkedin["day"], linkedin["campaign_id"],
         linkedin["cost_in_local_currency"], linkedin["currency"]),
    ]  # fmt: skip
    frames = [
        pd.DataFrame(
            {
                "month": pd.to_datetime(day).dt.to_period("M").dt.to_timestamp(),
                "channel": AD_PLATFORM_CHANNELS[platform],
                "campaign_key": platform + ":" + campaign.astype(str),
                "spend": pd.to_numeric(cost, errors="coerce").fillna(0.0),
                "currency": currency.astype(str).str.upper(),
            }
        )
        for platform, day, campaign, cost, currency in parts
    ]
    out = pd.concat(frames, ignore_index=True)
    return out.groupby(["month", "channel", "campaign_key", "currency"], as_index=False)[
        "spend"
    ].sum()


def build(ctx: Context, campaigns: pd.DataFrame, ad_monthly: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng("marketing_budget")
    plan_months = [pd.Timestamp(m) for m in ctx.plan_months()]
    history = [pd.Timestamp(m) for m in ctx.history_months()]
    rows: list[tuple[pd.Timestamp, str, str | None, float, str]] = []

    # ad campaigns: actual spend = budget x a pacing of 0.85-1.15
    ads = ad_monthly[ad_monthly["month"].isin(history)].sort_values(["campaign_key", "month"])
    for key, g in ads.groupby("campaign_key", sort=True):
        budget = np.round(g["spend"].to_numpy() / rng.uniform(0.85, 1.15, len(g)), -1)
        rows += [
            (m, ch, key, float(b), cur)
            for m, ch, b, cur in zip(g["month"], g["channel"], budget, g["currency"], strict=True)
        ]
        last = g.iloc[-1]
        rows += [
            (m, last["channel"], key, float(budget[-1]), last["currency"])
            for m in plan_months
            if m > last["month"]
        ]

    # webinars and events: the campaign's budgeted cost in its start month
    programmes = campaigns[campaigns["type"].isin(list(PROGRAMME_CHANNELS))]
    for c in programmes.itertuples(index=False):
        month = pd.Timestamp(c.start_date).to_period("M").to_timestamp()
        rows.append(
            (
                month,
                PROGRAMME_CHANNELS[c.type],
                f"crm:{c.id}",
                float(c.budgeted_cost),
                str(c.currency_iso_code),
            )
        )

    # email: one channel-level line a month, the campaigns' budget over the history
    email = campaigns[campaigns["type"] == "Email"]
    if len(email):
        per_month = round(float(email["budgeted_cost"].sum()) / len(history), -1)
        rows += [(m, "Email", None, per_month, "USD") for m in plan_months]

    out = pd.DataFrame(rows, columns=COLUMNS)
    out["month"] = pd.to_datetime(out["month"])
    return out.sort_values(["month", "channel", "campaign_key"], na_position="first").reset_index(
        drop=True
    )
