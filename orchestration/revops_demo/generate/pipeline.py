"""The order of the story (CRM pipeline -> billing -> account management -> activities ->
marketing -> plan) and the writing of every landed table.

Tables are written as soon as the story no longer needs them (the CRM's activities before the
web traffic is built), and large tables are rendered to text chunk by chunk, so memory holds the
story's numbers rather than its text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from revops.contract import Table, get_table
from revops_demo.generate import (
    activities,
    billing,
    crm,
    daily,
    defects,
    marketing,
    marketing_budget,
    plan,
    products,
    writers,
)
from revops_demo.generate.core import Context
from revops_demo.generate.daily import Drop

CSV_CHUNK = 250_000


def _project(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    return df[[c.name for c in table.columns]]


def _customer_life(items: pd.DataFrame) -> pd.DataFrame:
    if items.empty:
        return pd.DataFrame(columns=["first", "ended"])
    g = items.groupby("account_idx")
    first = pd.to_datetime(g["billing_start"].min())
    ended = g["ended_at"].agg(lambda s: s.max() if s.notna().all() else pd.NaT)
    return pd.DataFrame({"first": first, "ended": pd.to_datetime(ended)}).sort_index()


def build_crm_and_billing(ctx: Context) -> tuple[crm.Crm, billing.Billing]:
    """The CRM's sales org, pipeline and accounts, and billing, which drive each other."""
    users = crm.build_users(ctx)
    campaigns = crm.build_campaigns(ctx)
    c = crm.build_pipeline(ctx, users, campaigns)
    pending, c.opportunities = c.opportunities, pd.DataFrame()
    rng = ctx.rng("opportunities")
    history = crm.lifecycles(ctx, pending, rng)
    crm.finish_opportunities(ctx, c, pending, history, rng)

    o = c.opportunities
    won = o[o["is_won"] & ~o["is_deleted"] & (o["_account_idx"] >= 0)]
    won = pd.DataFrame(
        {
            "account_idx": won["_account_idx"].to_numpy(),
            "close_date": won["close_date"].to_numpy(),
            "amount": won["amount"].to_numpy(),
            "currency": won["currency_iso_code"].to_numpy(),
            "id": won["id"].to_numpy(),
        }
    ).sort_values(["close_date", "id"], kind="stable", ignore_index=True)
    b = billing.build(ctx, c.accounts, won)
    billing.add_cancellation_details(ctx, b.subscriptions)
    crm.build_account_management(ctx, c, b.changes, b.renewals)
    crm.add_loss_details(ctx, c)
    crm.finalize_history_ids(c)
    crm.set_account_types(c, b.account_status, ctx.rng("accounts"))
    return c, b


def build_activities(ctx: Context, c: crm.Crm, b: billing.Billing) -> None:
    """Tasks, events and campaign members (the CRM's largest tables)."""
    activities.build(ctx, c, _customer_life(b.items))
    activities.build_campaign_members(ctx, c)


class _Landing:
    """Writes tables into the landing folder: one file per table dated end_date, or (daily
    layout) a history file dated end_date - daily_days and one file per later landing day."""

    def __init__(self, ctx: Context, landing_dir: Path) -> None:
        self.ctx = ctx
        self.dir = landing_dir
        self.counts: dict[str, int] = {}
        self.defects_rng = ctx.rng("defects")
        self.cutoff = np.datetime64(ctx.cutoff_date, "D")

    def _files(self, n: int, drop: Drop | None) -> Iterator[tuple[date, np.ndarray, np.ndarray]]:
        """(file date, final rows, earlier versions) per file, rows in table order."""
        if drop is None:
            yield self.ctx.end_date, np.arange(n), np.array([], dtype=np.int64)
            return
        f_day = np.maximum(drop.day.astype("datetime64[D]"), self.cutoff)
        e_day = np.maximum(drop.earlier_day.astype("datetime64[D]"), self.cutoff)
        for d in np.unique(np.concatenate([f_day, e_day])):
            yield d.astype(date), np.flatnonzero(f_day == d), np.flatnonzero(e_day == d)

    def csv(
        self, system: str, name: str, df: pd.DataFrame, drop: Drop | None, with_defects: bool = True
    ) -> None:
        """Render the table chunk by chunk (in table order) and send each row to its file."""
        table = get_table(system, name)
        n = len(df)
        plan_ = defects.Plan()
        if with_defects:
            plan_ = defects.plan(n, table, self.defects_rng, self.ctx.defect_rate)
        files: dict[date, writers.CsvWriter] = {}

        def file(day: np.datetime64 | date) -> writers.CsvWriter:
            day = day if isinstance(day, date) else day.astype(date)
            if day not in files:
                path = writers.dated_path(self.dir, table, day, "csv")
                files[day] = writers.CsvWriter(path, table)
            return files[day]

        try:
            if drop is None:
                file(self.ctx.end_date)  # written even when empty
                f_day = np.full(n, np.datetime64(self.ctx.end_date, "D"))
            else:
                f_day = np.maximum(drop.day.astype("datetime64[D]"), self.cutoff)
            for start in range(0, n, CSV_CHUNK):
                text = writers.to_text(_project(df.iloc[start : start + CSV_CHUNK], table), table)
                days = f_day[start : start + len(text)]
                for day in np.unique(days):
                    local = np.flatnonzero(days == day)
                    part = text if len(local) == len(text) else text.iloc[local]
                    file(day).write(plan_.apply(part, start + local))
            if drop is not None and len(drop.earlier_of):
                keep = ~np.isin(drop.earlier_of, plan_.rows_hit())  # no earlier version of a
                idx = np.flatnonzero(keep)  # row hit by a defect: the final row stays final
                e_day = np.maximum(drop.earlier_day.astype("datetime64[D]"), self.cutoff)[idx]
                text = writers.to_text(_project(drop.earlier.iloc[idx], table), table)
                for day in np.unique(e_day):
                    file(day).write(text.iloc[np.flatnonzero(e_day == day)])
        finally:
            for w in files.values():
                w.close()
        self.counts[f"{system}.{name}"] = sum(w.rows for w in files.values())

    def parquet(
        self,
        system: str,
        name: str,
        n: int,
        frame: Callable[[np.ndarray], pd.DataFrame],
        drop: Drop | None,
    ) -> None:
        table = get_table(system, name)
        total = 0
        for day, rows, earlier in self._files(n, drop):
            path = writers.dated_path(self.dir, table, day, "parquet")
            with writers.ParquetWriter(path, table) as out:
                for start in range(0, len(rows), writers.PARQUET_CHUNK):
                    out.write(frame(rows[start : start + writers.PARQUET_CHUNK]))
                for start in range(0, len(earlier), writers.PARQUET_CHUNK):
                    chunk = earlier[start : start + writers.PARQUET_CHUNK]
                    out.write(_project(drop.earlier.iloc[chunk], table))
                total += out.rows
        self.counts[f"{system}.{name}"] = total

    def json(
        self,
        name: str,
        objects: list[dict],
        drop: Drop | None,
        url: str | None = None,
        nested: tuple[str, str] | None = None,
    ) -> None:
        """Stripe objects as JSON lines, or as one list response when `url` is given. nested:
        (child table, key of its list object) whose rows are counted too."""
        table = get_table("billing", name)
        written: list[dict] = []
        total = 0
        for day, rows, earlier in self._files(len(objects), drop):
            batch = [objects[i] for i in rows] + [drop.earlier[i] for i in earlier]
            if url is None:
                writers.write_jsonl(batch, writers.dated_path(self.dir, table, day, "jsonl"))
            else:
                writers.write_json_list(
                    batch, writers.dated_path(self.dir, table, day, "json"), url
                )
            total += len(batch)
            if nested:
                written += batch
        self.counts[f"billing.{name}"] = total
        if nested:
            child, key = nested
            self.counts[f"billing.{child}"] = sum(len(o[key]["data"]) for o in written)


def run(ctx: Context, landing_dir: Path) -> dict[str, int]:
    """Build the story and write it. Each part is written as soon as the rest of the story no
    longer needs it, and then dropped (billing's objects before the activities are built, the
    activities before the web traffic), which keeps memory to about one part at a time. The
    order of the random streams, and so the data, does not depend on this order."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    out = _Landing(ctx, landing_dir)
    windowed = ctx.daily_days > 0

    c, b = build_crm_and_billing(ctx)
    _write_billing(ctx, out, b)
    b.customers = b.prices = b.discounts = b.subscriptions = b.invoices = []
    b.charges = b.refunds = pd.DataFrame()

    build_activities(ctx, c, b)
    crm_tables = {
        "user": c.users,
        "account": c.accounts,
        "contact": c.contacts,
        "lead": c.leads,
        "opportunity": c.opportunities,
        "opportunity_history": c.history,
        "task": c.tasks,
        "event": c.events,
        "campaign": c.campaigns,
        "campaign_member": c.campaign_members,
    }
    drops = daily.crm_drops(ctx, c) if windowed else {}
    for name, df in crm_tables.items():
        out.csv("crm", name, df, drops.get(name))
    _write_products(ctx, out, c.opportunities, drops.get("opportunity"))
    del crm_tables, drops
    c.tasks = c.events = c.campaign_members = None
    c.history = pd.DataFrame()

    m = marketing.build(ctx, c, b.items)
    campaigns = c.campaigns  # the marketing budget reads them with the ads' monthly spend
    ad_monthly = marketing_budget.ad_spend_by_month(m.google_ads, m.meta_ads, m.linkedin_ads)
    funnel = plan.funnel_history(ctx, c.leads, m.form_submissions)
    c.leads = c.contacts = c.accounts = c.campaigns = pd.DataFrame()  # only marketing read them
    drops = daily.marketing_drops(ctx, m) if windowed else {}
    out.csv("marketing", "google_ads_campaign_stats", m.google_ads, drops.get("google_ads"))
    out.csv("marketing", "meta_ads_insights", m.meta_ads, drops.get("meta_ads"))
    out.csv("marketing", "linkedin_ads_analytics", m.linkedin_ads, drops.get("linkedin_ads"))
    out.csv("marketing", "form_submissions", m.form_submissions, drops.get("form_submissions"))
    out.csv("marketing", "nps_responses", m.nps_responses, drops.get("nps_responses"))
    m.form_submissions = m.nps_responses = pd.DataFrame()
    sessions = m.web_sessions
    out.parquet(
        "marketing", "web_sessions", len(sessions), sessions.frame, drops.get("web_sessions")
    )
    del m, sessions, drops

    mrr = billing.monthly_mrr(b.items, ctx.history_months())
    p = plan.build(ctx, c.users, c.opportunities, mrr, funnel)
    p["marketing_budget"] = marketing_budget.build(ctx, campaigns, ad_monthly)
    drops = daily.plan_drops(ctx, p) if windowed else {}
    for name, df in p.items():
        out.csv("plan", name, df, drops.get(name), with_defects=False)
    return dict(sorted(out.counts.items()))


def _write_products(ctx: Context, out: _Landing, opps: pd.DataFrame, opp_drop: Drop | None) -> None:
    """Catalogue, price book and line items. Written without defects (which would draw from the
    shared defects stream and shift every later table's): the catalogue lands with the history,
    a line item with the final version of its opportunity."""
    p = products.build(ctx, opps)
    catalogue_drop = line_drop = None
    if opp_drop is not None:
        cutoff = np.datetime64(ctx.cutoff_date, "D")
        catalogue_drop = Drop(np.full(len(p.products), cutoff))
        line_drop = Drop(opp_drop.day[p.line_items["_opp_idx"].to_numpy()])
    out.csv("crm", "product_2", p.products, catalogue_drop, with_defects=False)
    if catalogue_drop is not None:
        catalogue_drop = Drop(np.full(len(p.pricebook_entries), catalogue_drop.day[0]))
    out.csv("crm", "pricebook_entry", p.pricebook_entries, catalogue_drop, with_defects=False)
    out.csv("crm", "opportunity_line_item", p.line_items, line_drop, with_defects=False)


def _write_billing(ctx: Context, out: _Landing, b: billing.Billing) -> None:
    """Billing's files carry no defects, so writing them early changes no random draw."""
    drops = daily.billing_drops(ctx, b) if ctx.daily_days > 0 else {}
    out.json("customers", b.customers, drops.get("customers"), url="/v1/customers")
    out.csv("billing", "products", b.products, drops.get("products"), with_defects=False)
    out.json("prices", b.prices, drops.get("prices"))
    out.csv("billing", "coupons", b.coupons, drops.get("coupons"), with_defects=False)
    out.json("discounts", b.discounts, drops.get("discounts"))
    items, lines = ("subscription_items", "items"), ("invoice_line_items", "lines")
    out.json("subscriptions", b.subscriptions, drops.get("subscriptions"), nested=items)
    out.json("invoices", b.invoices, drops.get("invoices"), nested=lines)
    charges, charges_table = b.charges, get_table("billing", "charges")
    out.parquet(
        "billing",
        "charges",
        len(charges),
        lambda rows: _project(charges.iloc[rows], charges_table),
        drops.get("charges"),
    )
    out.csv("billing", "refunds", b.refunds, drops.get("refunds"), with_defects=False)


__all__ = ["build_activities", "build_crm_and_billing", "run"]
