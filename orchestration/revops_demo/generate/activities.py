"""Sales activities (tasks and events) around opportunities, leads and customer accounts, and
campaign membership."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revops_demo.generate.core import DAY_S, Context, make_ids, next_working_day
from revops_demo.generate.crm import Crm

KINDS = ["call", "email", "other", "meeting", "demo"]
TASK_TYPE = {"call": ("Call", "Call"), "email": ("Email", "Email"), "other": ("Other", "Task")}
SUBJECTS = {
    "call": "Call",
    "email": "Email: follow-up",
    "other": "Send proposal",
    "meeting": "Meeting",
    "demo": "Product demo",
    "internal": "Pipeline review",
}


def _spread(rng: np.random.Generator, start: np.ndarray, stop: np.ndarray, counts: np.ndarray):
    """For each parent, counts[i] timestamps uniformly in [start_i, stop_i]; returns parent
    index and the timestamps (moved off weekends)."""
    parent = np.repeat(np.arange(len(counts)), counts)
    span = (stop - start).astype(np.int64)[parent]
    t = start[parent] + (rng.random(len(parent)) * np.maximum(span, 0)).astype("timedelta64[s]")
    return parent, next_working_day(t)


def build(ctx: Context, crm: Crm, customer_life: pd.DataFrame) -> None:
    """Fill crm.tasks and crm.events. customer_life: account_idx -> first, ended (billing)."""
    rng = ctx.rng("activities")
    end = ctx.end
    parts = []

    # Around opportunities, by the opportunity owner, ~3.5 a week while open.
    opps = crm.opportunities
    o_start = opps["created_date"].to_numpy(dtype="datetime64[s]")
    o_stop = np.minimum(opps["system_modstamp"].to_numpy(dtype="datetime64[s]"), end)
    weeks = np.maximum((o_stop - o_start).astype(np.int64) / (7 * DAY_S), 0.3)
    n = rng.poisson(weeks * np.where(opps["is_won"].to_numpy(), 4.0, 3.0))
    p, t = _spread(rng, o_start, o_stop, n)
    contacts = crm.contacts
    first_contact = contacts.groupby("_account_idx")["id"].first()
    acc_idx = opps["_account_idx"].to_numpy()[p]
    who = first_contact.reindex(acc_idx).to_numpy()
    kind = np.asarray(KINDS, dtype=object)[rng.choice(5, len(p), p=[0.38, 0.38, 0.04, 0.12, 0.08])]
    parts.append(
        pd.DataFrame(
            {
                "t": t,
                "kind": kind,
                "who_id": who,
                "what_id": opps["id"].to_numpy()[p],
                "account_id": opps["account_id"].to_numpy()[p],
                "owner_id": opps["owner_id"].to_numpy()[p],
            }
        )
    )

    # SDR prospecting on leads that were worked.
    leads = crm.leads
    worked = leads["status"].isin(["Working", "MQL", "SQL", "Converted", "Unqualified"]).to_numpy()
    l_start = leads["created_date"].to_numpy(dtype="datetime64[s]")
    conv = leads["converted_date"].to_numpy(dtype="datetime64[s]")
    l_stop = np.where(np.isnat(conv), l_start + np.timedelta64(30 * DAY_S, "s"), conv)
    l_stop = np.minimum(l_stop, end)
    n = np.where(worked, rng.poisson(2.2, len(leads)), 0)
    p, t = _spread(rng, l_start, l_stop, n)
    kind = np.where(rng.random(len(p)) < 0.5, "call", "email").astype(object)
    parts.append(
        pd.DataFrame(
            {
                "t": t,
                "kind": kind,
                "who_id": leads["id"].to_numpy()[p],
                "what_id": None,
                "account_id": None,
                "owner_id": leads["owner_id"].to_numpy()[p],
            }
        )
    )

    # Customer success on customer accounts, about monthly.
    users = crm.users
    csms = users.loc[users["user_role_name"] == "CSM", "id"].to_numpy()
    if len(customer_life) and len(csms):
        c_acc = customer_life.index.to_numpy()
        c_start = customer_life["first"].to_numpy(dtype="datetime64[s]")
        c_stop = np.minimum(
            np.where(
                np.isnat(customer_life["ended"].to_numpy(dtype="datetime64[s]")),
                end,
                customer_life["ended"].to_numpy(dtype="datetime64[s]"),
            ),
            end,
        )
        months = np.maximum((c_stop - c_start).astype(np.int64) / (30 * DAY_S), 0)
        n = rng.poisson(months * 1.3)
        p, t = _spread(rng, c_start, c_stop, n)
        csm = csms[c_acc % len(csms)]
        kind = np.asarray(["call", "email", "meeting"], dtype=object)[
            rng.choice(3, len(p), p=[0.35, 0.45, 0.2])
        ]
        parts.append(
            pd.DataFrame(
                {
                    "t": t,
                    "kind": kind,
                    "who_id": first_contact.reindex(c_acc[p]).to_numpy(),
                    "what_id": crm.accounts["id"].to_numpy()[c_acc[p]],
                    "account_id": crm.accounts["id"].to_numpy()[c_acc[p]],
                    "owner_id": csm[p],
                }
            )
        )

    # Internal meetings: weekly pipeline reviews for every AE and manager while employed.
    sellers = users[users["user_role_name"].isin(["AE", "Sales Manager"])]
    s_start = np.maximum(sellers["created_date"].to_numpy(dtype="datetime64[s]"), ctx.start)
    left = sellers["_left_at"].to_numpy(dtype="datetime64[s]")
    s_stop = np.where(np.isnat(left), end, np.minimum(left, end))
    weeks = np.maximum((s_stop - s_start).astype(np.int64) / (7 * DAY_S), 0)
    n = rng.poisson(weeks * min(1.0, 0.2 + ctx.scale))
    p, t = _spread(rng, s_start, s_stop, n)
    parts.append(
        pd.DataFrame(
            {
                "t": t,
                "kind": "internal",
                "who_id": None,
                "what_id": None,
                "account_id": None,
                "owner_id": sellers["id"].to_numpy()[p],
            }
        )
    )

    # In time order (then owner), as column arrays: the largest frames of the CRM are built
    # once, not copied through concat, filter, sort and split.
    columns = list(parts[0].columns)
    acts = {c: np.concatenate([p[c].to_numpy() for p in parts]) for c in columns}
    del parts
    keep = np.flatnonzero(acts["t"] <= end)
    owner = pd.factorize(acts["owner_id"][keep], sort=True)[0]
    order = keep[np.lexsort((owner, acts["t"][keep]))]  # stable, like a two-key sort_values
    is_task = pd.Series(acts["kind"][order]).isin(["call", "email", "other"]).to_numpy()
    tasks = {c: a[order[is_task]] for c, a in acts.items()}
    events = {c: a[order[~is_task]] for c, a in acts.items()}
    del acts
    nt, ne = len(tasks["t"]), len(events["t"])
    tk = tasks["kind"]
    connected = rng.random(nt) < 0.45
    duration = np.where(connected, rng.integers(90, 1800, nt), rng.integers(5, 45, nt))
    t_t = tasks["t"].astype("datetime64[s]")
    crm.tasks = pd.DataFrame(
        {
            "id": make_ids("00T", nt),
            "who_id": tasks["who_id"],
            "what_id": tasks["what_id"],
            "account_id": tasks["account_id"],
            "owner_id": tasks["owner_id"],
            "subject": [SUBJECTS[k] for k in tk],
            "type": [TASK_TYPE[k][0] for k in tk],
            "task_subtype": [TASK_TYPE[k][1] for k in tk],
            "status": "Completed",
            "activity_date": t_t,
            "call_duration_in_seconds": pd.Series(duration, dtype="Int64").where(tk == "call"),
            "created_date": t_t,
            "system_modstamp": t_t + np.timedelta64(300, "s"),
            "is_deleted": rng.random(nt) < 0.002,
        }
    )
    ek = events["kind"]
    minutes = np.where(ek == "demo", rng.choice([45, 60], ne), rng.choice([30, 30, 45, 60], ne))
    e_t = events["t"].astype("datetime64[s]")
    e_t = e_t - (e_t.astype(np.int64) % 1800).astype("timedelta64[s]")  # on the half hour
    crm.events = pd.DataFrame(
        {
            "id": make_ids("00U", ne),
            "who_id": events["who_id"],
            "what_id": events["what_id"],
            "account_id": events["account_id"],
            "owner_id": events["owner_id"],
            "subject": [SUBJECTS[k] for k in ek],
            "type": [{"meeting": "Meeting", "demo": "Demo", "internal": "Internal"}[k] for k in ek],
            "start_date_time": e_t,
            "end_date_time": e_t + (minutes * 60).astype("timedelta64[s]"),
            "duration_in_minutes": minutes,
            "activity_date": e_t,
            "created_date": e_t - np.timedelta64(2 * DAY_S, "s"),
            "system_modstamp": e_t - np.timedelta64(DAY_S, "s"),
            "is_deleted": rng.random(ne) < 0.002,
        }
    )


def build_campaign_members(ctx: Context, crm: Crm) -> None:
    rng = ctx.rng("campaigns")
    leads = crm.leads
    camp_id = dict(zip(crm.campaigns["name"], crm.campaigns["id"], strict=True))
    camp_type = dict(zip(crm.campaigns["name"], crm.campaigns["type"], strict=True))
    has = leads["utm_campaign_c"].notna().to_numpy()
    lm = leads[has]
    names_ = lm["utm_campaign_c"].to_numpy()
    ctype = np.array([camp_type[c] for c in names_], dtype=object)
    responded = np.where(ctype == "Email", rng.random(len(lm)) < 0.6, True)
    status = np.select(
        [ctype == "Webinar", ctype == "Event", ctype == "Email"],
        [
            np.where(rng.random(len(lm)) < 0.55, "Attended", "Registered"),
            "Attended",
            np.where(responded, "Responded", "Sent"),
        ],
        "Responded",
    )
    created = lm["created_date"].to_numpy(dtype="datetime64[s]")
    lead_rows = pd.DataFrame(
        {
            "campaign_id": [camp_id[c] for c in names_],
            "lead_id": lm["id"].to_numpy(),
            "contact_id": None,
            "status": status,
            "has_responded": responded,
            "first_responded_date": np.where(responded, created, np.datetime64("NaT")),
            "created_date": created,
        }
    )
    # Contacts invited to the webinar of a month after they exist.
    contacts = crm.contacts
    webinars = crm.campaigns[crm.campaigns["type"] == "Webinar"]
    k = ctx.n(8_000, 20)
    ci = rng.integers(0, len(contacts), k)
    wi = rng.integers(0, len(webinars), k)
    w_start = webinars["start_date"].to_numpy(dtype="datetime64[s]")[wi]
    c_created = contacts["created_date"].to_numpy(dtype="datetime64[s]")[ci]
    ok = (c_created < w_start) & (w_start <= ctx.end)
    ci, wi, w_start = ci[ok], wi[ok], w_start[ok]
    attended = rng.random(len(ci)) < 0.3
    contact_rows = pd.DataFrame(
        {
            "campaign_id": webinars["id"].to_numpy()[wi],
            "lead_id": None,
            "contact_id": contacts["id"].to_numpy()[ci],
            "status": np.where(attended, "Attended", "Sent"),
            "has_responded": attended,
            "first_responded_date": np.where(attended, w_start, np.datetime64("NaT")),
            "created_date": w_start - np.timedelta64(10 * DAY_S, "s"),
        }
    ).drop_duplicates(["campaign_id", "contact_id"])
    cm = pd.concat([lead_rows, contact_rows], ignore_index=True)
    cm = cm.sort_values(["created_date", "campaign_id"], kind="stable", ignore_index=True)
    cm.insert(0, "id", make_ids("00v", len(cm)))
    created = cm["created_date"].to_numpy(dtype="datetime64[s]")
    cm["system_modstamp"] = created + np.timedelta64(60, "s")
    cm["is_deleted"] = False
    crm.campaign_members = cm[
        [
            "id",
            "campaign_id",
            "lead_id",
            "contact_id",
            "status",
            "has_responded",
            "first_responded_date",
            "created_date",
            "system_modstamp",
            "is_deleted",
        ]
    ]
