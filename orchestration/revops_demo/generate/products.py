"""The CRM's product catalogue (Salesforce Product2), its standard price book (PricebookEntry,
one entry per product and currency) and the opportunities' line items (OpportunityLineItem).

Every opportunity with an amount gets line items whose total_price adds up to its amount
exactly: a primary subscription line (Starter, Growth or Enterprise by deal size) and, on some
new-business deals, an onboarding package or premium support. Most deals are sold under list,
some at list and a few above it. Everything draws from the "products" random stream, so the
rest of the story (and every other table) is the same with or without products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revops_demo.generate.core import FX_TO_USD, Context, make_ids

# code, name, family, annual list price per unit in USD, active. The three plans and the
# onboarding package carry the names of billing's products (the warehouse matches them by name).
CATALOGUE = [
    ("SUB-STARTER", "Starter", "Subscription", 360.0, True),
    ("SUB-GROWTH", "Growth", "Subscription", 720.0, True),
    ("SUB-ENTERPRISE", "Enterprise", "Subscription", 1440.0, True),
    ("SVC-ONBOARDING", "Onboarding package", "Services", 1500.0, True),
    ("ADD-SUPPORT", "Premium support", "Add-on", 2400.0, True),
    ("SUB-BASIC", "Basic (retired)", "Subscription", 240.0, False),
]
CURRENCY_FACTOR = {"USD": 1.0, "EUR": 0.92, "GBP": 0.8}
STANDARD_PRICEBOOK = "01s000000000000001"
SUPPORT, ONBOARDING = 4, 3  # catalogue positions of the add-ons


@dataclass
class Products:
    products: pd.DataFrame
    pricebook_entries: pd.DataFrame
    line_items: pd.DataFrame  # with _opp_idx: the row of its opportunity


def _catalogue(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    created = np.datetime64(ctx.start_date, "s") - np.timedelta64(45 * 86_400, "s")
    ids = make_ids("01t", len(CATALOGUE))
    products = pd.DataFrame(
        {
            "id": ids,
            "name": [c[1] for c in CATALOGUE],
            "product_code": [c[0] for c in CATALOGUE],
            "family": [c[2] for c in CATALOGUE],
            "is_active": [c[4] for c in CATALOGUE],
            "created_date": created,
            "system_modstamp": created,
            "is_deleted": False,
        }
    )
    rows = []
    for i, (_, _, _, usd, active) in enumerate(CATALOGUE):
        for cur, factor in CURRENCY_FACTOR.items():
            rows.append((ids[i], cur, round(usd * factor), active))
    entries = pd.DataFrame(
        rows, columns=["product_2_id", "currency_iso_code", "unit_price", "active"]
    )
    entries.insert(0, "id", make_ids("01u", len(entries)))
    entries.insert(1, "pricebook_2_id", STANDARD_PRICEBOOK)
    entries["is_active"] = entries.pop("active")
    entries["use_standard_price"] = False
    entries["created_date"] = created
    entries["system_modstamp"] = created
    entries["is_deleted"] = False
    return products, entries


def build(ctx: Context, opps: pd.DataFrame) -> Products:
    """Catalogue, price book and line items of the opportunities (their final amounts)."""
    rng = ctx.rng("products")
    products, entries = _catalogue(ctx)
    entry_of = {
        (p, c): i
        for i, (p, c) in enumerate(
            zip(entries["product_2_id"], entries["currency_iso_code"], strict=True)
        )
    }
    n = len(opps)
    amount = opps["amount"].to_numpy(dtype=float)
    currency = opps["currency_iso_code"].to_numpy()
    fx = np.array([FX_TO_USD.get(c, 1.0) for c in currency])
    usd = amount * fx
    # Random draws for every opportunity, in a fixed order.
    u_tier, u_price, u_real, u_onb, u_sup = rng.random((5, n))
    tier = np.where(usd < 12_000, 0, np.where(usd < 60_000, 1, 2))
    tier = np.clip(tier + np.where(u_tier < 0.1, -1, np.where(u_tier > 0.9, 1, 0)), 0, 2)
    # Realised / list: 55% discounted (0.70-0.97), 35% at list, 10% above (1.02-1.12).
    realised = np.where(
        u_price < 0.55, 0.70 + 0.27 * u_real, np.where(u_price < 0.90, 1.0, 1.02 + 0.10 * u_real)
    )
    new_business = opps["type"].to_numpy() == "New Business"

    rows: list[tuple] = []
    for i in range(n):
        if not np.isfinite(amount[i]) or amount[i] <= 0:
            continue
        cur = currency[i]
        factor = CURRENCY_FACTOR.get(cur)
        if factor is None:
            continue
        remaining = amount[i]
        lines: list[tuple[int, int, float]] = []  # catalogue position, quantity, total
        for pos, wanted in ((ONBOARDING, u_onb[i] < 0.35), (SUPPORT, u_sup[i] < 0.15)):
            list_price = round(CATALOGUE[pos][3] * factor)
            total = round(list_price * min(realised[i], 1.0), 2)
            if new_business[i] and wanted and remaining - total >= 3 * list_price:
                lines.append((pos, 1, total))
                remaining -= total
        list_price = round(CATALOGUE[tier[i]][3] * factor)
        seats = remaining / (realised[i] * list_price)
        qty = int(np.floor(seats)) if realised[i] > 1 else int(np.ceil(seats - 1e-9))
        lines.insert(0, (int(tier[i]), max(1, qty), round(remaining, 2)))
        for pos, qty, total in lines:
            e = entry_of[(products["id"].iat[pos], cur)]
            lp = float(entries["unit_price"].iat[e])
            rows.append((i, products["id"].iat[pos], entries["id"].iat[e], qty, lp, total))

    li = pd.DataFrame(
        rows,
        columns=[
            "_opp_idx",
            "product_2_id",
            "pricebook_entry_id",
            "quantity",
            "list_price",
            "total_price",
        ],
    )
    of = li["_opp_idx"].to_numpy()
    li.insert(0, "id", make_ids("00k", len(li)))
    li.insert(1, "opportunity_id", opps["id"].to_numpy()[of])
    qty = li["quantity"].to_numpy(dtype=float)
    li["unit_price"] = np.round(li["total_price"].to_numpy() / qty, 2)
    li["discount"] = np.nan  # the sales price carries the discount, as most orgs record it
    li["service_date"] = pd.NaT
    li["created_date"] = opps["created_date"].to_numpy(dtype="datetime64[s]")[of]
    li["system_modstamp"] = opps["system_modstamp"].to_numpy(dtype="datetime64[s]")[of]
    li["is_deleted"] = opps["is_deleted"].to_numpy(dtype=bool)[of]
    return Products(products, entries, li)


__all__ = ["CATALOGUE", "Products", "build"]
