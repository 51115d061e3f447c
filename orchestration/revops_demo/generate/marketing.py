"""Marketing: daily ad reports, web sessions, form submissions and NPS responses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revops_demo.generate.core import DAY_S, FX_TO_USD, Context, day_weights, make_ids
from revops_demo.generate.crm import AD_CAMPAIGNS, Crm

# Organic (not paid) traffic mix: (utm_source, utm_medium, referrer, landing page, weight)
ORGANIC = [
    (None, None, None, "/", 35),
    ("google", "organic", "https://www.google.com/", "/blog/revops-metrics", 30),
    ("bing", "organic", "https://www.bing.com/", "/blog/pipeline-coverage", 4),
    ("newsletter", "email", None, "/blog/monthly-digest", 5),
    ("hubspot", "email", None, "/resources/webinar-replay", 3),
    ("partner", "referral", "https://partners.example.net/", "/partners", 3),
    ("g2", "referral", "https://www.g2.com/", "/pricing", 3),
    ("capterra", "referral", "https://www.capterra.com/", "/pricing", 2),
    ("zoom", "webinar", "https://zoom.us/", "/webinars", 2),
    ("event", "offline", None, "/events", 0.5),
]
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL", "IE", "ES", "AU", "SG", "JP", "IN"]
COUNTRY_W = [50, 8, 10, 7, 5, 3, 2, 2, 6, 3, 2, 2]
SITE = "https://www.revopsdemo.io"
FORM_PAGES = {
    "demo_request": "/demo",
    "consultation_request": "/contact-sales",
    "contact_us": "/contact",
    "ebook_download": "/resources/revops-playbook",
    "newsletter_signup": "/blog",
    "webinar_registration": "/webinars",
}


DEVICES = ["desktop", "mobile", "tablet"]
SESSION_COLUMNS = [
    "session_id",
    "anonymous_id",
    "started_at",
    "landing_page",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "device_type",
    "country",
    "pageviews",
]
# anonymous_id = prefix + zero-padded number; classes numbered in the order their text sorts
# (a digit < "o" < "v"), so sorting by (class, number) sorts the ids as text.
ANON_LEAD, ANON_ORGANIC, ANON_PAID = 0, 1, 2
ANON_FORMAT = {ANON_LEAD: ("anon_", 12), ANON_ORGANIC: ("anon_o", 11), ANON_PAID: ("anon_v", 11)}
CODED = ["landing_page", "referrer", "utm_source", "utm_medium", "utm_campaign"]


class _Vocabulary:
    """The distinct values of a low-cardinality column (None first) and small integer codes."""

    def __init__(self) -> None:
        self.values: list[str | None] = [None]
        self._code: dict[str | None, int] = {None: 0}

    def encode(self, values: np.ndarray) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        mapping = np.zeros(len(uniques) + 1, dtype=np.int32)  # the last entry: None (code -1)
        for i, u in enumerate(uniques):
            if u not in self._code:
                self._code[u] = len(self.values)
                self.values.append(u)
            mapping[i] = self._code[u]
        return mapping[codes]

    def decode(self, codes: np.ndarray) -> np.ndarray:
        return np.asarray(self.values, dtype=object)[codes]


@dataclass
class Sessions:
    """Web sessions, the largest table, held as numbers and codes: the text of each row is made
    only when it is written (`frame`). Rows are sorted by (started_at, anonymous_id) and
    session_id is the row number."""

    started_at: np.ndarray
    anon_class: np.ndarray
    anon_number: np.ndarray
    device: np.ndarray
    country: np.ndarray
    pageviews: np.ndarray
    codes: dict[str, np.ndarray]
    vocabulary: dict[str, _Vocabulary]

    def __len__(self) -> int:
        return len(self.started_at)

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        """The given rows in contract columns, as the landing file carries them."""
        rows = np.asarray(rows, dtype=np.int64)
        anon = np.empty(len(rows), dtype=object)
        anon[:] = [
            f"{ANON_FORMAT[c][0]}{number:0{ANON_FORMAT[c][1]}d}"
            for c, number in zip(
                self.anon_class[rows].tolist(), self.anon_number[rows].tolist(), strict=True
            )
        ]
        session_id = np.empty(len(rows), dtype=object)
        session_id[:] = [f"ses_{i:012d}" for i in (rows + 1).tolist()]
        text = {c: self.vocabulary[c].decode(self.codes[c][rows]) for c in CODED[1:]}
        pages = self.vocabulary["landing_page"].values
        urls = np.asarray([SITE + str(p) for p in pages], dtype=object)  # one string per page
        return pd.DataFrame(
            {
                "session_id": session_id,
                "anonymous_id": anon,
                "started_at": self.started_at[rows],
                "landing_page": urls[self.codes["landing_page"][rows]],
                "referrer": text["referrer"],
                "utm_source": text["utm_source"],
                "utm_medium": text["utm_medium"],
                "utm_campaign": text["utm_campaign"],
                "device_type": np.asarray(DEVICES, dtype=object)[self.device[rows]],
                "country": np.asarray(COUNTRIES, dtype=object)[self.country[rows]],
                "pageviews": self.pageviews[rows],
            }
        )


class _SessionParts:
    """Collects sessions part by part, drawing each part's device, country and pageviews."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []
        self.vocabulary = {c: _Vocabulary() for c in CODED}

    def add(
        self,
        rng: np.random.Generator,
        started: np.ndarray,
        anon_class: int,
        anon_number: np.ndarray,
        columns: dict[str, np.ndarray | tuple[list, np.ndarray]],
    ) -> None:
        """columns: landing-page path, referrer and utm values, each an array or a pair
        (choices, index into the choices); a column not given is null."""
        n = len(started)
        part: dict[str, np.ndarray] = {
            "started_at": np.asarray(started, dtype="datetime64[s]"),
            "anon_class": np.full(n, anon_class, dtype=np.int8),
            "anon_number": np.asarray(anon_number, dtype=np.int64),
            "device": _pick(rng, DEVICES, [62, 33, 5], n).astype(np.int8),
            "country": _pick(rng, COUNTRIES, COUNTRY_W, n).astype(np.int8),
            "pageviews": 1 + rng.geometric(0.4, n) - 1,
        }
        for c in CODED:
            vocab, values = self.vocabulary[c], columns.get(c)
            if len(vocab.values) > 30_000:
                raise ValueError(f"web sessions: too many distinct {c} values for int16 codes")
            if values is None:
                part[c] = np.zeros(n, dtype=np.int32)
            elif isinstance(values, tuple):
                choices, index = values
                part[c] = vocab.encode(np.asarray(choices, dtype=object))[index]
            else:
                part[c] = vocab.encode(values)
        self.parts.append(part)

    def sessions(self) -> Sessions:
        def cat(name: str) -> np.ndarray:
            return np.concatenate([p[name] for p in self.parts])

        started, cls, number = cat("started_at"), cat("anon_class"), cat("anon_number")
        order = np.lexsort((number, cls, started))  # stable: ties keep the order of the parts
        return Sessions(
            started_at=started[order],
            anon_class=cls[order],
            anon_number=number[order],
            device=cat("device")[order],
            country=cat("country")[order],
            pageviews=cat("pageviews")[order],
            codes={c: cat(c)[order].astype(np.int16) for c in CODED},  # small vocabularies
            vocabulary=self.vocabulary,
        )


@dataclass
class Marketing:
    google_ads: pd.DataFrame
    meta_ads: pd.DataFrame
    linkedin_ads: pd.DataFrame
    web_sessions: Sessions
    form_submissions: pd.DataFrame
    nps_responses: pd.DataFrame


def _pick(rng: np.random.Generator, options: list, weights: list, n: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(options), n, p=w / w.sum())


def _organic(rng: np.random.Generator, n: int) -> dict[str, tuple[list, np.ndarray]]:
    """Organic traffic: source, medium, referrer and landing page, as (choices, index)."""
    k = _pick(rng, ORGANIC, [o[4] for o in ORGANIC], n)
    names = ["utm_source", "utm_medium", "referrer", "landing_page"]
    return {c: ([o[j] for o in ORGANIC], k) for j, c in enumerate(names)}


def build(ctx: Context, crm: Crm, billing_items: pd.DataFrame) -> Marketing:
    rng = ctx.rng("sessions")
    days = np.arange(ctx.start_date, np.datetime64(ctx.end_date) + 1, dtype="datetime64[D]")
    w = day_weights(days)
    w_norm = w / w.mean()
    leads = crm.leads
    n_leads = len(leads)
    lead_created = leads["created_date"].to_numpy(dtype="datetime64[s]")
    inbound = leads["_form"].notna().to_numpy()
    li = np.flatnonzero(inbound)
    anon_lead = make_ids("anon_", n_leads, 12)

    # 1. Each inbound lead's first-touch session, minutes before its form submission.
    parts = _SessionParts()
    first_t = lead_created[li] - (rng.integers(60, 1200, len(li))).astype("timedelta64[s]")
    first_src = leads["utm_source_c"].to_numpy()[li]
    first_med = leads["utm_medium_c"].to_numpy()[li]
    first_camp = leads["utm_campaign_c"].to_numpy()[li]
    first_ref = np.where(
        pd.isna(first_src),
        None,
        "https://www." + pd.Series(first_src).fillna("").to_numpy() + ".com/",
    )
    first_page = np.asarray([FORM_PAGES[f] for f in leads["_form"].to_numpy()[li]], dtype=object)
    parts.add(
        rng,
        first_t,
        ANON_LEAD,
        li + 1,
        {
            "landing_page": first_page,
            "referrer": first_ref,
            "utm_source": first_src,
            "utm_medium": first_med,
            "utm_campaign": first_camp,
        },
    )

    # 2. Later sessions of the same visitors (last touches before an opportunity may differ).
    n_post = rng.poisson(1.4, len(li))
    post_lead = np.repeat(li, n_post)
    post_t = lead_created[post_lead] + (rng.exponential(25, len(post_lead)) * DAY_S).astype(
        "timedelta64[s]"
    )
    keep = post_t <= ctx.end
    post_lead, post_t = post_lead[keep], post_t[keep]
    parts.add(rng, post_t, ANON_LEAD, post_lead + 1, _organic(rng, len(post_lead)))

    # 3. Anonymous paid traffic per campaign and day; ad reports are sized from it.
    reports = {}
    lead_paid = pd.DataFrame({"camp": first_camp, "day": first_t.astype("datetime64[D]")}).dropna()
    lead_counts = lead_paid.groupby(["camp", "day"]).size()
    anon_base = 0
    for name, platform, source, _ctype, currency, daily, cpc in AD_CAMPAIGNS:
        lam = daily * ctx.scale * w_norm * rng.uniform(0.8, 1.2, len(days))
        count = rng.poisson(lam)
        from_leads = (
            lead_counts.get(name, pd.Series(dtype=int)).reindex(days, fill_value=0).to_numpy()
        )
        n_c = int(count.sum())
        t = np.repeat(days, count).astype("datetime64[s]") + rng.integers(0, DAY_S, n_c).astype(
            "timedelta64[s]"
        )
        visitors = max(1, int(n_c / 1.3))
        anon_number = anon_base + 1 + rng.integers(0, visitors, n_c)
        anon_base += visitors
        medium = "cpc" if platform in ("google_ads", "bing_ads") else "paid_social"
        src: np.ndarray | tuple[list, np.ndarray] = ([source], np.zeros(n_c, dtype=np.int64))
        if platform == "meta_ads":
            src = np.where(rng.random(n_c) < 0.6, "facebook", "instagram").astype(object)
        one = np.zeros(n_c, dtype=np.int64)
        parts.add(
            rng,
            t,
            ANON_PAID,
            anon_number,
            {
                "landing_page": ([f"/lp/{name}"], one),
                "referrer": ([f"https://www.{source}.com/"], one),
                "utm_source": src,
                "utm_medium": ([medium], one),
                "utm_campaign": ([name], one),
            },
        )
        sessions = count + from_leads
        clicks = np.ceil(sessions / rng.uniform(0.55, 0.75, len(days))).astype(np.int64)
        ctr = {"google_ads": 0.045, "bing_ads": 0.04, "meta_ads": 0.011, "linkedin_ads": 0.006}[
            platform
        ]
        impressions = np.round(clicks / (ctr * rng.uniform(0.7, 1.3, len(days)))).astype(np.int64)
        impressions = np.maximum(impressions, clicks)
        cost = clicks * cpc / FX_TO_USD[currency] * rng.lognormal(0, 0.15, len(days))
        conversions = np.round(from_leads * rng.uniform(0.8, 1.2, len(days)), 2)
        reports.setdefault(platform, []).append(
            pd.DataFrame(
                {
                    "day": days,
                    "campaign_name": name,
                    "impressions": impressions,
                    "clicks": clicks,
                    "cost": np.round(cost, 2),
                    "conversions": conversions,
                    "currency": currency,
                }
            )
        )

    # 4. Anonymous organic and direct traffic.
    n_org = ctx.n(600_000, 500)
    picked = np.sort(rng.choice(len(days), n_org, p=w / w.sum()))
    t = days[picked].astype("datetime64[s]") + rng.integers(0, DAY_S, n_org).astype(
        "timedelta64[s]"
    )
    visitors = max(1, int(n_org / 1.7))
    anon_number = 1 + rng.integers(0, visitors, n_org)
    parts.add(rng, t, ANON_ORGANIC, anon_number, _organic(rng, n_org))
    sessions = parts.sessions()

    campaigns = crm.campaigns.set_index("name")
    google = pd.concat(reports["google_ads"], ignore_index=True)
    google = pd.DataFrame(
        {
            "date": google["day"],
            "customer_id": "123-456-7890",
            "campaign_id": [
                str(9_000_000_000 + int(campaigns.index.get_loc(c)))
                for c in google["campaign_name"]
            ],
            "campaign_name": google["campaign_name"],
            "impressions": google["impressions"],
            "clicks": google["clicks"],
            "cost_micros": np.round(google["cost"].to_numpy() * 1_000_000).astype(np.int64),
            "conversions": google["conversions"],
            "currency_code": google["currency"],
        }
    )
    meta = pd.concat(reports["meta_ads"], ignore_index=True)
    meta = pd.DataFrame(
        {
            "date_start": meta["day"],
            "account_id": "act_10203040",
            "campaign_id": [
                str(23_850_000_000 + int(campaigns.index.get_loc(c))) for c in meta["campaign_name"]
            ],
            "campaign_name": meta["campaign_name"],
            "impressions": meta["impressions"],
            "clicks": meta["clicks"],
            "spend": meta["cost"],
            "account_currency": meta["currency"],
        }
    )
    li_rep = pd.concat(reports["linkedin_ads"], ignore_index=True)
    linkedin = pd.DataFrame(
        {
            "day": li_rep["day"],
            "account_id": np.where(li_rep["currency"] == "EUR", "508000222", "508000111"),
            "campaign_id": [
                str(180_000_000 + int(campaigns.index.get_loc(c))) for c in li_rep["campaign_name"]
            ],
            "campaign_name": li_rep["campaign_name"],
            "impressions": li_rep["impressions"],
            "clicks": li_rep["clicks"],
            "cost_in_local_currency": li_rep["cost"],
            "currency": li_rep["currency"],
        }
    )
    forms = _forms(ctx, crm, anon_lead, li, first_src, first_med, first_camp)
    nps = _nps(ctx, crm, billing_items)
    return Marketing(google, meta, linkedin, sessions, forms, nps)


def _forms(
    ctx: Context,
    crm: Crm,
    anon_lead: np.ndarray,
    li: np.ndarray,
    src: np.ndarray,
    med: np.ndarray,
    camp: np.ndarray,
) -> pd.DataFrame:
    rng = ctx.rng("forms")
    leads = crm.leads
    created = leads["created_date"].to_numpy(dtype="datetime64[s]")[li]
    base = pd.DataFrame(
        {
            "submitted_at": created,
            "form_name": leads["_form"].to_numpy()[li],
            "email": leads["email"].to_numpy()[li],
            "first_name": leads["first_name"].to_numpy()[li],
            "last_name": leads["last_name"].to_numpy()[li],
            "company": leads["company"].to_numpy()[li],
            "anonymous_id": anon_lead[li],
            "utm_source": src,
            "utm_medium": med,
            "utm_campaign": camp,
        }
    )
    # Some leads come back for a second form (a demo request after an ebook, a webinar).
    again = rng.random(len(li)) < 0.15
    extra = base[again].copy()
    extra["submitted_at"] = extra["submitted_at"].to_numpy() + (
        rng.exponential(30, len(extra)) * DAY_S + 3600
    ).astype("timedelta64[s]")
    extra["form_name"] = np.asarray(
        ["demo_request", "webinar_registration", "ebook_download"], dtype=object
    )[_pick(rng, [0, 1, 2], [50, 25, 25], len(extra))]
    extra[["utm_source", "utm_medium", "utm_campaign"]] = None
    extra = extra[extra["submitted_at"].to_numpy() <= ctx.end]
    forms = pd.concat([base, extra], ignore_index=True)
    forms = forms.sort_values(["submitted_at", "email"], kind="stable", ignore_index=True)
    forms.insert(0, "submission_id", make_ids("fs_", len(forms), 10))
    forms.insert(
        6,
        "page_url",
        SITE + pd.Series(forms["form_name"].map(FORM_PAGES), dtype=object).to_numpy(),
    )
    forms = forms[
        [
            "submission_id",
            "submitted_at",
            "form_name",
            "email",
            "first_name",
            "last_name",
            "company",
            "anonymous_id",
            "page_url",
            "utm_source",
            "utm_medium",
            "utm_campaign",
        ]
    ]
    return forms


COMMENTS = [
    "Great forecasting views",
    "Setup took longer than expected",
    "Support is quick",
    "Missing a HubSpot connector",
    "Pricing is steep for small teams",
    "Dashboards save us hours every week",
]


def _nps(ctx: Context, crm: Crm, items: pd.DataFrame) -> pd.DataFrame:
    rng = ctx.rng("nps")
    contacts = crm.contacts[~crm.contacts["is_deleted"]]
    by_acc = contacts[["_account_idx", "email", "account_id"]]
    first = items.groupby("account_idx")["billing_start"].min()
    last_end = items.groupby("account_idx")["ended_at"].agg(
        lambda s: s.max() if s.notna().all() else pd.NaT
    )
    life = pd.DataFrame({"first": pd.to_datetime(first), "ended": pd.to_datetime(last_end)})
    frames = []
    for m in ctx.history_months():
        m_start = pd.Timestamp(m)
        m_end = m_start + pd.offsets.MonthEnd(0)
        active = life[(life["first"] <= m_start) & (life["ended"].isna() | (life["ended"] > m_end))]
        if active.empty:
            continue
        cand = by_acc[by_acc["_account_idx"].isin(active.index)]
        cand = cand[rng.random(len(cand)) < 0.09]
        if cand.empty:
            continue
        ended = active["ended"].reindex(cand["_account_idx"]).to_numpy()
        churning = ~pd.isna(ended) & (ended <= (m_end + pd.DateOffset(months=6)).to_datetime64())
        mean = np.where(churning, 5.2, 8.2)
        score = np.clip(np.round(rng.normal(mean, 1.8)), 0, 10).astype(np.int64)
        secs = rng.integers(0, int((m_end - m_start).total_seconds()) + DAY_S - 1, len(cand))
        frames.append(
            pd.DataFrame(
                {
                    "responded_at": m_start.to_datetime64().astype("datetime64[s]")
                    + secs.astype("timedelta64[s]"),
                    "email": cand["email"].to_numpy(),
                    "account_id": np.where(
                        rng.random(len(cand)) < 0.85, cand["account_id"].to_numpy(), None
                    ),
                    "score": score,
                    "comment": np.where(
                        rng.random(len(cand)) < 0.25,
                        np.asarray(COMMENTS, dtype=object)[
                            rng.integers(0, len(COMMENTS), len(cand))
                        ],
                        None,
                    ),
                }
            )
        )
    nps = pd.concat(frames, ignore_index=True)
    nps = nps[nps["responded_at"].to_numpy() <= ctx.end]
    nps = nps.sort_values(["responded_at", "email"], kind="stable", ignore_index=True)
    nps.insert(0, "response_id", make_ids("nps_", len(nps), 10))
    return nps
