"""Cross-check of the revenue marts against an independent recomputation from the landing files.

MRR, ARR and logo churn per month are recomputed in pandas straight from the Stripe exports
(subscriptions with items.data, prices, coupons, discounts) and seeds/fx_rates.csv, following
METRICS.md "Revenue", then compared with mart_revenue_monthly (segment 'All') and, per customer
and month, with fct_mrr_movements. No raw, staging or intermediate table and no project SQL is
read on the expected side.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from landing_reader import as_of_date, epoch_to_date, fx_lookup, read_table

MONEY_TOL = 0.01
RATE_TOL = 1e-9
NON_MRR_STATUSES = {"incomplete", "incomplete_expired"}
# months of a price's interval, as a multiplier of the billed amount (before / interval_count)
MONTHLY_FACTOR = {"month": 1.0, "year": 1.0 / 12.0, "week": 52.0 / 12.0, "day": 365.0 / 12.0}


def _month_start(ts: pd.Timestamp) -> pd.Timestamp:
    return ts.to_period("M").to_timestamp()


def _month_end(month: pd.Timestamp) -> pd.Timestamp:
    return (month + pd.offsets.MonthEnd(0)).normalize()


def _nullable(value: object) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else value


def _subscriptions(landing: Path) -> pd.DataFrame:
    subs = read_table(landing, "billing", "subscriptions")
    subs["status"] = subs["status"].str.lower()
    subs = subs[~subs["status"].isin(NON_MRR_STATUSES)].copy()
    # the end of a subscription: ended_at; a canceled one exported without it ends at its
    # scheduled cancel_at, else when it was canceled. A future cancel_at of a live one is no end.
    scheduled = subs["cancel_at"].fillna(subs["canceled_at"])
    fallback = scheduled.where(subs["status"] == "canceled")
    subs["started"] = epoch_to_date(subs["start_date"])
    subs["ended"] = epoch_to_date(subs["ended_at"].fillna(fallback))
    subs["trial_started"] = epoch_to_date(subs["trial_start"])
    subs["trial_ended"] = epoch_to_date(subs["trial_end"])
    return subs.rename(columns={"id": "subscription_id"})


def _items(landing: Path) -> pd.DataFrame:
    items = read_table(landing, "billing", "subscription_items")
    prices = read_table(landing, "billing", "prices")
    prices["is_recurring"] = [
        (str(t).lower() == "recurring") if isinstance(t, str) else isinstance(i, str)
        for t, i in zip(prices["type"], prices["recurring_interval"], strict=True)
    ]
    prices = prices[prices["is_recurring"]].rename(columns={"id": "price_id"})
    items = items.merge(
        prices[
            [
                "price_id",
                "currency",
                "unit_amount",
                "recurring_interval",
                "recurring_interval_count",
            ]
        ],
        on="price_id",
        how="inner",
    )
    items["quantity"] = items["quantity"].fillna(1)
    items["created_day"] = epoch_to_date(items["created"])
    items["ended_day"] = epoch_to_date(items["ended_at"])
    return items.rename(columns={"id": "item_id"})


def _discounts(landing: Path) -> pd.DataFrame:
    discounts = read_table(landing, "billing", "discounts")
    coupons = read_table(landing, "billing", "coupons").rename(columns={"id": "coupon_id"})
    coupons["duration"] = coupons["duration"].fillna("forever").str.lower()
    out = discounts.merge(
        coupons[
            ["coupon_id", "percent_off", "amount_off", "currency", "duration", "duration_in_months"]
        ],
        on="coupon_id",
        how="inner",
    )
    # a once-only coupon reduces one invoice: billing, not recurring revenue
    out = out[out["duration"] != "once"].copy()
    out["started"] = epoch_to_date(out["start"])
    ends = []
    for end, started, duration, months in zip(
        epoch_to_date(out["end"]),
        out["started"],
        out["duration"],
        out["duration_in_months"],
        strict=True,
    ):
        if pd.isna(end) and duration == "repeating" and not pd.isna(months):
            end = started + pd.DateOffset(months=int(months))
        ends.append(end)
    out["ended"] = ends
    return out


def _discount_in_force(
    discounts: pd.DataFrame, subscription_id: str, customer_id: str, day: pd.Timestamp
) -> dict | None:
    """The subscription's own discount before a customer-wide one, then the latest started."""
    best: tuple | None = None
    for row in discounts.itertuples(index=False):
        own = row.subscription_id == subscription_id
        customer_wide = _nullable(row.subscription_id) is None and row.customer_id == customer_id
        if not (own or customer_wide):
            continue
        if not (row.started <= day and (pd.isna(row.ended) or day < row.ended)):
            continue
        rank = (0 if own else 1, -row.started.value, row.id)
        if best is None or rank < best[0]:
            best = (rank, row._asdict())
    return None if best is None else best[1]


def expected_customer_mrr(landing: Path) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Customer x month MRR in USD, from the customer's first active month to the as_of month."""
    as_of = as_of_date(landing)
    fx = fx_lookup()
    subs = _subscriptions(landing)
    items = _items(landing).merge(
        subs[
            ["subscription_id", "customer_id", "started", "ended", "trial_started", "trial_ended"]
        ],
        on="subscription_id",
        how="inner",
    )
    discounts = _discounts(landing)
    all_subs = read_table(landing, "billing", "subscriptions")
    first_day = min(
        epoch_to_date(all_subs["start_date"]).min(),
        epoch_to_date(read_table(landing, "billing", "subscription_items")["created"]).min(),
    )
    months = pd.date_range(_month_start(first_day), _month_start(as_of), freq="MS")

    rows = []
    for month in months:
        measure = min(_month_end(month), as_of)
        active = items[
            (items["created_day"] <= measure)
            & (items["ended_day"].isna() | (items["ended_day"] > measure))
            & (items["started"] <= measure)
            & (items["ended"].isna() | (items["ended"] > measure))
        ]
        for sub_id, sub_items in active.groupby("subscription_id"):
            list_mrr = {}
            for it in sub_items.itertuples(index=False):
                factor = MONTHLY_FACTOR[str(it.recurring_interval).lower()]
                count = 1 if pd.isna(it.recurring_interval_count) else it.recurring_interval_count
                rate = fx[(month, str(it.currency).upper())]
                native = it.unit_amount / 100.0 * it.quantity * factor / count
                list_mrr[it.item_id] = native * rate
            subscription_list = sum(list_mrr.values())
            customer_id = sub_items["customer_id"].iloc[0]
            discount = _discount_in_force(discounts, sub_id, customer_id, measure)
            for it in sub_items.itertuples(index=False):
                in_trial = not pd.isna(it.trial_ended) and it.trial_ended > measure
                in_trial = in_trial and (pd.isna(it.trial_started) or it.trial_started <= measure)
                item_list = list_mrr[it.item_id]
                off = 0.0
                if discount is not None and not pd.isna(discount["percent_off"]):
                    off = item_list * discount["percent_off"] / 100.0
                elif discount is not None and not pd.isna(discount["amount_off"]):
                    factor = MONTHLY_FACTOR[str(it.recurring_interval).lower()]
                    count = (
                        1 if pd.isna(it.recurring_interval_count) else it.recurring_interval_count
                    )
                    currency = (
                        discount["currency"]
                        if isinstance(discount["currency"], str)
                        else it.currency
                    )
                    per_month = discount["amount_off"] / 100.0 * factor / count
                    share = item_list / subscription_list if subscription_list else math.nan
                    off = min(item_list, per_month * fx[(month, currency.upper())] * share)
                mrr = 0.0 if in_trial else max(item_list - off, 0.0)
                rows.append({"customer_id": customer_id, "month": month, "mrr": mrr})

    item_mrr = pd.DataFrame(rows, columns=["customer_id", "month", "mrr"])
    by_customer = item_mrr.groupby(["customer_id", "month"], as_index=False)["mrr"].sum()
    first = by_customer.groupby("customer_id")["month"].min()
    grid = pd.DataFrame(
        [(c, m) for c, f in first.items() for m in months if m >= f],
        columns=["customer_id", "month"],
    )
    grid = grid.merge(by_customer, on=["customer_id", "month"], how="left").fillna({"mrr": 0.0})
    return grid, as_of


def expected_monthly(customer_mrr: pd.DataFrame, months: list[pd.Timestamp]) -> pd.DataFrame:
    """MRR, ARR, active customers and logo churn per month, from customer MRR."""
    wide = customer_mrr.pivot_table(
        index="customer_id", columns="month", values="mrr", fill_value=0.0
    )
    out = []
    previous = None
    for month in months:
        current = wide[month] if month in wide.columns else pd.Series(0.0, index=wide.index)
        active_now = current > 0
        row = {
            "month": month,
            "mrr": float(current.sum()),
            "active_customers": int(active_now.sum()),
        }
        row["arr"] = 12.0 * row["mrr"]
        if previous is None:
            row["starting_customers"], row["churned_customers"] = 0, 0
        else:
            active_before = previous > 0
            row["starting_customers"] = int(active_before.sum())
            row["churned_customers"] = int((active_before & ~active_now).sum())
        start = row["starting_customers"]
        row["logo_churn_rate"] = row["churned_customers"] / start if start else None
        out.append(row)
        previous = current
    return pd.DataFrame(out)


def _read_marts(warehouse: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        monthly = con.execute(
            """
            select month_start_date as month, cast(mrr as double) as mrr,
                cast(arr as double) as arr, starting_customers, active_customers,
                churned_customers, cast(logo_churn_rate as double) as logo_churn_rate,
                is_as_of_month
            from marts.mart_revenue_monthly
            where segment = 'All'
            order by month_start_date
            """
        ).df()
        movements = con.execute(
            """
            select customer_id, month_start_date as month, cast(ending_mrr as double) as mrr
            from marts.fct_mrr_movements
            """
        ).df()
    finally:
        con.close()
    for frame in (monthly, movements):
        frame["month"] = pd.to_datetime(frame["month"])
    return monthly, movements


def _close(expected: float | None, actual: float | None, tol: float) -> bool:
    exp_null = expected is None or pd.isna(expected)
    act_null = actual is None or pd.isna(actual)
    if exp_null or act_null:
        return exp_null and act_null
    return abs(float(expected) - float(actual)) <= tol


@pytest.mark.slow
def test_revenue_marts_match_an_independent_recomputation(demo_run, pipeline_env) -> None:
    _, result = demo_run
    assert result.success, "the revops_daily job failed; the marts cannot be cross-checked"
    customer_mrr, as_of = expected_customer_mrr(pipeline_env.landing)
    monthly, movements = _read_marts(pipeline_env.warehouse)

    months = sorted(customer_mrr["month"].unique())
    assert list(monthly["month"]) == months, "the mart's months differ from the billing history"
    assert monthly.loc[monthly["is_as_of_month"], "month"].tolist() == [_month_start(as_of)]
    expected = expected_monthly(customer_mrr, months).set_index("month")
    actual = monthly.set_index("month")

    problems = []
    for month in months:
        exp, act = expected.loc[month], actual.loc[month]
        for column, tol in (("mrr", MONEY_TOL), ("arr", MONEY_TOL), ("logo_churn_rate", RATE_TOL)):
            if not _close(exp[column], act[column], tol):
                problems.append(
                    f"{month:%Y-%m} {column}: expected {exp[column]}, mart {act[column]}"
                )
        for column in ("starting_customers", "active_customers", "churned_customers"):
            if int(exp[column]) != int(act[column]):
                problems.append(
                    f"{month:%Y-%m} {column}: expected {exp[column]}, mart {act[column]}"
                )

    # per customer-month: every month with MRR at its start or end is in fct_mrr_movements
    exp_cm = customer_mrr.sort_values(["customer_id", "month"]).copy()
    exp_cm["previous"] = exp_cm.groupby("customer_id")["mrr"].shift(1).fillna(0.0)
    exp_cm = exp_cm[(exp_cm["mrr"] > 0) | (exp_cm["previous"] > 0)]
    joined = exp_cm.merge(
        movements, on=["customer_id", "month"], how="outer", suffixes=("", "_mart")
    )
    for row in joined.itertuples(index=False):
        if not _close(row.mrr, row.mrr_mart, MONEY_TOL):
            problems.append(
                f"{row.customer_id} {row.month:%Y-%m}: expected {row.mrr}, mart {row.mrr_mart}"
            )

    churn_months = int(expected["logo_churn_rate"].notna().sum())
    print(
        f"\nrevenue cross-check: as_of {as_of:%Y-%m-%d}; {len(months)} months compared for MRR, "
        f"ARR and customer counts, {churn_months} months with a logo churn rate, "
        f"{len(joined)} customer-months compared with fct_mrr_movements; "
        f"latest MRR {expected['mrr'].iloc[-1]:.2f} USD"
    )
    assert len(months) >= 12 and churn_months >= 11, "too little history to cross-check"
    assert expected["churned_customers"].sum() > 0, "no churn at all: the churn check cannot bite"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def expected_annual_retention(customer_mrr: pd.DataFrame) -> pd.DataFrame:
    """Annual NRR and GRR per month (METRICS.md "GRR (annual)", "NRR (annual)"): over the
    customers with MRR > 0 twelve months earlier, their MRR now (NRR) and min(now, then) (GRR)
    / their MRR then. A customer without a row now counts at 0."""
    wide = customer_mrr.pivot_table(
        index="customer_id", columns="month", values="mrr", fill_value=0.0
    )
    out = []
    for month in wide.columns:
        year_ago = month - pd.DateOffset(months=12)
        if year_ago not in wide.columns:
            continue
        then = wide[year_ago][wide[year_ago] > 0]
        if then.empty:
            continue
        now = wide.loc[then.index, month]
        out.append(
            {
                "month": month,
                "nrr_annual": float(now.sum() / then.sum()),
                "grr_annual": float(now.clip(upper=then).sum() / then.sum()),
            }
        )
    return pd.DataFrame(out).set_index("month")


@pytest.mark.slow
def test_annual_grr_and_nrr_match_an_independent_recomputation(demo_run, pipeline_env) -> None:
    _, result = demo_run
    assert result.success, "the revops_daily job failed; the marts cannot be cross-checked"
    customer_mrr, _ = expected_customer_mrr(pipeline_env.landing)
    expected = expected_annual_retention(customer_mrr)
    con = duckdb.connect(str(pipeline_env.warehouse), read_only=True)
    try:
        mart = con.execute(
            """
            select month_start_date as month, nrr_annual, grr_annual
            from marts.mart_revenue_monthly
            where segment = 'All'
            """
        ).df()
    finally:
        con.close()
    mart["month"] = pd.to_datetime(mart["month"])
    mart = mart.set_index("month")
    problems = [
        f"{month:%Y-%m} {column}: expected {expected.at[month, column]}, "
        f"mart {mart.at[month, column]}"
        for month in expected.index
        for column in ("nrr_annual", "grr_annual")
        if not _close(expected.at[month, column], mart.at[month, column], RATE_TOL)
    ]
    problems += [
        f"{month:%Y-%m}: the mart has an annual rate without customers a year before"
        for month in mart.index
        if month not in expected.index
        and not (pd.isna(mart.at[month, "nrr_annual"]) and pd.isna(mart.at[month, "grr_annual"]))
    ]
    latest = expected.index.max()
    print(
        f"\nannual retention: {len(expected)} months compared; {latest:%Y-%m} NRR "
        f"{expected.at[latest, 'nrr_annual']:.4f}, GRR {expected.at[latest, 'grr_annual']:.4f}"
    )
    assert len(expected) >= 6, "too little history to cross-check annual retention"
    assert (expected["grr_annual"] < expected["nrr_annual"]).any(), "no expansion: GRR cannot bite"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])
