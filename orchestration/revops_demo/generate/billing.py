"""Billing (Stripe): customers for won accounts, products, prices, coupons, subscriptions with
trials, upgrades, downgrades, cancellations and reactivations, invoices, charges and refunds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from revops_demo.generate import names
from revops_demo.generate.core import FX_TO_USD, Context, add_months_dt, dt_to_epoch

TIERS = {  # monthly price per seat in USD cents
    "starter": ("Starter", 3000),
    "growth": ("Growth", 6000),
    "enterprise": ("Enterprise", 12000),
}
CURRENCY_FACTOR = {"usd": 1.0, "eur": 0.92, "gbp": 0.8}
INTERVALS = {  # label -> (interval, interval_count, periods per year, price factor vs monthly)
    "m1": ("month", 1, 12, 1.0),
    "m3": ("month", 3, 4, 2.85),
    "y1": ("year", 1, 1, 10.2),
}
FLEX = {"w1": ("week", 1, 52, 800), "d1": ("day", 1, 365, 130)}  # per seat, USD cents
COUPONS = [
    # id, name, percent_off, amount_off (usd cents), duration, months, valid
    ("WELCOME20", "Welcome 20% for 3 months", 20.0, None, "repeating", 3, True),
    ("ANNUAL10", "Loyalty 10% forever", 10.0, None, "forever", None, True),
    ("STARTUP50", "Startup program 50% for 6 months", 50.0, None, "repeating", 6, True),
    ("PARTNER15", "Partner referral 15% for 12 months", 15.0, None, "repeating", 12, True),
    ("ONBOARD500", "Onboarding credit", None, 50000, "once", None, True),
    ("LAUNCH2024", "Launch offer 25%", 25.0, None, "once", None, False),
]
HAZARD = {"starter": 0.028, "growth": 0.016, "enterprise": 0.008}
FAILURE_CODES = ["card_declined", "insufficient_funds", "expired_card", "processing_error"]


@dataclass
class Billing:
    customers: list[dict]
    products: pd.DataFrame
    prices: list[dict]
    coupons: pd.DataFrame
    discounts: list[dict]
    subscriptions: list[dict]
    invoices: list[dict]
    charges: pd.DataFrame
    refunds: pd.DataFrame
    changes: pd.DataFrame  # upgrades: account_idx, at, arr_delta, currency
    renewals: pd.DataFrame  # annual renewals: account_idx, at, arr, currency, renews
    items: pd.DataFrame  # item intervals with monthly USD value, for plans and account status
    account_status: pd.Series = field(default_factory=pd.Series)


def _price_objects(created: int) -> list[dict]:
    prices = []
    for tier, (tier_name, usd_cents) in TIERS.items():
        for cur, factor in CURRENCY_FACTOR.items():
            for label, (interval, count, _, mult) in INTERVALS.items():
                unit = int(round(usd_cents * factor * mult / 100) * 100)
                prices.append(
                    {
                        "id": f"price_{tier}_{cur}_{label}",
                        "object": "price",
                        "product": f"prod_{tier}",
                        "nickname": f"{tier_name} {interval} x{count} {cur.upper()}",
                        "currency": cur,
                        "unit_amount": unit,
                        "type": "recurring",
                        "recurring": {"interval": interval, "interval_count": count},
                        "active": True,
                        "created": created,
                    }
                )
            # A legacy price nobody is on any more.
            prices.append(
                {
                    "id": f"price_{tier}_{cur}_m1_legacy",
                    "object": "price",
                    "product": f"prod_{tier}",
                    "nickname": f"{tier_name} monthly {cur.upper()} (2023)",
                    "currency": cur,
                    "unit_amount": int(round(usd_cents * factor * 0.9 / 100) * 100),
                    "type": "recurring",
                    "recurring": {"interval": "month", "interval_count": 1},
                    "active": False,
                    "created": created - 86_400 * 400,
                }
            )
    for cur, factor in CURRENCY_FACTOR.items():
        for label, (interval, count, _, cents) in FLEX.items():
            prices.append(
                {
                    "id": f"price_flex_{cur}_{label}",
                    "object": "price",
                    "product": "prod_flex",
                    "nickname": f"Flex per {interval} {cur.upper()}",
                    "currency": cur,
                    "unit_amount": round(cents * factor),
                    "type": "recurring",
                    "recurring": {"interval": interval, "interval_count": count},
                    "active": True,
                    "created": created,
                }
            )
        prices.append(
            {
                "id": f"price_onboarding_{cur}",
                "object": "price",
                "product": "prod_onboarding",
                "nickname": f"Onboarding package {cur.upper()}",
                "currency": cur,
                "unit_amount": round(150000 * factor),
                "type": "one_time",
                "recurring": None,
                "active": True,
                "created": created,
            }
        )
    return prices


def _products(created: int) -> pd.DataFrame:
    rows = [
        (f"prod_{t}", name, True, created, f'{{"tier": "{t}"}}') for t, (name, _) in TIERS.items()
    ]
    rows.append(("prod_flex", "Flex (pay as you go)", True, created, '{"tier": "flex"}'))
    rows.append(("prod_onboarding", "Onboarding package", True, created, '{"tier": "services"}'))
    rows.append(("prod_legacy_basic", "Basic (retired)", False, created - 86_400 * 700, "{}"))
    return pd.DataFrame(rows, columns=["id", "name", "active", "created", "metadata"])


def _coupons(created: int) -> pd.DataFrame:
    rows = [
        (cid, name, pct, amt, "usd" if amt else None, dur, months, created, valid)
        for cid, name, pct, amt, dur, months, valid in COUPONS
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "name",
            "percent_off",
            "amount_off",
            "currency",
            "duration",
            "duration_in_months",
            "created",
            "valid",
        ],
    ).astype({"amount_off": "Int64", "duration_in_months": "Int64"})


class _Ids:
    def __init__(self) -> None:
        self.counters: dict[str, int] = {}

    def __call__(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}_{n:010d}"


def _next_period(t: datetime, interval: str, count: int) -> datetime:
    if interval == "month":
        return add_months_dt(t, count)
    if interval == "year":
        return add_months_dt(t, 12 * count)
    if interval == "week":
        return t + timedelta(days=7 * count)
    return t + timedelta(days=count)


def build(ctx: Context, crm_accounts: pd.DataFrame, won: pd.DataFrame) -> Billing:
    """won: one row per won new-business opportunity with an account (account_idx, close_date,
    amount, currency), sorted by close date."""
    rng = ctx.rng("billing")
    r = random.Random(int(rng.integers(0, 2**62)))
    end = datetime.combine(ctx.end_date, datetime.max.time()).replace(microsecond=0)
    end_e = dt_to_epoch(end)
    catalog_created = (
        dt_to_epoch(datetime.combine(ctx.start_date, datetime.min.time())) - 86_400 * 30
    )
    prices = _price_objects(catalog_created)
    price_by_id = {p["id"]: p for p in prices}
    ids = _Ids()

    customers: list[dict] = []
    subscriptions: list[dict] = []
    invoices: list[dict] = []
    discounts: list[dict] = []
    charges: list[tuple] = []
    refunds: list[tuple] = []
    changes: list[tuple] = []
    renewals: list[tuple] = []
    items_rows: list[tuple] = []
    account_status: dict[int, str] = {}

    acc_name = crm_accounts["name"].to_numpy()
    acc_id = crm_accounts["id"].to_numpy()
    acc_domain = crm_accounts["_domain"].to_numpy()
    acc_country = crm_accounts["billing_country"].to_numpy()

    def price_for(tier: str, cur: str, label: str) -> dict:
        if tier == "flex":
            return price_by_id[f"price_flex_{cur}_{label}"]
        return price_by_id[f"price_{tier}_{cur}_{label}"]

    def per_year(price: dict) -> float:
        rec = price["recurring"]
        return {"month": 12 / rec["interval_count"], "year": 1.0, "week": 52.0, "day": 365.0}[
            rec["interval"]
        ]

    def new_invoice(
        cust: str,
        sub: str,
        cur: str,
        created: datetime,
        ps: datetime,
        pe: datetime,
        lines: list[dict],
        yearly: bool,
        force: str | None = None,
    ) -> dict:
        inv_id = ids("in")
        for line in lines:
            line["id"] = ids("il")
            line["invoice"] = inv_id
        subtotal = sum(li["amount"] for li in lines)
        disc = sum(li["discount_amount"] for li in lines)
        total = subtotal - disc
        created_e = dt_to_epoch(created)
        due = created_e + 30 * 86_400 if yearly else None
        status, paid_at = "paid", None
        x = r.random()
        age_days = (end_e - created_e) / 86_400
        if force:
            status = force
        elif total <= 0:
            status = "paid"
        elif x < 0.012 and age_days > 30:
            status = "uncollectible"
        elif x < 0.017 and age_days > 5:
            status = "void"
        if status == "paid":
            delay = r.uniform(0, 20 if yearly else 2) * 86_400
            paid_at = created_e + int(delay)
            if paid_at > end_e:
                status, paid_at = "open", None
        amount_paid = total if status == "paid" else 0
        remaining = total - amount_paid if status in ("open", "uncollectible") else 0
        n = len(cust_invoices) + 1
        inv = {
            "id": inv_id,
            "object": "invoice",
            "customer": cust,
            "subscription": sub,
            "number": f"{cust[-8:].upper()}-{n:04d}",
            "status": status,
            "currency": cur,
            "created": created_e,
            "period_start": dt_to_epoch(ps),
            "period_end": dt_to_epoch(pe),
            "subtotal": subtotal,
            "total_discount_amount": disc,
            "tax": 0,
            "total": total,
            "amount_due": total,
            "amount_paid": amount_paid,
            "amount_remaining": remaining,
            "due_date": due,
            "status_transitions": {"finalized_at": created_e, "paid_at": paid_at},
            "lines": {"object": "list", "data": lines, "has_more": False},
        }
        cust_invoices.append(inv)
        # Charges: failed attempts before a success, failures for unpaid invoices; refunds.
        if total > 0 and status != "void":
            if status == "paid":
                if r.random() < 0.04:
                    charges.append(
                        (
                            ids("ch"),
                            cust,
                            inv_id,
                            total,
                            0,
                            cur,
                            "failed",
                            False,
                            False,
                            r.choice(FAILURE_CODES),
                            created_e,
                        )
                    )
                ch_id = ids("ch")
                refunded_amt = 0
                if r.random() < 0.01:
                    refunded_amt = total if r.random() < 0.6 else int(total * r.uniform(0.1, 0.5))
                    re_t = min(paid_at + int(r.uniform(1, 30) * 86_400), end_e)
                    refunds.append(
                        (
                            ids("re"),
                            ch_id,
                            refunded_amt,
                            cur,
                            "succeeded",
                            r.choice(["requested_by_customer", "duplicate", "fraudulent"]),
                            re_t,
                        )
                    )
                charges.append(
                    (
                        ch_id,
                        cust,
                        inv_id,
                        total,
                        refunded_amt,
                        cur,
                        "succeeded",
                        True,
                        refunded_amt == total,
                        None,
                        paid_at,
                    )
                )
            elif status == "uncollectible" or (status == "open" and force == "open"):
                for k in range(1 if status == "open" else 2):
                    t = min(created_e + k * 3 * 86_400, end_e)
                    charges.append(
                        (
                            ids("ch"),
                            cust,
                            inv_id,
                            total,
                            0,
                            cur,
                            "failed",
                            False,
                            False,
                            r.choice(FAILURE_CODES),
                            t,
                        )
                    )
        return inv

    for row in won.itertuples(index=False):
        a = int(row.account_idx)
        close = pd.Timestamp(row.close_date).to_pydatetime()
        created = min(close + timedelta(days=r.uniform(0.2, 6)), end)
        cur = str(row.currency).lower()
        cust_id = ids("cus")
        match = r.random()
        domain = acc_domain[a]
        if match < 0.85:
            email, meta = f"billing@{domain}", {"salesforce_account_id": acc_id[a]}
        elif match < 0.95:
            email, meta = f"finance@{domain}", {}
        else:
            fm = names.FREE_MAIL[r.randrange(len(names.FREE_MAIL))]
            email, meta = f"{acc_name[a].split(' ')[0].lower()}.owner{len(customers)}@{fm}", {}
        cust_invoices: list[dict] = []
        arr_usd = float(row.amount) * FX_TO_USD[str(row.currency)]
        tier = "starter" if arr_usd < 8000 else "growth" if arr_usd < 50000 else "enterprise"
        x = r.random()
        weights = {"starter": (0.9, 0.95), "growth": (0.65, 0.8), "enterprise": (0.2, 0.4)}[tier]
        label = "m1" if x < weights[0] else "m3" if x < weights[1] else "y1"
        if tier == "starter" and r.random() < 0.03:
            tier, label = "flex", "w1" if r.random() < 0.7 else "d1"
        price = price_for(tier, cur, label)
        qty = max(1, round(float(row.amount) * 100 / (price["unit_amount"] * per_year(price))))
        if tier == "flex":
            qty = max(1, min(qty, 20))
        delinquent = False
        sub_start = created
        attempt = 0
        while attempt < 2 and sub_start <= end:
            attempt += 1
            sub_id = ids("sub")
            rec = price["recurring"]
            trial = (
                attempt == 1
                and label == "m1"
                and tier in ("starter", "growth")
                and r.random() < 0.3
            )
            bill_start = sub_start + timedelta(days=14) if trial else sub_start
            items = [
                {
                    "id": ids("si"),
                    "price": price,
                    "quantity": qty,
                    "created": sub_start,
                    "ended_at": None,
                }
            ]
            coupon = None
            if r.random() < 0.15:
                choices = [c for c in COUPONS if c[6] and (c[3] is None or cur == "usd")]
                coupon = choices[r.randrange(len(choices))]
                disc_end = None
                if coupon[4] == "repeating":
                    disc_end = add_months_dt(bill_start, coupon[5])
                elif coupon[4] == "once":
                    disc_end = add_months_dt(bill_start, 1)
                discounts.append(
                    {
                        "id": ids("di"),
                        "object": "discount",
                        "coupon": {
                            "id": coupon[0],
                            "object": "coupon",
                            "percent_off": coupon[2],
                            "amount_off": coupon[3],
                            "duration": coupon[4],
                        },
                        "customer": cust_id,
                        "subscription": sub_id,
                        "start": dt_to_epoch(bill_start),
                        "end": dt_to_epoch(disc_end) if disc_end else None,
                    }
                )
                disc_window = (bill_start, disc_end)
            status = "active"
            canceled_at = ended_at = cancel_at = None
            cancel_at_period_end = False
            current = (sub_start, bill_start)
            if trial:
                lines = [
                    {
                        "object": "line_item",
                        "subscription": sub_id,
                        "subscription_item": items[0]["id"],
                        "price": {"id": price["id"], "object": "price"},
                        "type": "subscription",
                        "proration": False,
                        "quantity": qty,
                        "amount": 0,
                        "discount_amount": 0,
                        "currency": cur,
                        "period": {"start": dt_to_epoch(sub_start), "end": dt_to_epoch(bill_start)},
                        "description": f"Trial period for {TIERS[tier][0]}",
                    }
                ]
                new_invoice(cust_id, sub_id, cur, sub_start, sub_start, bill_start, lines, False)
                if bill_start > end:
                    status = "trialing"
                elif r.random() < 0.1:  # the trial does not convert
                    canceled_at = bill_start - timedelta(days=2)
                    ended_at = bill_start
                    status = "canceled"
            ps = bill_start
            n_changes = 0
            first_paid = True
            h = HAZARD[tier if tier != "flex" else "starter"] * (4 if tier == "flex" else 1)
            while ended_at is None and ps <= end:
                pe = _next_period(ps, rec["interval"], rec["interval_count"])
                item = items[-1]
                unit = item["price"]["unit_amount"]
                amount = unit * item["quantity"]
                disc_amt = 0
                if (
                    coupon
                    and ps >= disc_window[0]
                    and (disc_window[1] is None or ps < disc_window[1])
                ):
                    if coupon[2] is not None:
                        disc_amt = round(amount * coupon[2] / 100)
                    elif first_paid:
                        disc_amt = min(amount, coupon[3])
                first_paid = False
                lines = [
                    {
                        "object": "line_item",
                        "subscription": sub_id,
                        "subscription_item": item["id"],
                        "price": {"id": item["price"]["id"], "object": "price"},
                        "type": "subscription",
                        "proration": False,
                        "quantity": item["quantity"],
                        "amount": amount,
                        "discount_amount": disc_amt,
                        "currency": cur,
                        "period": {"start": dt_to_epoch(ps), "end": dt_to_epoch(pe)},
                        "description": f"{item['quantity']} x {TIERS.get(tier, ('Flex',))[0]}",
                    }
                ]
                force = None
                if pe > end and r.random() < 0.025:
                    force = "open"  # the latest invoice failed: past_due
                    status, delinquent = "past_due", True
                new_invoice(
                    cust_id, sub_id, cur, ps, ps, pe, lines, rec["interval"] == "year", force
                )
                current = (ps, pe)
                months = per_year(item["price"])
                p_period = 1 - (1 - h) ** (12 / months)
                # An upgrade or downgrade inside the period (prorated on its own invoice).
                if (
                    n_changes < 2
                    and tier != "flex"
                    and r.random() < 1 - (1 - 0.02) ** (12 / months)
                ):
                    t = ps + (pe - ps) * r.uniform(0.2, 0.8)
                    up = r.random() < 0.72 or item["quantity"] == 1
                    new_qty = (
                        max(item["quantity"] + 1, round(item["quantity"] * r.uniform(1.2, 2.0)))
                        if up
                        else max(1, int(item["quantity"] * r.uniform(0.5, 0.85)))
                    )
                    if t <= end and new_qty != item["quantity"]:
                        n_changes += 1
                        item["ended_at"] = t
                        new_item = {
                            "id": ids("si"),
                            "price": item["price"],
                            "quantity": new_qty,
                            "created": t,
                            "ended_at": None,
                        }
                        items.append(new_item)
                        frac = (pe - t) / (pe - ps)
                        pl = [
                            {
                                "object": "line_item",
                                "subscription": sub_id,
                                "subscription_item": item["id"],
                                "price": {"id": item["price"]["id"], "object": "price"},
                                "type": "invoiceitem",
                                "proration": True,
                                "quantity": item["quantity"],
                                "amount": -round(unit * item["quantity"] * frac),
                                "discount_amount": 0,
                                "currency": cur,
                                "period": {"start": dt_to_epoch(t), "end": dt_to_epoch(pe)},
                                "description": f"Unused time on {item['quantity']} seats",
                            },
                            {
                                "object": "line_item",
                                "subscription": sub_id,
                                "subscription_item": new_item["id"],
                                "price": {"id": item["price"]["id"], "object": "price"},
                                "type": "invoiceitem",
                                "proration": True,
                                "quantity": new_qty,
                                "amount": round(unit * new_qty * frac),
                                "discount_amount": 0,
                                "currency": cur,
                                "period": {"start": dt_to_epoch(t), "end": dt_to_epoch(pe)},
                                "description": f"Remaining time on {new_qty} seats",
                            },
                        ]
                        new_invoice(cust_id, sub_id, cur, t, t, t, pl, False)
                        if up:
                            delta = (
                                (new_qty - item["quantity"]) * unit * per_year(item["price"]) / 100
                            )
                            changes.append((a, t, delta, row.currency))
                if rec["interval"] == "year" and pe - timedelta(days=90) <= end:
                    churn_here = r.random() < p_period
                    renewals.append(
                        (a, pe, items[-1]["quantity"] * unit / 100, row.currency, not churn_here)
                    )
                else:
                    churn_here = r.random() < p_period
                if churn_here:
                    if r.random() < 0.1 and rec["interval"] != "year":
                        t = ps + (pe - ps) * r.uniform(0.1, 0.9)
                        canceled_at = ended_at = t
                    else:
                        canceled_at = max(ps, pe - timedelta(days=r.uniform(3, 25)))
                        cancel_at, ended_at, cancel_at_period_end = pe, pe, True
                    if canceled_at > end:
                        canceled_at = ended_at = cancel_at = None
                        cancel_at_period_end = False
                        break
                    if ended_at > end:
                        ended_at = None  # scheduled to end after the export: still active
                        break
                    status = "canceled"
                    break
                ps = pe
            if ended_at is not None:
                for it in items:
                    if it["ended_at"] is None or it["ended_at"] > ended_at:
                        it["ended_at"] = ended_at
            elif status == "active" and r.random() < 0.004:
                status = "unpaid"
            for it in items:
                p = it["price"]
                monthly = p["unit_amount"] * it["quantity"] * per_year(p) / 12 / 100
                items_rows.append(
                    (
                        cust_id,
                        a,
                        sub_id,
                        it["created"],
                        it["ended_at"],
                        bill_start,
                        monthly * FX_TO_USD[cur.upper()],
                    )
                )
            sub = {
                "id": sub_id,
                "object": "subscription",
                "customer": cust_id,
                "status": status,
                "currency": cur,
                "created": dt_to_epoch(sub_start),
                "start_date": dt_to_epoch(sub_start),
                "current_period_start": dt_to_epoch(current[0]),
                "current_period_end": dt_to_epoch(current[1]),
                "trial_start": dt_to_epoch(sub_start) if trial else None,
                "trial_end": dt_to_epoch(bill_start) if trial else None,
                "cancel_at": dt_to_epoch(cancel_at) if cancel_at else None,
                "cancel_at_period_end": cancel_at_period_end,
                "canceled_at": dt_to_epoch(canceled_at) if canceled_at else None,
                "ended_at": dt_to_epoch(ended_at) if ended_at else None,
                "metadata": {"plan": tier},
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": it["id"],
                            "object": "subscription_item",
                            "subscription": sub_id,
                            "price": {
                                k: it["price"][k]
                                for k in (
                                    "id",
                                    "object",
                                    "product",
                                    "currency",
                                    "unit_amount",
                                    "recurring",
                                )
                            },
                            "quantity": it["quantity"],
                            "created": dt_to_epoch(it["created"]),
                            "ended_at": dt_to_epoch(it["ended_at"]) if it["ended_at"] else None,
                        }
                        for it in items
                    ],
                    "has_more": False,
                },
            }
            subscriptions.append(sub)
            account_status[a] = "Customer" if status != "canceled" else "Former Customer"
            # Reactivation: some churned customers come back months later on a new subscription.
            if ended_at is not None and r.random() < 0.2:
                sub_start = ended_at + timedelta(days=r.uniform(60, 240))
                qty = max(1, round(qty * r.uniform(0.6, 1.2)))
                continue
            break
        # An incomplete add-on attempt right before the export, for a few customers.
        if r.random() < 0.01 and created < end - timedelta(days=2):
            t = end - timedelta(hours=r.uniform(1, 20))
            sub_id = ids("sub")
            si = ids("si")
            p = price_for("starter" if tier == "flex" else tier, cur, "m1")
            subscriptions.append(
                {
                    "id": sub_id,
                    "object": "subscription",
                    "customer": cust_id,
                    "status": "incomplete",
                    "currency": cur,
                    "created": dt_to_epoch(t),
                    "start_date": dt_to_epoch(t),
                    "current_period_start": dt_to_epoch(t),
                    "current_period_end": dt_to_epoch(add_months_dt(t, 1)),
                    "trial_start": None,
                    "trial_end": None,
                    "cancel_at": None,
                    "cancel_at_period_end": False,
                    "canceled_at": None,
                    "ended_at": None,
                    "metadata": {"plan": "add_on"},
                    "items": {
                        "object": "list",
                        "has_more": False,
                        "data": [
                            {
                                "id": si,
                                "object": "subscription_item",
                                "subscription": sub_id,
                                "price": {
                                    k: p[k]
                                    for k in (
                                        "id",
                                        "object",
                                        "product",
                                        "currency",
                                        "unit_amount",
                                        "recurring",
                                    )
                                },
                                "quantity": 1,
                                "created": dt_to_epoch(t),
                                "ended_at": None,
                            }
                        ],
                    },
                }
            )
            lines = [
                {
                    "object": "line_item",
                    "subscription": sub_id,
                    "subscription_item": si,
                    "price": {"id": p["id"], "object": "price"},
                    "type": "subscription",
                    "proration": False,
                    "quantity": 1,
                    "amount": p["unit_amount"],
                    "discount_amount": 0,
                    "currency": cur,
                    "period": {"start": dt_to_epoch(t), "end": dt_to_epoch(add_months_dt(t, 1))},
                    "description": "1 x add-on seat",
                }
            ]
            new_invoice(cust_id, sub_id, cur, t, t, add_months_dt(t, 1), lines, False, "open")
        invoices.extend(cust_invoices)
        customers.append(
            {
                "id": cust_id,
                "object": "customer",
                "email": email,
                "name": acc_name[a],
                "currency": cur,
                "created": dt_to_epoch(created),
                "delinquent": delinquent,
                "address": {"country": acc_country[a]},
                "metadata": meta,
                "deleted": False,
            }
        )

    charges_df = pd.DataFrame(
        charges,
        columns=[
            "id",
            "customer_id",
            "invoice_id",
            "amount",
            "amount_refunded",
            "currency",
            "status",
            "paid",
            "refunded",
            "failure_code",
            "created",
        ],
    ).sort_values(["created", "id"], kind="stable", ignore_index=True)
    refunds_df = pd.DataFrame(
        refunds, columns=["id", "charge_id", "amount", "currency", "status", "reason", "created"]
    )
    items_df = pd.DataFrame(
        items_rows,
        columns=[
            "customer_id",
            "account_idx",
            "subscription_id",
            "created",
            "ended_at",
            "billing_start",
            "mrr_usd",
        ],
    )
    return Billing(
        customers=customers,
        products=_products(catalog_created),
        prices=prices,
        coupons=_coupons(catalog_created),
        discounts=discounts,
        subscriptions=subscriptions,
        invoices=invoices,
        charges=charges_df,
        refunds=refunds_df,
        changes=pd.DataFrame(changes, columns=["account_idx", "at", "arr_delta", "currency"]),
        renewals=pd.DataFrame(renewals, columns=["account_idx", "at", "arr", "currency", "renews"]),
        items=items_df,
        account_status=pd.Series(account_status, dtype=object).sort_index(),
    )


def monthly_mrr(items: pd.DataFrame, months: list) -> pd.DataFrame:
    """Approximate USD MRR and new customers per month end (for sizing the plan)."""
    created = pd.to_datetime(items["created"]).to_numpy()
    ended = pd.to_datetime(items["ended_at"]).to_numpy()
    billing_start = pd.to_datetime(items["billing_start"]).to_numpy()
    mrr = items["mrr_usd"].to_numpy()
    first = items.groupby("customer_id")["billing_start"].min()
    first_month = pd.to_datetime(first).dt.to_period("M")
    rows = []
    for m in months:
        month_end = (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).to_datetime64()
        active = (created <= month_end) & (billing_start <= month_end)
        active &= np.isnat(ended) | (ended > month_end)
        new = int((first_month == pd.Period(m, "M")).sum())
        rows.append((m, float(mrr[active].sum()), new))
    return pd.DataFrame(rows, columns=["month", "mrr_usd", "new_customers"])


# Stripe cancellation_details: reason (set by Stripe) and the customer's feedback.
FEEDBACK = [
    "too_expensive",
    "missing_features",
    "switched_service",
    "unused",
    "customer_service",
    "too_complex",
    "low_quality",
    "other",
]
FEEDBACK_WEIGHTS = {  # in the order of FEEDBACK: small plans leave on price and disuse,
    "starter": [0.32, 0.12, 0.12, 0.20, 0.04, 0.08, 0.04, 0.08],  # larger ones for a rival
    "other": [0.18, 0.24, 0.28, 0.08, 0.08, 0.03, 0.06, 0.05],  # or a missing feature
}
PAYMENT_FAILED = 0.12  # cancellations after failed payments (dunning), no feedback
NO_FEEDBACK = 0.2  # customers who cancel without saying why


def add_cancellation_details(ctx: Context, subscriptions: list[dict]) -> None:
    """Stripe's cancellation_details on every subscription: all NULL until a cancellation is
    requested (canceled_at); then reason payment_failed for about 12% (dunning: no feedback),
    else cancellation_requested with the customer's feedback, weighted by plan, or none for
    about 20%. A trial that did not convert is always a requested cancellation. Drawn from its
    own random sub-stream, three numbers per subscription, so no other draw moves."""
    rng = ctx.rng("billing", 1401)
    for s in subscriptions:
        u_reason, u_silent, u_feedback = rng.random(3)
        details: dict = {"comment": None, "feedback": None, "reason": None}
        if s["canceled_at"] is not None:
            in_trial = s["trial_end"] is not None and s["canceled_at"] < s["trial_end"]
            if not in_trial and u_reason < PAYMENT_FAILED:
                details["reason"] = "payment_failed"
            else:
                details["reason"] = "cancellation_requested"
                if u_silent >= NO_FEEDBACK:
                    small = (s.get("metadata") or {}).get("plan") in ("starter", "flex")
                    weights = FEEDBACK_WEIGHTS["starter" if small else "other"]
                    cumulative = np.cumsum(weights)
                    pick = int(np.searchsorted(cumulative, u_feedback * cumulative[-1], "right"))
                    details["feedback"] = FEEDBACK[min(pick, len(FEEDBACK) - 1)]
        s["cancellation_details"] = details
