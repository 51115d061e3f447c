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
CHANNEL_SEED = Path(__file__).resolve().parents[2] / "seeds" / "channel_mapping.csv"
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
                "win_rate": _ratio(len(won), len(won) + len(lost)),
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


def expected_programme_costs(landing: Path, as_of: pd.Timestamp) -> pd.Series:
    """CRM campaigns' programme costs in USD per month (METRICS.md "spend"): each campaign's
    actual cost spread evenly over its days (start to end, inclusive; no end: up to as_of; no
    start: its created day; an end before the start: one day), each day at its month's rate.
    Campaigns whose type maps (exact lead_source rule of the channel seed) to a channel that an
    ad platform reports are left out: their spend is the platforms'."""
    fx = fx_lookup()
    seed = pd.read_csv(CHANNEL_SEED, dtype=str)
    by_type = {
        v.strip().lower(): c
        for t, v, c in zip(seed["source_type"], seed["source_value"], seed["channel"], strict=True)
        if t == "lead_source" and "%" not in v
    }
    ad_channels = set(seed.loc[seed["source_type"] == "ad_platform", "channel"])
    campaigns = read_table(landing, "crm", "campaign")
    if "currency_iso_code" not in campaigns:
        campaigns["currency_iso_code"] = None
    rows: list[tuple[pd.Timestamp, float]] = []
    for c in campaigns.itertuples(index=False):
        channel = by_type.get(str(c.type).strip().lower())
        if _null(c.actual_cost) or float(c.actual_cost) == 0 or channel in ad_channels:
            continue
        first = c.created_date.normalize() if _null(c.start_date) else c.start_date
        last = as_of if _null(c.end_date) else c.end_date
        last = max(last, first)
        days = pd.date_range(first, last, freq="D")
        currency = "USD" if _null(c.currency_iso_code) else str(c.currency_iso_code).upper()
        per_day = float(c.actual_cost) / len(days)
        months = [d.to_period("M").to_timestamp() for d in days if d <= as_of]
        rows += [(m, per_day * fx[(m, currency)]) for m in months]
    if not rows:
        return pd.Series(dtype=float)
    frame = pd.DataFrame(rows, columns=["month", "usd"])
    return frame.groupby("month")["usd"].sum()


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
            cast(win_rate as double) as win_rate,
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
        ("win_rate", RATE_TOL),
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
        if r.won_count or r.lost_count or not _null(r.win_rate) or not _null(r.avg_deal_size):
            problems.append(f"{r.rep_id} {r.month:%Y-%m}: closed nothing but the mart has values")
    n_rate = int(exp["win_rate"].notna().sum())
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
    programmes = expected_programme_costs(expected["landing"], as_of)
    first_won = account_first_won(expected["opps"])
    first_won = first_won[first_won <= as_of]
    new_customers = _month(first_won).value_counts()
    mart = _query(
        expected["warehouse"],
        """
        select month_start_date as month, cast(ad_spend as double) as spend,
            cast(programme_cost as double) as programme_cost, new_customers,
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
        exp_programmes = float(programmes.get(r.month, 0.0))
        exp_new = int(new_customers.get(r.month, 0))
        # paid CAC divides all spend: the ad platforms' and the CRM programme costs
        exp_cac = _ratio(exp_spend + exp_programmes, exp_new)
        if not _close(exp_programmes, r.programme_cost, MONEY_TOL):
            problems.append(
                f"{r.month:%Y-%m}: expected programme cost {exp_programmes:.2f}, "
                f"mart {r.programme_cost}"
            )
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
        f"{m:%Y-%m}: programme cost but no mart row" for m in programmes.index if m not in covered
    ]
    problems += [
        f"{m:%Y-%m}: new customers but no mart row" for m in new_customers.index if m not in covered
    ]
    n_cac = sum(1 for m in mart["month"] if new_customers.get(m, 0))
    n_programmes = int((programmes > 0).sum())
    print(
        f"\npaid CAC: {len(mart)} months compared, {n_cac} with new customers (a CAC), "
        f"{n_programmes} with programme costs"
    )
    assert n_cac >= 6, "too few months with new customers to cross-check CAC"
    assert n_programmes >= 6, "too few months with programme costs to cross-check spend"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def _close_month_situations(landing: Path, opps: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every opportunity open at the end of a month's first day with its close date (as of that
    day) in that month: its stage, amount in USD at the created-month rate, type. The state as of
    a day is the last non-empty value of the opportunity history up to the day's end; before the
    first change the opportunity was in its first recorded stage at its current amount and close
    date. A stage is closed by the seed, or by the CRM's own flags when it is the current stage."""
    raw = read_table(landing, "crm", "opportunity").set_index("id")
    live = opps.set_index("opportunity_id")
    history = read_table(landing, "crm", "opportunity_history")
    history = history[history["opportunity_id"].isin(live.index)].sort_values(
        ["opportunity_id", "created_date", "id"]
    )
    seed = pd.read_csv(STAGE_SEED, dtype=str)
    seed_closed = dict(zip(seed["stage_name"], seed["is_closed"] == "true", strict=True))
    first_stage = history.dropna(subset=["stage_name"]).groupby("opportunity_id")["stage_name"]
    first_stage = first_stage.first()
    fx = fx_lookup()
    parts = []
    start = _month(live["created_day"]).min()
    for month in pd.date_range(start, as_of, freq="MS"):
        changes = history[history["created_date"] < month + pd.Timedelta(days=1)]
        last = changes.groupby("opportunity_id")[["stage_name", "amount", "close_date"]].last()
        state = live[live["created_day"] <= month].join(last.add_prefix("h_"), how="left")
        if state.empty:
            continue
        current = raw.loc[state.index, "stage_name"]
        stage = state["h_stage_name"].fillna(first_stage).fillna(current)
        closed = [
            bool(own) if s == cur else bool(seed_closed.get(str(s).strip(), False))
            for s, cur, own in zip(stage, current, state["is_closed"], strict=True)
        ]
        close = state["h_close_date"].fillna(state["close_date"])
        amount = state["h_amount"].fillna(raw.loc[state.index, "amount"])
        created_month = _month(state["created_day"])
        currency = raw.loc[state.index, "currency_iso_code"].str.upper()
        frame = pd.DataFrame(
            {
                "month": month,
                "stage": stage,
                "amount_usd": [
                    a * fx.get((m, c), float("nan"))
                    for a, m, c in zip(amount, created_month, currency, strict=True)
                ],
                "type": state["type"],
                "is_won": state["is_won"],
                "won_date": state["close_date"].where(state["is_won"]),
            },
            index=state.index,
        )
        in_close_month = ~pd.Series(closed, index=state.index) & (_month(close) == month)
        parts.append(frame[in_close_month.to_numpy()])
    return pd.concat(parts)


def expected_backtest(landing: Path, opps: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per month that has started (METRICS.md "weighted pipeline", "sales forecast"): the forecast
    made at the end of its first day = bookings won on that day + the bookings pipeline in its
    close month x the stage's win rate among the situations of the 12 months before (won before
    the month); the month's won bookings; for complete months the bias and its absolute value."""
    situations = _close_month_situations(landing, opps, as_of)
    seed = pd.read_csv(STAGE_SEED, dtype=str)
    open_stages = set(seed.loc[seed["stage_category"] == "open", "stage_name"])
    bookings = opps["type"].fillna("New Business").isin(BOOKING_TYPES)
    won = opps[opps["is_won"] & bookings & (opps["close_date"] <= as_of)].copy()
    # a negative CRM amount is a source defect: NULL, never bookings (int_opportunities.amount)
    won["amount_usd"] = won["amount_usd"].where(won["amount_usd"] >= 0)
    rows = []
    for month in pd.date_range(_month(opps["created_day"]).min(), as_of, freq="MS"):
        window = situations[
            (situations["month"] >= month - pd.DateOffset(months=12))
            & (situations["month"] < month)
        ]
        rate = (window["is_won"] & (window["won_date"] < month)).groupby(window["stage"]).mean()
        now = situations[
            (situations["month"] == month)
            & situations["type"].fillna("New Business").isin(BOOKING_TYPES)
            & situations["stage"].isin(open_stages)
        ]
        weighted = float((now["amount_usd"] * now["stage"].map(rate)).sum())
        forecast = weighted + float(won.loc[won["close_date"] == month, "amount_usd"].sum())
        actual = float(won.loc[won["close_month"] == month, "amount_usd"].sum())
        complete = month + pd.offsets.MonthEnd(0) <= as_of
        bias = forecast / actual - 1 if complete and actual else None
        rows.append({"month": month, "forecast": forecast, "actual": actual, "bias": bias})
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_forecast_backtest_bias_and_mape(expected: dict) -> None:
    as_of = expected["as_of"]
    exp = expected_backtest(expected["landing"], expected["opps"], as_of)
    mart = _query(
        expected["warehouse"],
        """
        select month_start_date as month, cast(backtest_forecast_amount as double) as forecast,
            cast(closed_won_amount as double) as actual, backtest_bias as bias,
            backtest_absolute_percentage_error as ape,
            backtest_bias_trailing_12_months as bias_12, backtest_mape_trailing_12_months as mape_12
        from marts.mart_forecast_backtest_monthly
        order by month_start_date
        """,
    )
    mart["month"] = pd.to_datetime(mart["month"])
    merged = exp.merge(mart, on="month", how="outer", suffixes=("", "_mart"), indicator="side")
    problems = [f"{r.month:%Y-%m}: {r.side}" for r in merged.itertuples() if r.side != "both"]
    complete = exp[exp["month"] + pd.offsets.MonthEnd(0) <= as_of]
    for r in merged[merged["side"] == "both"].itertuples(index=False):
        for name in ("forecast", "actual"):
            if not _close(getattr(r, name), getattr(r, f"{name}_mart"), MONEY_TOL):
                problems.append(f"{r.month:%Y-%m} {name}: {getattr(r, name)} vs mart")
        if not _close(r.bias, r.bias_mart, 1e-6):
            problems.append(f"{r.month:%Y-%m} bias: expected {r.bias}, mart {r.bias_mart}")
        exp_ape = None if _null(r.bias) else abs(r.bias)
        if not _close(exp_ape, r.ape, 1e-6):
            problems.append(f"{r.month:%Y-%m} APE: expected {exp_ape}, mart {r.ape}")
        since = r.month - pd.DateOffset(months=12)
        last12 = complete[(complete["month"] > since) & (complete["month"] <= r.month)]
        is_complete = r.month in set(complete["month"])
        ratio_12 = _ratio(last12["forecast"].sum(), last12["actual"].sum())
        exp_bias_12 = ratio_12 - 1 if is_complete and ratio_12 is not None else None
        apes = last12["bias"].dropna().abs()
        exp_mape_12 = float(apes.mean()) if is_complete and len(apes) else None
        if not _close(exp_bias_12, r.bias_12, 1e-6) or not _close(exp_mape_12, r.mape_12, 1e-6):
            problems.append(
                f"{r.month:%Y-%m} trailing 12: expected bias {exp_bias_12} MAPE {exp_mape_12}, "
                f"mart {r.bias_12} / {r.mape_12}"
            )
    n_scored = int(complete["bias"].notna().sum())
    print(f"\nforecast backtest: {len(exp)} months compared, {n_scored} with a bias")
    assert n_scored >= 6, "too few complete months with bookings to cross-check the backtest"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


@pytest.mark.slow
def test_target_decomposition_quota_to_plan_and_rep_attainment(expected: dict) -> None:
    """Target decomposition, per month up to as_of_date: the company row's quotas (the sum of
    every rep's quota in USD at the month's rate), plan and quota-to-plan ratio from the plan
    files, and each rep's quota attainment (won new business + expansion by close date / quota)
    from the CRM export, against mart_targets_monthly."""
    as_of = expected["as_of"]
    landing = expected["landing"]
    fx = fx_lookup()
    quotas = read_table(landing, "plan", "quotas")
    quotas["month"] = pd.to_datetime(quotas["month"])
    quotas["usd"] = [
        float(a) * fx[(m, c.upper())]
        for a, m, c in zip(quotas["quota_amount"], quotas["month"], quotas["currency"], strict=True)
    ]
    plan = read_table(landing, "plan", "revenue_plan")
    plan["month"] = pd.to_datetime(plan["month"])
    plan_usd = {
        m: float(a) * fx[(m, c.upper())]
        for m, a, c in zip(plan["month"], plan["plan_bookings"], plan["currency"], strict=True)
    }
    quota_by_month = quotas.groupby("month")["usd"].sum()
    quota_by_rep = quotas.groupby(["rep_id", "month"])["usd"].sum()
    opps = expected["opps"]
    won = opps[opps["is_won"] & opps["type"].isin(BOOKING_TYPES) & (opps["close_date"] <= as_of)]
    bookings = won.groupby(["rep_id", _month(won["close_date"])])["amount_usd"].sum()
    mart = _query(
        expected["warehouse"],
        f"""
        select month_start_date as month, target_level, member_key,
            cast(quota_bookings as double) as quota, cast(plan_bookings as double) as plan,
            quota_to_plan_ratio, quota_attainment
        from marts.mart_targets_monthly
        where target_level in ('company', 'rep') and month_start_date <= date '{as_of:%Y-%m-%d}'
        """,
    )
    mart["month"] = pd.to_datetime(mart["month"])
    problems = []
    company = mart[mart["target_level"] == "company"]
    for r in company.itertuples(index=False):
        exp_quota = quota_by_month.get(r.month)
        exp_plan = plan_usd.get(r.month)
        exp_ratio = _ratio(exp_quota, exp_plan) if exp_quota is not None and exp_plan else None
        if not (_close(exp_quota, r.quota, MONEY_TOL) and _close(exp_plan, r.plan, MONEY_TOL)):
            problems.append(
                f"{r.month:%Y-%m}: quota/plan {exp_quota}/{exp_plan}, mart {r.quota}/{r.plan}"
            )
        if not _close(exp_ratio, r.quota_to_plan_ratio, 1e-6):
            problems.append(
                f"{r.month:%Y-%m} ratio: expected {exp_ratio}, mart {r.quota_to_plan_ratio}"
            )
    reps = mart[(mart["target_level"] == "rep") & mart["quota"].notna()]
    for r in reps.itertuples(index=False):
        quota = quota_by_rep.get((r.member_key, r.month))
        exp_att = _ratio(float(bookings.get((r.member_key, r.month), 0.0)), quota or 0.0)
        if not _close(exp_att, r.quota_attainment, 1e-6):
            problems.append(
                f"{r.member_key} {r.month:%Y-%m}: attainment {exp_att}, mart {r.quota_attainment}"
            )
    months_with_plan = [m for m in quota_by_month.index if m <= as_of and m in plan_usd]
    assert set(months_with_plan) <= set(company["month"]), "a month with quotas and plan is missing"
    print(f"\ntargets: {len(company)} company months, {len(reps)} rep-months compared")
    assert len(reps) >= 20, "too few rep-months with a quota to cross-check"
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def expected_cohort_months(opps: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per rep and created month (METRICS.md "win rate", cohort beside it): opportunities created
    up to as_of, those won by as_of, those still open at as_of (not closed, or closed after it)."""
    created = opps[opps["created_day"] <= as_of].copy()
    closed_by = (
        created["is_closed"] & created["close_date"].notna() & (created["close_date"] <= as_of)
    )
    created["won_so_far"] = created["is_won"] & closed_by
    created["still_open"] = ~closed_by
    created["month"] = _month(created["created_day"])
    out = created.groupby(["rep_id", "month"]).agg(
        opportunities_created=("opportunity_id", "size"),
        cohort_won_count=("won_so_far", "sum"),
        cohort_open_count=("still_open", "sum"),
    )
    out["cohort_win_rate"] = out["cohort_won_count"] / out["opportunities_created"]
    out["cohort_open_share"] = out["cohort_open_count"] / out["opportunities_created"]
    return out.reset_index()


@pytest.mark.slow
def test_rep_monthly_cohort_win_rate(expected: dict) -> None:
    exp = expected_cohort_months(expected["opps"], expected["as_of"])
    mart = _query(
        expected["warehouse"],
        """
        select rep_id, month_start_date as month, opportunities_created, cohort_won_count,
            cohort_open_count, cohort_win_rate, cohort_open_share
        from marts.mart_sales_rep_monthly
        """,
    )
    mart["month"] = pd.to_datetime(mart["month"])
    joined = exp.merge(mart, on=["rep_id", "month"], how="outer", suffixes=("", "_mart"))
    problems = []
    for r in joined.itertuples(index=False):
        if _null(r.opportunities_created):
            if r.opportunities_created_mart or not _null(r.cohort_win_rate_mart):
                problems.append(f"{r.rep_id} {r.month:%Y-%m}: created nothing but has a cohort")
            continue
        if _null(r.opportunities_created_mart):
            problems.append(f"{r.rep_id} {r.month:%Y-%m}: missing from the mart")
            continue
        for col, tol in (
            ("opportunities_created", 0),
            ("cohort_won_count", 0),
            ("cohort_open_count", 0),
            ("cohort_win_rate", RATE_TOL),
            ("cohort_open_share", RATE_TOL),
        ):
            if not _close(getattr(r, col), getattr(r, col + "_mart"), tol):
                problems.append(
                    f"{r.rep_id} {r.month:%Y-%m} {col}: expected {getattr(r, col)}, "
                    f"mart {getattr(r, col + '_mart')}"
                )
    print(
        f"\ncohort win rate: {len(exp)} rep-months with opportunities created compared, "
        f"{int(exp['cohort_won_count'].sum())} won so far, "
        f"{int(exp['cohort_open_count'].sum())} open"
    )
    assert exp["cohort_won_count"].sum() > 0 and exp["cohort_open_count"].sum() > 0
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
