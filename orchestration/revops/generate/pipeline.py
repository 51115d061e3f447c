"""The order of the story (CRM pipeline -> billing -> account management -> activities ->
marketing -> plan) and the writing of every landed table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from revops.contract import Table, get_table
from revops.generate import activities, billing, crm, defects, marketing, plan, writers
from revops.generate.core import Context


def _project(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    return df[[c.name for c in table.columns]]


def _customer_life(items: pd.DataFrame) -> pd.DataFrame:
    if items.empty:
        return pd.DataFrame(columns=["first", "ended"])
    g = items.groupby("account_idx")
    first = pd.to_datetime(g["billing_start"].min())
    ended = g["ended_at"].agg(lambda s: s.max() if s.notna().all() else pd.NaT)
    return pd.DataFrame({"first": first, "ended": pd.to_datetime(ended)}).sort_index()


def build_story(ctx: Context) -> tuple[crm.Crm, billing.Billing, marketing.Marketing, dict]:
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
    crm.build_account_management(ctx, c, b.changes, b.renewals)
    crm.finalize_history_ids(c)
    crm.set_account_types(c, b.account_status, ctx.rng("accounts"))
    life = _customer_life(b.items)
    activities.build(ctx, c, life)
    activities.build_campaign_members(ctx, c)
    m = marketing.build(ctx, c, b.items)
    mrr = billing.monthly_mrr(b.items, ctx.history_months())
    p = plan.build(ctx, users, c.opportunities, mrr)
    return c, b, m, p


def _flat_customers(objs: list[dict]) -> int:
    return len(objs)


def run(ctx: Context, landing_dir: Path) -> dict[str, int]:
    c, b, m, p = build_story(ctx)
    landing_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    rng = ctx.rng("defects")

    def csv(system: str, name: str, df: pd.DataFrame, with_defects: bool = True) -> None:
        table = get_table(system, name)
        text = writers.to_text(_project(df, table), table)
        if with_defects:
            text, _ = defects.inject(text, table, rng, ctx.defect_rate)
        writers.write_csv(text, table, landing_dir)
        counts[f"{system}.{name}"] = len(text)

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
    for name, df in crm_tables.items():
        csv("crm", name, df)

    csv("marketing", "google_ads_campaign_stats", m.google_ads)
    csv("marketing", "meta_ads_insights", m.meta_ads)
    csv("marketing", "linkedin_ads_analytics", m.linkedin_ads)
    csv("marketing", "form_submissions", m.form_submissions)
    csv("marketing", "nps_responses", m.nps_responses)
    sessions = get_table("marketing", "web_sessions")
    writers.write_parquet(m.web_sessions, sessions, landing_dir)
    counts["marketing.web_sessions"] = len(m.web_sessions)

    def bt(name: str) -> Table:
        return get_table("billing", name)

    writers.write_json_list(b.customers, bt("customers"), landing_dir, "/v1/customers")
    counts["billing.customers"] = len(b.customers)
    csv("billing", "products", b.products, with_defects=False)
    writers.write_jsonl(b.prices, bt("prices"), landing_dir)
    counts["billing.prices"] = len(b.prices)
    csv("billing", "coupons", b.coupons, with_defects=False)
    writers.write_jsonl(b.discounts, bt("discounts"), landing_dir)
    counts["billing.discounts"] = len(b.discounts)
    writers.write_jsonl(b.subscriptions, bt("subscriptions"), landing_dir)
    counts["billing.subscriptions"] = len(b.subscriptions)
    counts["billing.subscription_items"] = sum(len(s["items"]["data"]) for s in b.subscriptions)
    writers.write_jsonl(b.invoices, bt("invoices"), landing_dir)
    counts["billing.invoices"] = len(b.invoices)
    counts["billing.invoice_line_items"] = sum(len(i["lines"]["data"]) for i in b.invoices)
    writers.write_parquet(b.charges, bt("charges"), landing_dir)
    counts["billing.charges"] = len(b.charges)
    csv("billing", "refunds", b.refunds, with_defects=False)

    for name, df in p.items():
        csv("plan", name, df, with_defects=False)
    return dict(sorted(counts.items()))


__all__ = ["build_story", "np", "run"]
