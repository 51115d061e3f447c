"""Cross-check of the sales and marketing marts against an independent recomputation from the
landing files.

Win rate by count, average deal size (new + expansion) and the mean sales cycle of won deals per
rep and month, the lead-to-customer rate per lead-creation cohort and paid CAC per month are
recomputed in pandas from the CRM and ad-platform exports, seeds/stage_mapping.csv and
seeds/fx_rates.csv, following METRICS.md, then compared with fct_opportunities,
mart_sales_rep_monthly, mart_funnel_cohort_monthly and mart_marketing_channel_monthly. No raw,
staging or intermediate table and no project SQL is read on the expected side.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from landing_reader import as_of_date, fx_lookup, read_table

MONEY_TOL = 0.01
RATE_TOL = 1e-9
DAYS_TOL = 1e-9
UNASSIGNED = "(unassigned)"
STAGE_SEED = Path(__file__).resolve().parents[2] / "seeds" / "stage_mapping.csv"
BOOKING_TYPES = {"New Business", "Expansion"}


def _month(ts: pd.Series) -> pd.Series:
    return ts.dt.to_period("M").dt.to_timestamp()


def _null(value: object) -> bool:
    return value is None or pd.isna(value)


def _close(expected: object, actual: object, tol: float) -> bool:
    if _null(expected) or _null(actual):
        return _null(expected) and _null(actual)
    return abs(float(expected) - float(actual)) <= tol


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def expected_opportunities(landing: Path) -> pd.DataFrame:
    """Live opportunities, classified won / lost, amount in USD at the close (else created) month
    rate, cycle in days from first engagement (else created) to close."""
    opps = read_table(landing, "crm", "opportunity")
    seed = pd.read_csv(STAGE_SEED, dtype=str)
    closed_by_stage = dict(zip(seed["stage_name"], seed["is_closed"] == "true", strict=True))
    won_by_stage = dict(zip(seed["stage_name"], seed["is_won"] == "true", strict=True))
    stage = opps["stage_name"].str.strip()

    # the CRM's own flags decide where present; else the seed; a stage neither knows is open
    def _flag(v: object) -> bool | None:
        return bool(v) if isinstance(v, bool | np.bool_) else None

    def _status(flag: object, seed_value: bool | None) -> bool:
        own = _flag(flag)
        return own if own is not None else bool(seed_value)

    is_closed = [
        _status(c, closed_by_stage.get(s)) for s, c in zip(stage, opps["is_closed"], strict=True)
    ]
    won_flag = [_status(w, won_by_stage.get(s)) for s, w in zip(stage, opps["is_won"], strict=True)]
    out = pd.DataFrame({"opportunity_id": opps["id"], "account_id": opps["account_id"]})
    out["rep_id"] = opps["owner_id"].fillna(UNASSIGNED)
    out["type"] = opps["type"]
    out["is_closed"] = is_closed
    out["is_won"] = out["is_closed"] & pd.Series(won_flag, index=out.index)
    out["is_lost"] = out["is_closed"] & ~out["is_won"]
    out["created_day"] = opps["created_date"].dt.normalize()
    out["close_date"] = opps["close_date"]
    fx = fx_lookup()
    rate_day = out["close_date"].where(out["is_closed"], out["created_day"])
    out["amount_usd"] = [
        a * fx.get((m, str(c).upper()), float("nan")) if not (_null(a) or _null(m)) else None
        for a, m, c in zip(opps["amount"], _month(rate_day), opps["currency_iso_code"], strict=True)
    ]
    start = opps["first_engagement_date_c"].fillna(out["created_day"])
    out["cycle_days"] = ((out["close_date"] - start).dt.days).where(out["is_closed"])
    out["close_month"] = _month(out["close_date"])
    return out


def expected_rep_months(opps: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per rep and close month: win rate by count, average deal size, mean won cycle."""
    closed = opps[opps["is_closed"] & opps["close_date"].notna() & (opps["close_date"] <= as_of)]
    rows = []
    for (rep, month), g in closed.groupby(["rep_id", "close_month"]):
        won, lost = g[g["is_won"]], g[g["is_lost"]]
        # METRICS.md: an opportunity without a type counts as new business
        bookings = won[won["type"].fillna("New Business").isin(BOOKING_TYPES)]
        rows.append(
            {
                "rep_id": rep,
                "month": month,
                "won_count": len(won),
                "lost_count": len(lost),
                "win_rate_count": _ratio(len(won), len(won) + len(lost)),
                "bookings_amount": float(bookings["amount_usd"].sum()),
                "avg_deal_size": _ratio(float(bookings["amount_usd"].sum()), len(bookings)),
                "won_cycle_days_mean": won["cycle_days"].mean() if len(won) else None,
            }
        )
    return pd.DataFrame(rows)


def account_first_won(opps: pd.DataFrame) -> pd.Series:
    """account_id -> close date of the account's first closed-won opportunity."""
    won = opps[opps["is_won"] & opps["account_id"].notna() & opps["close_date"].notna()]
    return won.groupby("account_id")["close_date"].min()


def expected_cohorts(landing: Path, first_won: pd.Series, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per lead-creation month: leads, leads whose account became a customer on or after the
    lead's creation (and by as_of), and the lead-to-customer rate."""
    leads = read_table(landing, "crm", "lead")
    leads["created_day"] = leads["created_date"].dt.normalize()
    leads = leads[leads["created_day"] <= as_of].copy()
    won_day = leads["converted_account_id"].map(first_won)
    leads["is_customer"] = won_day.notna() & (won_day >= leads["created_day"]) & (won_day <= as_of)
    leads["cohort"] = _month(leads["created_day"])
    out = leads.groupby("cohort").agg(leads=("id", "size"), customers=("is_customer", "sum"))
    out["lead_to_customer_rate"] = out["customers"] / out["leads"]
    return out


def expected_spend(landing: Path, as_of: pd.Timestamp) -> pd.Series:
    """Ad spend in USD per month, all platforms, at the spend month's rate."""
    fx = fx_lookup()
    platforms = (
        ("google_ads_campaign_stats", "date", "cost_micros", 1_000_000.0, "currency_code"),
        ("meta_ads_insights", "date_start", "spend", 1.0, "account_currency"),
        ("linkedin_ads_analytics", "day", "cost_in_local_currency", 1.0, "currency"),
    )
    parts = []
    for table, day_col, cost_col, divisor, currency_col in platforms:
        df = read_table(landing, "marketing", table)
        df = df[df[day_col] <= as_of]
        month = _month(df[day_col])
        usd = [
            0.0 if _null(cost) else cost / divisor * fx[(m, str(c).upper())]
            for cost, m, c in zip(df[cost_col], month, df[currency_col], strict=True)
        ]
        parts.append(pd.Series(usd, index=month.values))
    spend = pd.concat(parts)
    return spend.groupby(level=0).sum()


def _query(warehouse: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def expected(demo_run, pipeline_env) -> dict:
    _, result = demo_run
    assert result.success, "the revops_daily job failed; the marts cannot be cross-checked"
    landing = pipeline_env.landing
    as_of = as_of_date(landing)
    opps = expected_opportunities(landing)
    return {"as_of": as_of, "opps": opps, "landing": landing, "warehouse": pipeline_env.warehouse}


@pytest.mark.slow
def test_fct_opportunities_match_the_landing_files(expected: dict) -> None:
    opps = expected["opps"]
    mart = _query(
        expected["warehouse"],
        "select opportunity_id, is_won, is_lost, cast(amount_reporting as double) as amount_usd, "
        "cycle_days from marts.fct_opportunities",
    )
    assert sorted(mart["opportunity_id"]) == sorted(opps["opportunity_id"]), "live ids differ"
    joined = opps.merge(mart, on="opportunity_id", suffixes=("", "_mart"))
    problems = [
        f"{r.opportunity_id}: {col} expected {getattr(r, col)}, mart {getattr(r, col + '_mart')}"
        for r in joined.itertuples(index=False)
        for col, tol in (("amount_usd", MONEY_TOL), ("cycle_days", DAYS_TOL))
        if not _close(getattr(r, col), getattr(r, col + "_mart"), tol)
    ]
    problems += [
        f"{r.opportunity_id}: won/lost expected {r.is_won}/{r.is_lost}, mart {r.is_won_mart}/"
        f"{r.is_lost_mart}"
        for r in joined.itertuples(index=False)
        if (bool(r.is_won), bool(r.is_lost)) != (bool(r.is_won_mart), bool(r.is_lost_mart))
    ]
    print(
        f"\nfct_opportunities: {len(joined)} opportunities compared "
        f"({int(opps['is_won'].sum())} won)"
    )
    assert opps["is_won"].sum() > 0 and opps["is_lost"].sum() > 0
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


@pytest.mark.slow
def test_rep_monthly_win_rate_deal_size_and_cycle(expected: dict) -> None:
    exp = expected_rep_months(expected["opps"], expected["as_of"])
    mart = _query(
        expected["warehouse"],
        """
        select rep_id, month_start_date as month, won_count, lost_count,
            cast(win_rate_count as double) as win_rate_count,
            cast(bookings_amount as double) as bookings_amount,
            cast(avg_deal_size as double) as avg_deal_size,
            cast(won_cycle_days_mean as double) as won_cycle_days_mean
        from marts.mart_sales_rep_monthly
        """,
    )
    mart["month"] = pd.to_datetime(mart["month"])
    joined = exp.merge(mart, on=["rep_id", "month"], how="left", suffixes=("", "_mart"))
    # rep-months with no closed opportunity must publish no win rate, deal size or cycle
    quiet = mart.merge(exp[["rep_id", "month"]], on=["rep_id", "month"], how="left", indicator=True)
    quiet = quiet[quiet["_merge"] == "left_only"]
    problems = [
        f"{r.rep_id} {r.month:%Y-%m}: missing from the mart"
        for r in joined.itertuples(index=False)
        if _null(r.won_count_mart)
    ]
    checks = (
        ("won_count", 0),
        ("lost_count", 0),
        ("win_rate_count", RATE_TOL),
        ("bookings_amount", MONEY_TOL),
        ("avg_deal_size", MONEY_TOL),
        ("won_cycle_days_mean", DAYS_TOL),
    )
    for r in joined[joined["won_count_mart"].notna()].itertuples(index=False):
        for col, tol in checks:
            if not _close(getattr(r, col), getattr(r, col + "_mart"), tol):
                problems.append(
                    f"{r.rep_id} {r.month:%Y-%m} {col}: expected {getattr(r, col)}, "
                    f"mart {getattr(r, col + '_mart')}"
                )
    for r in quiet.itertuples(index=False):
        if r.won_count or r.lost_count or not _null(r.win_rate_count) or not _null(r.avg_deal_size):
            problems.append(f"{r.rep_id} {r.month:%Y-%m}: closed nothing but the mart has values")
    n_rate = int(exp["win_rate_count"].notna().sum())
    n_deal = int(exp["avg_deal_size"].notna().sum())
    n_cycle = int(exp["won_cycle_days_mean"].notna().sum())
    print(
        f"\nrep months: {len(exp)} rep-months with closed deals compared "
        f"({exp['rep_id'].nunique()} reps); win rate {n_rate}, average deal size {n_deal}, "
        f"won cycle mean {n_cycle}; "
        f"{len(quiet)} rep-months without closed deals checked empty"
    )
    assert n_rate >= 10 and n_deal >= 5 and n_cycle >= 5, "too little data to cross-check"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


@pytest.mark.slow
def test_lead_to_customer_rate_per_cohort(expected: dict) -> None:
    first_won = account_first_won(expected["opps"])
    exp = expected_cohorts(expected["landing"], first_won, expected["as_of"])
    mart = _query(
        expected["warehouse"],
        """
        select cohort_month as cohort, sum(leads) as leads, sum(customers) as customers
        from marts.mart_funnel_cohort_monthly
        group by cohort_month
        """,
    )
    mart["cohort"] = pd.to_datetime(mart["cohort"])
    mart = mart.set_index("cohort")
    mart["lead_to_customer_rate"] = mart["customers"] / mart["leads"].where(mart["leads"] > 0)
    assert sorted(mart.index) == sorted(exp.index), "cohort months differ"
    problems = []
    for cohort, e in exp.iterrows():
        a = mart.loc[cohort]
        if int(e["leads"]) != int(a["leads"]) or int(e["customers"]) != int(a["customers"]):
            problems.append(
                f"{cohort:%Y-%m}: expected {e['leads']} leads / {e['customers']} customers, "
                f"mart {a['leads']} / {a['customers']}"
            )
        if not _close(e["lead_to_customer_rate"], a["lead_to_customer_rate"], RATE_TOL):
            problems.append(
                f"{cohort:%Y-%m} rate: expected {e['lead_to_customer_rate']}, "
                f"mart {a['lead_to_customer_rate']}"
            )
    print(
        f"\nfunnel: {len(exp)} cohort months compared, {int(exp['leads'].sum())} leads, "
        f"{int(exp['customers'].sum())} became customers"
    )
    assert exp["customers"].sum() > 0, "no lead became a customer: the check cannot bite"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


@pytest.mark.slow
def test_paid_cac_per_month(expected: dict) -> None:
    as_of = expected["as_of"]
    spend = expected_spend(expected["landing"], as_of)
    first_won = account_first_won(expected["opps"])
    first_won = first_won[first_won <= as_of]
    new_customers = _month(first_won).value_counts()
    mart = _query(
        expected["warehouse"],
        """
        select month_start_date as month, cast(spend as double) as spend, new_customers,
            cast(paid_cac as double) as paid_cac
        from marts.mart_marketing_channel_monthly
        where is_total
        order by month_start_date
        """,
    )
    mart["month"] = pd.to_datetime(mart["month"])
    problems = []
    for r in mart.itertuples(index=False):
        exp_spend = float(spend.get(r.month, 0.0))
        exp_new = int(new_customers.get(r.month, 0))
        exp_cac = _ratio(exp_spend, exp_new)
        if not _close(exp_spend, r.spend, MONEY_TOL) or exp_new != int(r.new_customers):
            problems.append(
                f"{r.month:%Y-%m}: expected spend {exp_spend:.2f} / {exp_new} new customers, "
                f"mart {r.spend} / {r.new_customers}"
            )
        if not _close(exp_cac, r.paid_cac, MONEY_TOL):
            problems.append(f"{r.month:%Y-%m} paid CAC: expected {exp_cac}, mart {r.paid_cac}")
    covered = set(mart["month"])
    problems += [f"{m:%Y-%m}: spend but no mart row" for m in spend.index if m not in covered]
    problems += [
        f"{m:%Y-%m}: new customers but no mart row" for m in new_customers.index if m not in covered
    ]
    n_cac = sum(1 for m in mart["month"] if new_customers.get(m, 0))
    print(f"\npaid CAC: {len(mart)} months compared, {n_cac} with new customers (a CAC)")
    assert n_cac >= 6, "too few months with new customers to cross-check CAC"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def _week_start(days: pd.Series) -> pd.Series:
    return days - pd.to_timedelta(days.dt.weekday, unit="D")


@pytest.mark.slow
def test_scorecard_red_accounts_with_lost_deals_every_week(expected: dict) -> None:
    """METRICS.md scorecard red: the accounts with a deal closed-lost in the week (an account
    once, an opportunity without an account on its own), in every week, not only the week of a
    month end."""
    opps = expected["opps"]
    lost = opps[opps["is_lost"] & opps["close_date"].notna()]
    lost = lost[lost["close_date"] <= expected["as_of"]].copy()
    lost["week"] = _week_start(lost["close_date"])
    lost["account_key"] = lost["account_id"].where(
        lost["account_id"].notna(), "opportunity:" + lost["opportunity_id"]
    )
    exp = lost.groupby("week")["account_key"].nunique()
    mart = _query(
        expected["warehouse"],
        "select week_start_date as week, accounts_with_lost_deals "
        "from marts.mart_revenue_scorecard_weekly",
    )
    mart["week"] = pd.to_datetime(mart["week"])
    got = mart.set_index("week")["accounts_with_lost_deals"]
    problems = [
        f"{week:%Y-%m-%d}: expected {exp.get(week, 0)}, mart {got.get(week)}"
        for week in sorted(set(exp.index) | set(got.index))
        if exp.get(week, 0) != got.get(week)
    ]
    print(f"\nscorecard red: {len(got)} weeks compared, {int(exp.sum())} lost-deal accounts")
    assert (exp > 0).sum() >= 20, "too few weeks with losses to cross-check"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


@pytest.mark.slow
def test_loss_reasons_per_month(expected: dict) -> None:
    """METRICS.md loss reasons: closed-lost count and amount per close month by the CRM's loss
    reason (trimmed, blank = unknown), summed over competitors."""
    opps = expected["opps"]
    fields = read_table(expected["landing"], "crm", "opportunity")[["id", "loss_reason_c"]]
    lost = opps[opps["is_lost"] & opps["close_date"].notna()]
    lost = lost[lost["close_date"] <= expected["as_of"]].merge(
        fields, left_on="opportunity_id", right_on="id"
    )
    reason = lost["loss_reason_c"].astype("string").str.strip()
    lost["loss_reason"] = reason.where(reason.notna() & (reason != ""), "unknown")
    # a negative amount is a source defect, kept out of every amount (the deal still counts)
    lost["amount_usd"] = lost["amount_usd"].where(lost["amount_usd"] >= 0)
    exp = lost.groupby(["close_month", "loss_reason"]).agg(
        n=("opportunity_id", "size"), amount=("amount_usd", "sum")
    )
    mart = _query(
        expected["warehouse"],
        "select month_start_date, loss_reason, sum(lost_opportunities) as n, "
        "cast(sum(lost_amount) as double) as amount from marts.mart_loss_reasons_monthly "
        "group by all",
    )
    mart["month_start_date"] = pd.to_datetime(mart["month_start_date"])
    got = mart.set_index(["month_start_date", "loss_reason"])
    problems = [
        f"{key}: expected {exp.loc[key].tolist() if key in exp.index else None}, "
        f"mart {got.loc[key].tolist() if key in got.index else None}"
        for key in sorted(set(exp.index) | set(got.index))
        if key not in exp.index
        or key not in got.index
        or exp.loc[key, "n"] != got.loc[key, "n"]
        or not _close(exp.loc[key, "amount"], got.loc[key, "amount"], MONEY_TOL)
    ]
    print(f"\nloss reasons: {len(exp)} month x reason cells compared")
    assert lost["loss_reason"].nunique() >= 4, "too few reasons to cross-check"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])
