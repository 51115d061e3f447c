"""The CRM: sales org, campaigns, leads and their funnel, accounts, contacts, opportunities
with stage history, account-management opportunities, and sales activities."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revops_demo.generate import names
from revops_demo.generate.core import DAY_S, FX_TO_USD, Context, make_ids, sample_times

STAGES = [
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
]
PROBABILITY = [10, 20, 40, 60, 80, 100, 0]
FORECAST = ["Pipeline", "Pipeline", "Pipeline", "Best Case", "Commit", "Closed", "Omitted"]
AE_TEAMS = ["NA Mid-Market", "NA Enterprise", "EMEA", "APAC"]
TEAM_REGION = {"NA Mid-Market": "NA", "NA Enterprise": "NA", "EMEA": "EMEA", "APAC": "APAC"}

# lead_source -> (share of leads, conversion multiplier, utm pairs with weights)
LEAD_SOURCES: dict[str, tuple[float, float, list[tuple[str | None, str | None, float]]]] = {
    "Web": (12, 1.0, [(None, None, 1)]),
    "Paid Search": (18, 0.9, [("google", "cpc", 9), ("bing", "cpc", 1)]),
    "Paid Social": (
        14,
        0.35,
        [
            ("facebook", "paid_social", 4),
            ("instagram", "paid_social", 2),
            ("linkedin", "paid_social", 4),
        ],
    ),
    "Organic Search": (16, 1.0, [("google", "organic", 9), ("bing", "organic", 1)]),
    "Email": (8, 0.8, [("newsletter", "email", 6), ("hubspot", "email", 4)]),
    "Webinar": (8, 1.0, [("zoom", "webinar", 1)]),
    "Event": (5, 1.2, [("event", "offline", 1)]),
    "Outbound": (10, 0.9, [(None, None, 1)]),
    "Partner": (4, 2.0, [("partner", "referral", 1)]),
    "Referral": (5, 2.2, [("g2", "referral", 5), ("capterra", "referral", 3)]),
}
WIN_RATE = {
    "Web": 0.33,
    "Paid Search": 0.3,
    "Paid Social": 0.2,
    "Organic Search": 0.33,
    "Email": 0.28,
    "Webinar": 0.32,
    "Event": 0.35,
    "Outbound": 0.22,
    "Partner": 0.45,
    "Referral": 0.48,
}
FORMS = [
    "demo_request",
    "consultation_request",
    "contact_us",
    "ebook_download",
    "newsletter_signup",
]
FORM_WEIGHTS = [32, 8, 15, 25, 20]
FORM_MQL_FACTOR = {
    "demo_request": 1.7,
    "consultation_request": 1.7,
    "contact_us": 1.0,
    "ebook_download": 0.7,
    "newsletter_signup": 0.5,
    "webinar_registration": 0.9,
}


@dataclass
class Crm:
    users: pd.DataFrame
    campaigns: pd.DataFrame
    leads: pd.DataFrame
    accounts: pd.DataFrame
    contacts: pd.DataFrame
    opportunities: pd.DataFrame
    history: pd.DataFrame
    campaign_members: pd.DataFrame | None = None
    tasks: pd.DataFrame | None = None
    events: pd.DataFrame | None = None


def _ts(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[s]")


# --------------------------------------------------------------------------------------------
# Sales org
# --------------------------------------------------------------------------------------------


def build_users(ctx: Context) -> pd.DataFrame:
    rng = ctx.rng("users")
    n = max(8, round(50 * np.sqrt(ctx.scale)))
    n_mgr = int(np.clip(round(n * 0.08), 1, 4))
    n_mkt = max(1, round(n * 0.06))
    n_csm = max(1, round(n * 0.12))
    n_sdr = max(1, round(n * 0.2))
    n_ae = n - n_mgr - n_mkt - n_csm - n_sdr
    roles = (["Sales Manager"] * n_mgr + ["AE"] * n_ae + ["SDR"] * n_sdr + ["CSM"] * n_csm) + [
        "Marketing"
    ] * n_mkt
    ids = make_ids("005", n)
    first, last = names.person_names(rng, n)
    start = ctx.start
    created = start - (rng.integers(60, 900, n) * DAY_S).astype("timedelta64[s]")
    team = np.empty(n, dtype=object)
    manager = np.full(n, None, dtype=object)
    mgr_ids = ids[:n_mgr]
    for i in range(n_mgr):
        team[i] = AE_TEAMS[i]
    ae_pos = 0
    for i, role in enumerate(roles):
        if role == "AE":
            team[i] = AE_TEAMS[ae_pos % 4]
            manager[i] = mgr_ids[(ae_pos % 4) % n_mgr]
            ae_pos += 1
        elif role == "SDR":
            team[i] = "SDR"
            manager[i] = mgr_ids[0]
        elif role == "CSM":
            team[i] = "Customer Success"
            manager[i] = mgr_ids[0]
        elif role == "Marketing":
            team[i] = "Marketing"
    region = np.array([TEAM_REGION.get(t, "NA") for t in team], dtype=object)
    # Some AEs join during the history, some leave; the first four of each role stay throughout.
    role_arr = np.asarray(roles, dtype=object)
    is_ae = role_arr == "AE"
    ae_rank = np.cumsum(is_ae) - 1
    span_days = (ctx.end - ctx.start).astype(int) // DAY_S
    hired = is_ae & (ae_rank >= 4) & (rng.random(n) < 0.3)
    created = np.where(
        hired,
        start + (rng.integers(0, int(span_days * 0.8), n) * DAY_S).astype("timedelta64[s]"),
        created,
    )
    left_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    leaves = is_ae & (ae_rank >= 4) & (rng.random(n) < 0.15)
    leave_t = created + (rng.integers(150, 500, n) * DAY_S).astype("timedelta64[s]")
    leaves &= leave_t < ctx.end - np.timedelta64(30 * DAY_S, "s")
    left_at[leaves] = leave_t[leaves]
    modstamp = np.where(leaves, left_at, created + np.timedelta64(3600, "s"))
    domain = "revopsdemo.io"
    email = np.char.add(
        np.char.add(np.char.lower(first.astype(str)), "."),
        np.char.lower(last.astype(str)),
    )
    email = np.char.add(np.char.add(email, np.arange(n).astype(str)), "@" + domain).astype(object)
    return pd.DataFrame(
        {
            "id": ids,
            "name": first + " " + last,
            "email": email,
            "manager_id": manager,
            "user_role_name": role_arr,
            "team_c": team,
            "region_c": region,
            "is_active": ~leaves,
            "created_date": created,
            "system_modstamp": modstamp,
            "_left_at": left_at,
        }
    )


def assign_owner(
    rng: np.random.Generator,
    users: pd.DataFrame,
    at: np.ndarray,
    team: np.ndarray,
    role: str = "AE",
) -> np.ndarray:
    """For each (time, team), an owner of the role who was employed at that time, in that team
    when the team has one, else any such owner."""
    pool = users[users["user_role_name"] == role]
    ids = pool["id"].to_numpy()
    created = _ts(pool["created_date"].to_numpy())
    left = _ts(pool["_left_at"].to_numpy())
    teams = pool["team_c"].to_numpy()
    at = _ts(at)
    month = at.astype("datetime64[M]")
    out = np.empty(len(at), dtype=object)
    keys = pd.DataFrame({"m": month.astype(int), "t": pd.Series(team, dtype=object).fillna("")})
    for (m, t), idx in keys.groupby(["m", "t"], sort=True).indices.items():
        when = np.datetime64(int(m), "M").astype("datetime64[s]") + np.timedelta64(15 * DAY_S, "s")
        active = (created <= when) & (np.isnat(left) | (left > when))
        in_team = active & (teams == t)
        cands = ids[in_team] if in_team.any() else ids[active] if active.any() else ids
        out[idx] = cands[rng.integers(0, len(cands), len(idx))]
    return out


# --------------------------------------------------------------------------------------------
# Campaigns
# --------------------------------------------------------------------------------------------

AD_CAMPAIGNS = [
    # name, platform, utm_source, crm type, currency, daily paid sessions at scale 1, cpc (USD)
    ("google_search_brand", "google_ads", "google", "Paid Search", "USD", 40, 3.5),
    ("google_search_nonbrand", "google_ads", "google", "Paid Search", "USD", 45, 9.0),
    ("google_search_competitor", "google_ads", "google", "Paid Search", "USD", 18, 12.0),
    ("google_pmax_demo", "google_ads", "google", "Paid Search", "USD", 22, 6.0),
    ("bing_search_brand", "bing_ads", "bing", "Paid Search", "USD", 8, 3.0),
    ("meta_prospecting_lookalike", "meta_ads", "facebook", "Paid Social", "USD", 35, 2.2),
    ("meta_retargeting_demo", "meta_ads", "facebook", "Paid Social", "USD", 20, 3.0),
    ("meta_ebook_leadgen", "meta_ads", "instagram", "Paid Social", "USD", 25, 1.8),
    ("linkedin_abm_enterprise", "linkedin_ads", "linkedin", "Paid Social", "USD", 14, 14.0),
    ("linkedin_sponsored_content", "linkedin_ads", "linkedin", "Paid Social", "USD", 18, 9.0),
    ("linkedin_emea_mid_market", "linkedin_ads", "linkedin", "Paid Social", "EUR", 10, 10.0),
]
EMAIL_CAMPAIGNS = ["newsletter_monthly", "nurture_trial_to_paid", "product_launch_forecasting"]
CONTENT_CAMPAIGNS = ["ebook_revops_playbook", "ebook_pipeline_benchmarks"]


def build_campaigns(ctx: Context) -> pd.DataFrame:
    rng = ctx.rng("campaigns")
    rows = []
    s, e = ctx.start_date, ctx.end_date
    for name, platform, source, ctype, cur, _, _ in AD_CAMPAIGNS:
        rows.append((name, ctype, s, None, platform, source, cur))
    for name in EMAIL_CAMPAIGNS:
        rows.append((name, "Email", s, None, None, None, "USD"))
    for name in CONTENT_CAMPAIGNS:
        rows.append((name, "Content", s, None, None, None, "USD"))
    for m in ctx.history_months():
        start = np.datetime64(m, "D") + np.timedelta64(int(rng.integers(8, 22)), "D")
        rows.append((f"webinar_{m:%Y_%m}", "Webinar", m, start.astype(object), None, "zoom", "USD"))
        if m.month in (3, 6, 9, 11):
            ev = np.datetime64(m, "D") + np.timedelta64(int(rng.integers(5, 20)), "D")
            rows.append(
                (f"event_{m:%Y_%m}_summit", "Event", m, ev.astype(object), None, None, "USD")
            )
    df = pd.DataFrame(
        rows,
        columns=["name", "type", "start_date", "end_date", "_platform", "_utm_source", "_currency"],
    )
    n = len(df)
    df.insert(0, "id", make_ids("701", n))
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    active = df["end_date"].isna() | (df["end_date"] >= pd.Timestamp(e))
    df["status"] = np.where(active, "In Progress", "Completed")
    budget = rng.integers(5, 60, n) * 1000.0 * max(ctx.scale, 0.05)
    df["budgeted_cost"] = np.round(budget, 2)
    df["actual_cost"] = np.round(budget * rng.uniform(0.8, 1.1, n), 2)
    df["is_active"] = active.to_numpy()
    # a multi-currency org: the costs are in the campaign's currency (the EMEA ad campaign's EUR)
    df["currency_iso_code"] = df["_currency"]
    created = _ts(df["start_date"].to_numpy()) - np.timedelta64(14 * DAY_S, "s")
    df["created_date"] = created
    df["system_modstamp"] = created + np.timedelta64(DAY_S, "s")
    df["is_deleted"] = False
    return df


def campaign_for_leads(
    rng: np.random.Generator,
    campaigns: pd.DataFrame,
    source: np.ndarray,
    utm_source: np.ndarray,
    created: np.ndarray,
) -> np.ndarray:
    """The utm_campaign of each lead: an ad campaign of its platform, the webinar of its month,
    the nearest event, an email campaign; none for organic, referral and direct."""
    out = np.full(len(source), None, dtype=object)
    ads = campaigns[campaigns["_platform"].notna()]
    for src in sorted(set(ads["_utm_source"])):
        pool = ads.loc[ads["_utm_source"] == src, "name"].to_numpy()
        idx = np.flatnonzero(utm_source == src)
        out[idx] = pool[rng.integers(0, len(pool), len(idx))]
    email = np.flatnonzero(source == "Email")
    out[email] = np.asarray(EMAIL_CAMPAIGNS, dtype=object)[rng.integers(0, 3, len(email))]
    month_key = pd.Series(_ts(created).astype("datetime64[M]")).dt.strftime("%Y_%m").to_numpy()
    web = np.flatnonzero(source == "Webinar")
    out[web] = np.char.add("webinar_", month_key[web].astype(str)).astype(object)
    events = campaigns[campaigns["type"] == "Event"]
    ev = np.flatnonzero(source == "Event")
    if len(events) and len(ev):
        ev_dates = _ts(events["end_date"].to_numpy())
        pos = np.searchsorted(ev_dates, _ts(created)[ev], side="right") - 1
        out[ev] = events["name"].to_numpy()[np.clip(pos, 0, len(events) - 1)]
    return out


# --------------------------------------------------------------------------------------------
# Leads, accounts, contacts and new-business opportunities
# --------------------------------------------------------------------------------------------


def _accounts(
    rng: np.random.Generator, ctx: Context, n: int, name_offset: int, created: np.ndarray
) -> pd.DataFrame:
    country_names = list(names.COUNTRIES)
    weights = np.array([names.COUNTRIES[c][3] for c in country_names], dtype=float)
    country = np.asarray(country_names, dtype=object)[
        rng.choice(len(country_names), n, p=weights / weights.sum())
    ]
    account_names = names.company_names(name_offset, n)
    tld = np.array([names.COUNTRIES[c][2] for c in country], dtype=object)
    domain = names.slug(account_names) + "." + tld
    employees = np.clip(np.round(rng.lognormal(np.log(180), 1.3, n)), 5, 60_000).astype(np.int64)
    industry = np.asarray(names.INDUSTRIES, dtype=object)[
        rng.choice(
            len(names.INDUSTRIES),
            n,
            p=np.array(names.INDUSTRY_WEIGHTS) / sum(names.INDUSTRY_WEIGHTS),
        )
    ]
    region = np.array([names.COUNTRIES[c][0] for c in country], dtype=object)
    team = np.where(
        region == "NA",
        np.where(employees >= 1000, "NA Enterprise", "NA Mid-Market"),
        region,
    )
    return pd.DataFrame(
        {
            "name": account_names,
            "industry": industry,
            "number_of_employees": employees,
            "website": "https://www." + domain,
            "billing_country": country,
            "created_date": _ts(created),
            "_domain": domain,
            "_team": team,
            "_currency": np.array([names.COUNTRIES[c][1] for c in country], dtype=object),
        }
    )


def _emails(first: np.ndarray, last: np.ndarray, tag: np.ndarray, domain: np.ndarray) -> np.ndarray:
    local = np.char.add(
        np.char.add(np.char.lower(first.astype(str)), "."), np.char.lower(last.astype(str))
    )
    local = np.char.add(local, tag.astype(str))
    return np.char.add(np.char.add(local, "@"), domain.astype(str)).astype(object)


def _arr_usd(rng: np.random.Generator, employees: np.ndarray) -> np.ndarray:
    """Annual contract value in USD, growing with company size."""
    base = 3000 * (employees / 50) ** 0.45
    return np.clip(base * rng.lognormal(0, 0.45, len(employees)), 1200, 400_000)


def build_pipeline(ctx: Context, users: pd.DataFrame, campaigns: pd.DataFrame) -> Crm:
    rng = ctx.rng("leads")
    n_leads = ctx.n(50_000, 300)
    sources = list(LEAD_SOURCES)
    shares = np.array([LEAD_SOURCES[s][0] for s in sources], dtype=float)
    source = np.asarray(sources, dtype=object)[
        rng.choice(len(sources), n_leads, p=shares / shares.sum())
    ]
    created = sample_times(rng, n_leads, ctx.start, ctx.end)
    utm_source = np.full(n_leads, None, dtype=object)
    utm_medium = np.full(n_leads, None, dtype=object)
    for s in sources:
        idx = np.flatnonzero(source == s)
        pairs = LEAD_SOURCES[s][2]
        w = np.array([p[2] for p in pairs], dtype=float)
        pick = rng.choice(len(pairs), len(idx), p=w / w.sum())
        utm_source[idx] = np.array([p[0] for p in pairs], dtype=object)[pick]
        utm_medium[idx] = np.array([p[1] for p in pairs], dtype=object)[pick]
    utm_campaign = campaign_for_leads(rng, campaigns, source, utm_source, created)
    # The form that created the lead (none for outbound and event leads).
    form = np.asarray(FORMS, dtype=object)[
        rng.choice(len(FORMS), n_leads, p=np.array(FORM_WEIGHTS) / sum(FORM_WEIGHTS))
    ]
    form[source == "Webinar"] = "webinar_registration"
    form[np.isin(source, ["Outbound", "Event"])] = None
    # Funnel: MQL -> SQL -> converted, channel- and form-dependent.
    mult = np.array([LEAD_SOURCES[s][1] for s in source])
    form_factor = np.array([FORM_MQL_FACTOR.get(f, 1.0) if f else 1.0 for f in form])
    p_mql = np.clip(0.5 * np.sqrt(mult) * form_factor, 0.02, 0.95)
    p_sql = np.clip(0.55 * np.sqrt(mult), 0.05, 0.9)
    days = lambda mean: (rng.exponential(mean, n_leads) * DAY_S + 3600).astype("timedelta64[s]")  # noqa: E731
    mql_t = created + days(4)
    sql_t = mql_t + days(6)
    conv_t = sql_t + days(5)
    reach_mql = (rng.random(n_leads) < p_mql) & (mql_t <= ctx.end)
    reach_sql = reach_mql & (rng.random(n_leads) < p_sql) & (sql_t <= ctx.end)
    converted = reach_sql & (rng.random(n_leads) < 0.8) & (conv_t <= ctx.end)
    age_days = (ctx.end - created).astype(int) / DAY_S
    status = np.where(
        age_days < 14, "Open", np.where(rng.random(n_leads) < 0.3, "Working", "Unqualified")
    )
    status = np.where(reach_mql, "MQL", status)
    status = np.where(reach_sql, "SQL", status)
    stale = (
        reach_mql
        & ~converted
        & ((ctx.end - np.where(reach_sql, sql_t, mql_t)).astype(int) > 90 * DAY_S)
    )
    status = np.where(stale & (rng.random(n_leads) < 0.7), "Unqualified", status)
    status = np.where(converted, "Converted", status).astype(object)

    # Accounts: one per converted lead, created on conversion, plus outbound prospects.
    conv_idx = np.flatnonzero(converted)
    n_conv = len(conv_idx)
    n_prospects = ctx.n(6_000, 40)
    prospect_created = sample_times(
        rng,
        n_prospects,
        ctx.start - np.timedelta64(300 * DAY_S, "s"),
        ctx.end - np.timedelta64(20 * DAY_S, "s"),
    )
    acc = pd.concat(
        [
            _accounts(rng, ctx, n_conv, 0, conv_t[conv_idx]),
            _accounts(rng, ctx, n_prospects, n_conv, prospect_created),
        ],
        ignore_index=True,
    )
    n_acc = len(acc)
    acc.insert(0, "id", make_ids("001", n_acc))
    acc["owner_id"] = assign_owner(
        rng, users, acc["created_date"].to_numpy(), acc["_team"].to_numpy()
    )
    acc["_from_lead"] = np.arange(n_acc) < n_conv

    # Leads: names, companies, emails. Converted leads carry their account's company and domain.
    first, last = names.person_names(rng, n_leads)
    company = names.company_names(n_acc + 10_000, n_leads)
    dom = names.slug(company) + ".com"
    company[conv_idx] = acc["name"].to_numpy()[:n_conv]
    dom[conv_idx] = acc["_domain"].to_numpy()[:n_conv]
    free = rng.random(n_leads) < np.where(
        np.isin(source, ["Paid Social", "Web", "Email"]), 0.35, 0.12
    )
    free[conv_idx] = rng.random(n_conv) < 0.08
    free_dom = np.asarray(names.FREE_MAIL, dtype=object)[
        rng.choice(
            len(names.FREE_MAIL),
            n_leads,
            p=np.array(names.FREE_MAIL_WEIGHTS) / sum(names.FREE_MAIL_WEIGHTS),
        )
    ]
    lead_email = _emails(first, last, np.arange(n_leads), np.where(free, free_dom, dom))
    lead_ids = make_ids("00Q", n_leads)
    sdr_owner = assign_owner(rng, users, created, np.full(n_leads, "SDR", dtype=object), role="SDR")

    # Contacts: the converted lead's person, more people at won/working accounts, prospects.
    n_extra = rng.poisson(1.2, n_acc)
    extra_acc = np.repeat(np.arange(n_acc), n_extra)
    extra_created = _ts(acc["created_date"].to_numpy())[extra_acc] + (
        rng.exponential(60, len(extra_acc)) * DAY_S
    ).astype("timedelta64[s]")
    keep = extra_created <= ctx.end
    extra_acc, extra_created = extra_acc[keep], extra_created[keep]
    cf, cl = names.person_names(rng, len(extra_acc))
    c_acc = np.concatenate([np.arange(n_conv), extra_acc])
    c_first = np.concatenate([first[conv_idx], cf])
    c_last = np.concatenate([last[conv_idx], cl])
    c_email = np.concatenate(
        [
            lead_email[conv_idx],
            _emails(
                cf, cl, np.arange(len(extra_acc)) + n_leads, acc["_domain"].to_numpy()[extra_acc]
            ),
        ]
    )
    c_created = np.concatenate([conv_t[conv_idx], extra_created])
    c_source = np.concatenate([source[conv_idx], np.full(len(extra_acc), None, dtype=object)])
    n_contacts = len(c_acc)
    titles = np.asarray(
        [
            "VP Sales",
            "CRO",
            "RevOps Manager",
            "Head of Marketing",
            "CFO",
            "Sales Ops Analyst",
            "CEO",
        ],
        dtype=object,
    )
    contacts = pd.DataFrame(
        {
            "id": make_ids("003", n_contacts),
            "account_id": acc["id"].to_numpy()[c_acc],
            "first_name": c_first,
            "last_name": c_last,
            "email": c_email,
            "phone": names.phones(rng, n_contacts),
            "title": titles[rng.integers(0, len(titles), n_contacts)],
            "lead_source": c_source,
            "owner_id": acc["owner_id"].to_numpy()[c_acc],
            "created_date": c_created,
            "system_modstamp": c_created + np.timedelta64(600, "s"),
            "is_deleted": False,
            "_account_idx": c_acc,
        }
    )

    # New-business opportunities: one per converted lead, plus outbound ones on prospects.
    n_out = ctx.n(1_500, 10)
    out_created = sample_times(rng, n_out, ctx.start, ctx.end)
    p_created = _ts(acc["created_date"].to_numpy())[n_conv:]
    order = np.argsort(p_created, kind="stable")
    avail = np.searchsorted(p_created[order], out_created, side="right")
    has_acc = (avail > 0) & (rng.random(n_out) > 0.05)
    pick = np.where(
        has_acc, order[(rng.random(n_out) * np.maximum(avail, 1)).astype(int)] + n_conv, -1
    )
    opp_acc = np.concatenate([np.arange(n_conv), pick])
    opp_created = np.concatenate([conv_t[conv_idx], out_created])
    opp_source = np.concatenate([source[conv_idx], np.full(n_out, "Outbound", dtype=object)])
    n_opp = len(opp_acc)
    team = np.where(opp_acc >= 0, acc["_team"].to_numpy()[np.maximum(opp_acc, 0)], "NA Mid-Market")
    employees = np.where(
        opp_acc >= 0, acc["number_of_employees"].to_numpy()[np.maximum(opp_acc, 0)], 100
    )
    currency = np.where(opp_acc >= 0, acc["_currency"].to_numpy()[np.maximum(opp_acc, 0)], "USD")
    fx = np.array([FX_TO_USD[c] for c in currency])
    amount = np.round(_arr_usd(rng, employees) / fx / 100) * 100
    cycle = rng.lognormal(np.log(25 + 12 * np.log1p(employees / 100)), 0.5)
    p_win = np.array([WIN_RATE[s] for s in opp_source])
    won = (rng.random(n_opp) < p_win) & (opp_acc >= 0)
    camp_lookup = dict(zip(campaigns["name"], campaigns["id"], strict=True))
    opp_campaign = np.concatenate(
        [
            np.array([camp_lookup.get(c) for c in utm_campaign[conv_idx]], dtype=object),
            np.full(n_out, None, dtype=object),
        ]
    )
    first_eng = np.full(n_opp, np.datetime64("NaT"), dtype="datetime64[s]")
    fe_lead = rng.random(n_conv) < 0.5
    fe_t = created[conv_idx] + (
        (conv_t[conv_idx] - created[conv_idx]) * rng.uniform(0.1, 0.9, n_conv)
    ).astype("timedelta64[s]")
    first_eng[:n_conv] = np.where(fe_lead, fe_t, np.datetime64("NaT"))
    fe_out = rng.random(n_out) < 0.3
    first_eng[n_conv:] = np.where(
        fe_out,
        out_created - (rng.integers(3, 45, n_out) * DAY_S).astype("timedelta64[s]"),
        np.datetime64("NaT"),
    )
    opps = pd.DataFrame(
        {
            "_account_idx": opp_acc,
            "type": "New Business",
            "lead_source": opp_source,
            "campaign_id": opp_campaign,
            "currency_iso_code": currency,
            "_amount": amount,
            "_created": opp_created,
            "_cycle_days": cycle,
            "_won": won,
            "_team": team,
            "first_engagement_date_c": first_eng,
        }
    )
    opps["owner_id"] = assign_owner(rng, users, opp_created, team)
    opps["id"] = make_ids("006", n_opp)

    # Leads frame, with conversion pointers.
    conv_contact = np.full(n_leads, None, dtype=object)
    conv_account = np.full(n_leads, None, dtype=object)
    conv_opp = np.full(n_leads, None, dtype=object)
    conv_contact[conv_idx] = contacts["id"].to_numpy()[:n_conv]
    conv_account[conv_idx] = acc["id"].to_numpy()[:n_conv]
    conv_opp[conv_idx] = opps["id"].to_numpy()[:n_conv]
    last_change = np.where(
        converted, conv_t, np.where(reach_sql, sql_t, np.where(reach_mql, mql_t, created))
    )
    leads = pd.DataFrame(
        {
            "id": lead_ids,
            "first_name": first,
            "last_name": last,
            "email": lead_email,
            "phone": names.phones(rng, n_leads),
            "company": company,
            "lead_source": source,
            "status": status,
            "owner_id": sdr_owner,
            "utm_source_c": utm_source,
            "utm_medium_c": utm_medium,
            "utm_campaign_c": utm_campaign,
            "mql_date_c": np.where(reach_mql, mql_t, np.datetime64("NaT")),
            "sql_date_c": np.where(reach_sql, sql_t, np.datetime64("NaT")),
            "is_converted": converted,
            "converted_date": np.where(converted, conv_t, np.datetime64("NaT")),
            "converted_account_id": conv_account,
            "converted_contact_id": conv_contact,
            "converted_opportunity_id": conv_opp,
            "created_date": created,
            "system_modstamp": last_change + np.timedelta64(120, "s"),
            "is_deleted": False,
            "_form": form,
        }
    )
    # Soft deletes: a few unconverted leads and prospect contacts.
    del_lead = (~converted) & (rng.random(n_leads) < 0.005)
    leads.loc[del_lead, "is_deleted"] = True
    del_contact = (np.arange(n_contacts) >= n_conv) & (rng.random(n_contacts) < 0.004)
    contacts.loc[del_contact, "is_deleted"] = True
    return Crm(users, campaigns, leads, acc, contacts, opps, pd.DataFrame())


# --------------------------------------------------------------------------------------------
# Opportunity lifecycles and stage history
# --------------------------------------------------------------------------------------------


def lifecycles(ctx: Context, opps: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Walk each opportunity through its stages. Fills the opportunity's state as of end_date and
    returns its history rows (one per stage, amount or close-date change).

    Inputs per opportunity: _created, _cycle_days, _won, _amount and optionally _lost_stage
    (the stage a lost deal dies in), _reopen (a lost deal comes back) and _fixed_close.
    """
    n = len(opps)
    end = int(ctx.end.astype(np.int64))
    created = _ts(opps["_created"].to_numpy()).astype(np.int64)
    cycle = opps["_cycle_days"].to_numpy(dtype=float)
    won = opps["_won"].to_numpy(dtype=bool)
    amount = opps["_amount"].to_numpy(dtype=float)
    lost_stage = (
        opps["_lost_stage"].to_numpy()
        if "_lost_stage" in opps
        else rng.choice(5, n, p=[0.25, 0.3, 0.2, 0.15, 0.1])
    )
    reopen = opps["_reopen"].to_numpy() if "_reopen" in opps else rng.random(n) < 0.04
    amount_change = rng.random(n) < 0.3
    close_push = rng.random(n) < 0.25
    u = rng.random((n, 12))
    out_stage = np.empty(n, dtype=np.int64)
    out_amount = np.empty(n)
    out_close = np.empty(n, dtype=np.int64)
    out_last = np.empty(n, dtype=np.int64)
    rows_opp: list[int] = []
    rows_t: list[int] = []
    rows_stage: list[int] = []
    rows_amount: list[float] = []
    rows_close: list[int] = []
    for i in range(n):
        t0 = int(created[i])
        close_t = t0 + int(cycle[i] * DAY_S)
        top = 4 if won[i] else int(lost_stage[i])
        r = u[i]
        fracs = np.sort(r[:4])[:top] * 0.9
        # events: (time, kind, value) with kind 0 = stage, 1 = amount, 2 = close date
        events = [(t0, 0, 0)]
        events += [(t0 + int(f * (close_t - t0)) + 1, 0, k + 1) for k, f in enumerate(fracs)]
        events.append((close_t, 0, 5 if won[i] else 6))
        final_amount = amount[i]
        start_amount = final_amount
        if amount_change[i]:
            start_amount = max(100.0, round(final_amount * (0.7 + 0.6 * r[4]) / 100) * 100)
            events.append((t0 + int((0.2 + 0.6 * r[5]) * (close_t - t0)), 1, final_amount))
        start_close = close_t
        if close_push[i]:
            start_close = t0 + int((0.4 + 0.4 * r[6]) * (close_t - t0))
            events.append((t0 + int((0.1 + 0.5 * r[7]) * (start_close - t0)), 2, close_t))
        if reopen[i] and not won[i]:
            t_re = close_t + int((10 + 30 * r[8]) * DAY_S)
            close2 = t_re + int((20 + 40 * r[9]) * DAY_S)
            re_stage = 1 + int(r[10] * 2)
            events.append((t_re, 0, re_stage))
            events.append((t_re + 60, 2, close2))
            if r[11] < 0.4:
                mid = t_re + (close2 - t_re) // 2
                events += [(mid + k, 0, s) for k, s in enumerate(range(re_stage + 1, 5))]
                events.append((close2, 0, 5))
            else:
                events.append((close2, 0, 6))
        events.sort()
        stage, amt, close_d, last = 0, start_amount, start_close, t0
        for j, (t_raw, kind, value) in enumerate(events):
            t = t_raw if j == 0 else max(t_raw, last + 1)
            if t > end:
                break
            if kind == 0:
                stage = value
                if value in (5, 6):
                    close_d = t
            elif kind == 1:
                amt = value
            else:
                close_d = value
            rows_opp.append(i)
            rows_t.append(t)
            rows_stage.append(stage)
            rows_amount.append(amt)
            rows_close.append(close_d)
            last = t
        out_stage[i], out_amount[i], out_close[i], out_last[i] = stage, amt, close_d, last
    opps["stage_name"] = np.asarray(STAGES, dtype=object)[out_stage]
    opps["amount"] = out_amount
    opps["close_date"] = out_close.astype("datetime64[s]")
    opps["probability"] = np.asarray(PROBABILITY, dtype=float)[out_stage]
    opps["forecast_category_name"] = np.asarray(FORECAST, dtype=object)[out_stage]
    opps["is_closed"] = out_stage >= 5
    opps["is_won"] = out_stage == 5
    opps["created_date"] = _ts(opps["_created"].to_numpy())
    opps["system_modstamp"] = out_last.astype("datetime64[s]") + np.timedelta64(30, "s")
    h_opp = np.asarray(rows_opp, dtype=np.int64)
    h_stage = np.asarray(rows_stage, dtype=np.int64)
    h_t = np.asarray(rows_t, dtype=np.int64).astype("datetime64[s]")
    return pd.DataFrame(
        {
            "_opp_idx": h_opp,
            "opportunity_id": opps["id"].to_numpy()[h_opp],
            "stage_name": np.asarray(STAGES, dtype=object)[h_stage],
            "amount": np.asarray(rows_amount),
            "close_date": np.asarray(rows_close, dtype=np.int64).astype("datetime64[s]"),
            "probability": np.asarray(PROBABILITY, dtype=float)[h_stage],
            "forecast_category": np.asarray(FORECAST, dtype=object)[h_stage],
            "created_date": h_t,
            "system_modstamp": h_t + np.timedelta64(5, "s"),
            "is_deleted": False,
        }
    )


def finish_opportunities(
    ctx: Context, crm: Crm, opps: pd.DataFrame, history: pd.DataFrame, rng: np.random.Generator
) -> None:
    """Name, account ids and soft deletes; append to the CRM's opportunities and history."""
    acc = crm.accounts
    has = opps["_account_idx"].to_numpy() >= 0
    acc_idx = np.maximum(opps["_account_idx"].to_numpy(), 0)
    opps["account_id"] = np.where(has, acc["id"].to_numpy()[acc_idx], None)
    acc_name = np.where(has, acc["name"].to_numpy()[acc_idx], "Unknown company")
    opps["name"] = acc_name + " - " + opps["type"].to_numpy()
    not_won = ~opps["is_won"].to_numpy(dtype=bool)
    deleted = not_won & (rng.random(len(opps)) < 0.006)
    if not deleted.any() and not_won.sum() >= 20:  # keep at least one soft delete
        deleted[rng.choice(np.flatnonzero(not_won))] = True
    opps["is_deleted"] = deleted
    history["is_deleted"] = deleted[history["_opp_idx"].to_numpy()]
    offset = len(crm.opportunities)
    history["_opp_idx"] = history["_opp_idx"] + offset
    if offset == 0:
        crm.opportunities, crm.history = opps.reset_index(drop=True), history
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # all-NA columns of the new rows
            crm.opportunities = pd.concat([crm.opportunities, opps], ignore_index=True)
            crm.history = pd.concat([crm.history, history], ignore_index=True)


def build_account_management(
    ctx: Context, crm: Crm, changes: pd.DataFrame, renewals: pd.DataFrame
) -> None:
    """Expansion opportunities (won ones are the billing upgrades; some lost or open) and renewal
    opportunities for annual subscriptions (won when the subscription renews, lost when it ends).

    changes: account_idx, at (upgrade time), arr_delta (local currency), currency.
    renewals: account_idx, at (anniversary), arr (local currency), currency, renews (bool).
    """
    rng = ctx.rng("account_management")
    frames = []
    acc = crm.accounts
    if len(changes):
        n = len(changes)
        close = _ts(changes["at"].to_numpy()) - (rng.integers(0, 4, n) * DAY_S).astype(
            "timedelta64[s]"
        )
        cycle = rng.uniform(15, 50, n)
        frames.append(
            pd.DataFrame(
                {
                    "_account_idx": changes["account_idx"].to_numpy(),
                    "type": "Expansion",
                    "currency_iso_code": changes["currency"].to_numpy(),
                    "_amount": np.maximum(
                        100, np.round(changes["arr_delta"].to_numpy() / 100) * 100
                    ),
                    "_created": close - (cycle * DAY_S).astype("timedelta64[s]"),
                    "_cycle_days": cycle,
                    "_won": True,
                    "_lost_stage": 2,
                    "_reopen": False,
                }
            )
        )
    customers = (
        np.unique(renewals["account_idx"].to_numpy()) if len(renewals) else np.array([], int)
    )
    won_acc = crm.opportunities.loc[
        crm.opportunities["is_won"] & (crm.opportunities["type"] == "New Business"), "_account_idx"
    ].to_numpy()
    pool = np.unique(np.concatenate([customers, won_acc]))
    if len(pool):
        n = ctx.n(1_200, 3)
        a = pool[rng.integers(0, len(pool), n)]
        acc_created = _ts(acc["created_date"].to_numpy())[a]
        span = np.maximum((ctx.end - acc_created).astype(np.int64), DAY_S)
        created = acc_created + (rng.random(n) * span * 0.95).astype(np.int64).astype(
            "timedelta64[s]"
        )
        currency = acc["_currency"].to_numpy()[a]
        fx = np.array([FX_TO_USD[c] for c in currency])
        frames.append(
            pd.DataFrame(
                {
                    "_account_idx": a,
                    "type": "Expansion",
                    "currency_iso_code": currency,
                    "_amount": np.round(rng.lognormal(np.log(6000), 0.6, n) / fx / 100) * 100,
                    "_created": created,
                    "_cycle_days": rng.uniform(20, 70, n),
                    "_won": False,
                    "_lost_stage": rng.integers(0, 5, n),
                    "_reopen": False,
                }
            )
        )
    if len(renewals):
        n = len(renewals)
        at = _ts(renewals["at"].to_numpy())
        lead_days = rng.uniform(45, 90, n)
        renews = renewals["renews"].to_numpy(dtype=bool)
        frames.append(
            pd.DataFrame(
                {
                    "_account_idx": renewals["account_idx"].to_numpy(),
                    "type": "Renewal",
                    "currency_iso_code": renewals["currency"].to_numpy(),
                    "_amount": np.round(renewals["arr"].to_numpy() / 100) * 100,
                    "_created": at - (lead_days * DAY_S).astype("timedelta64[s]"),
                    "_cycle_days": lead_days - np.where(renews, rng.uniform(0, 10, n), -1),
                    "_won": renews,
                    "_lost_stage": 4,
                    "_reopen": False,
                }
            )
        )
    if not frames:
        return
    opps = pd.concat(frames, ignore_index=True)
    opps = opps[_ts(opps["_created"].to_numpy()) <= ctx.end].reset_index(drop=True)
    a = opps["_account_idx"].to_numpy()
    opps["_team"] = acc["_team"].to_numpy()[a]
    opps["lead_source"] = None
    opps["campaign_id"] = None
    opps["first_engagement_date_c"] = np.datetime64("NaT")
    opps["owner_id"] = assign_owner(
        rng, crm.users, opps["_created"].to_numpy(), opps["_team"].to_numpy()
    )
    opps["id"] = make_ids("006", len(opps), offset=len(crm.opportunities))
    history = lifecycles(ctx, opps, rng)
    finish_opportunities(ctx, crm, opps, history, rng)


def finalize_history_ids(crm: Crm) -> None:
    h = crm.history.sort_values(["_opp_idx", "created_date"], kind="stable").reset_index(drop=True)
    h.insert(0, "id", make_ids("008", len(h)))
    crm.history = h


def set_account_types(crm: Crm, status: pd.Series, rng: np.random.Generator) -> None:
    """status: account index -> 'Customer' / 'Former Customer' (from billing)."""
    t = np.full(len(crm.accounts), "Prospect", dtype=object)
    t[status.index.to_numpy()] = status.to_numpy()
    crm.accounts["type"] = t
    created = _ts(crm.accounts["created_date"].to_numpy())
    crm.accounts["system_modstamp"] = created + np.timedelta64(3600, "s")
    crm.accounts["is_deleted"] = False
    has_opp = np.zeros(len(t), dtype=bool)
    idx = crm.opportunities["_account_idx"].to_numpy()
    has_opp[idx[idx >= 0]] = True
    deletable = (t == "Prospect") & ~has_opp
    crm.accounts.loc[deletable & (rng.random(len(t)) < 0.01), "is_deleted"] = True


# Loss reasons (custom picklist Loss_Reason__c) and competitors (custom field Competitor__c).
LOSS_REASONS = ["Price", "Lost to Competitor", "No Decision", "Missing Features", "Timing"]
RENEWAL_LOSS_REASONS = ["Price", "Lost to Competitor", "No Budget", "Missing Features"]
LOSS_WEIGHTS = {  # per kind of deal, in the order of its reason list
    "small": [0.18, 0.14, 0.36, 0.14, 0.18],
    "large": [0.30, 0.32, 0.18, 0.12, 0.08],
    "renewal": [0.35, 0.30, 0.20, 0.15],
}
LARGE_DEAL_USD = 20_000
COMPETITORS = ["Salesfolk", "PipeRocket", "Quotable", "In-house build"]
COMPETITOR_WEIGHTS = [0.4, 0.3, 0.2, 0.1]
COMPETITOR_NAMED = {"Lost to Competitor": 1.0, "Price": 0.4}  # else 0.1
REASON_BLANK = 0.1  # reps leave the reason (and competitor) empty on about 1 loss in 10


def _weighted_pick(u: np.ndarray, labels: list[str], weights: list[float]) -> np.ndarray:
    """The label each uniform draw in u falls on, with the given weights."""
    picks = np.searchsorted(np.cumsum(weights), u * sum(weights), side="right")
    return np.asarray(labels, dtype=object)[np.minimum(picks, len(labels) - 1)]


def add_loss_details(ctx: Context, crm: Crm) -> None:
    """The loss reason and main competitor of every closed-lost opportunity (NULL on the others),
    from their own random sub-stream, so no other table's draws move. Large deals (>= 20k USD)
    are lost more on price and to competitors, small ones more to no decision; a lost renewal is
    lost to price, a competitor, budget or missing features. About one loss in ten has neither
    field filled, as reps leave them: the marts show those as unknown."""
    rng = ctx.rng("opportunities", 1401)
    o = crm.opportunities
    n = len(o)
    u_reason, u_comp, u_which, u_blank = (rng.random(n) for _ in range(4))
    lost = (o["is_closed"] & ~o["is_won"]).to_numpy(dtype=bool)
    fx = np.array([FX_TO_USD.get(c, 1.0) for c in o["currency_iso_code"]])
    large = np.nan_to_num(o["amount"].to_numpy(dtype=float) * fx) >= LARGE_DEAL_USD
    kind = np.where(
        (o["type"] == "Renewal").to_numpy(), "renewal", np.where(large, "large", "small")
    )
    reason = np.full(n, None, dtype=object)
    for k in LOSS_WEIGHTS:
        rows = kind == k
        labels = RENEWAL_LOSS_REASONS if k == "renewal" else LOSS_REASONS
        reason[rows] = _weighted_pick(u_reason[rows], labels, LOSS_WEIGHTS[k])
    named = np.array([COMPETITOR_NAMED.get(r, 0.1) for r in reason]) > u_comp
    competitor = _weighted_pick(u_which, COMPETITORS, COMPETITOR_WEIGHTS)
    filled = lost & (u_blank >= REASON_BLANK)
    o["loss_reason_c"] = np.where(filled, reason, None)
    o["competitor_c"] = np.where(filled & named, competitor, None)
