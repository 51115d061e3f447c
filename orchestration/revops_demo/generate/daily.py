"""Daily drops: the day each row lands in the landing folder, and the earlier versions of records
that changed after they first landed.

With `daily_days = N` the generator writes the history (every row landing on or before
end_date - N) as one file per table dated end_date - N, then one file per table for each of the
last N days. The story does not change: the latest version of every record is the row a
single-file run writes. What the daily layout adds is how those rows arrive:

- updated records: a record whose state changed after it first landed gets an earlier version
  on the day it first landed (an opportunity's earlier stage and amount, a lead before its MQL,
  a subscription before its renewal or cancellation, an invoice before it was paid or voided);
  some records of the history are re-sent with a change, and some records created in the window
  are edited on a later day;
- soft deletes: some deleted CRM records first land alive and their delete lands in the window;
- late-arriving rows: some activities, web sessions, form submissions and NPS responses land
  1-3 days after their own date;
- ad restatements: some ad-report rows of day d-1 are re-sent in day d's file with their final
  numbers, the first file carrying preliminary (lower) ones.

Every earlier version lands in an earlier file than its final version and, for the CRM, carries
an earlier system_modstamp, so staging's latest-version rule keeps the final row either way
(billing and ad rows are ordered by load time and file name, and dated names sort by date).
Everything here draws from the "daily" random stream, one sub-stream per table, so the
single-file layout (daily_days = 0) is untouched.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from revops_demo.generate.billing import Billing
from revops_demo.generate.core import DAY_S, Context, add_months_dt
from revops_demo.generate.crm import STAGES, Crm
from revops_demo.generate.marketing import Marketing

LATE_ACTIVITY = 0.10  # tasks and events landing 1-3 days after their date
LATE_SESSION = 0.12  # web analytics exports lag: sessions processed 1-3 days late
LATE_OTHER = 0.05  # form submissions and NPS responses
UPDATE_NEW = 0.3  # records created in the window whose (last) edit lands on a later day
RELAND_PER_DAY = 0.0005  # records of the history re-sent with a change, per window day
DELETE_PER_DAY = 0.1  # share of soft-deleted records whose delete lands in the window, per day
RESTATE = 0.5  # ad rows of the day before re-sent with their final numbers

EMPTY_DAYS = np.array([], dtype="datetime64[D]")
EMPTY_ROWS = np.array([], dtype=np.int64)

# (table, final rows) -> earlier versions; natural ones also say whose (the final row of each)
Early = Callable[[pd.DataFrame, np.ndarray], pd.DataFrame]
Natural = Callable[[pd.DataFrame, np.ndarray], tuple[pd.DataFrame, np.ndarray]]


@dataclass
class Drop:
    """Where one table's rows land. `day[i]` is the landing day of final row i; earlier
    versions (a frame in the table's columns, or a list of objects) land on `earlier_day` and
    belong to final row `earlier_of`."""

    day: np.ndarray
    earlier: pd.DataFrame | list[dict] | None = None
    earlier_day: np.ndarray = field(default_factory=lambda: EMPTY_DAYS)
    earlier_of: np.ndarray = field(default_factory=lambda: EMPTY_ROWS)


@dataclass(frozen=True)
class _Window:
    end: np.datetime64  # the last landing day
    cutoff: np.datetime64  # the history file's day
    n: int  # daily_days

    @classmethod
    def of(cls, ctx: Context) -> _Window:
        return cls(
            np.datetime64(ctx.end_date, "D"), np.datetime64(ctx.cutoff_date, "D"), ctx.daily_days
        )

    def file(self, day: np.ndarray) -> np.ndarray:
        """The date of the file a landing day goes to."""
        return np.maximum(day, self.cutoff)

    def day_between(self, rng: np.random.Generator, lo: np.ndarray) -> np.ndarray:
        """A day drawn uniformly from [max(lo, first window day), end] (lo itself if later)."""
        lo = np.maximum(lo, self.cutoff + 1)
        span = np.maximum((self.end - lo).astype(np.int64) + 1, 1)
        return lo + (rng.random(len(lo)) * span).astype(np.int64).astype("timedelta64[D]")

    def lag(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.integers(1, 4, n).astype("timedelta64[D]")


def _days(values: np.ndarray | pd.Series, end: np.datetime64) -> np.ndarray:
    """Timestamps to their UTC day, never after end (a row stamped seconds past midnight of the
    last day still lands on the last day)."""
    day = np.asarray(pd.to_datetime(values).to_numpy(dtype="datetime64[s]"), dtype="datetime64[D]")
    return np.minimum(day, end)


def _epoch_day(seconds: int) -> np.datetime64:
    return np.datetime64(int(seconds), "s").astype("datetime64[D]")


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Versions of one table: same columns, some all-null in one part (a lead before its MQL)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(frames, ignore_index=True)


def _finish(
    w: _Window,
    day: np.ndarray,
    parts: list[tuple[pd.DataFrame | list[dict], np.ndarray, np.ndarray]],
) -> Drop:
    """Assemble the earlier versions: keep those that land in an earlier file than their final
    row, and of several in one file only the last (the parts list them oldest first)."""
    day = np.asarray(day, dtype="datetime64[D]")
    if not parts:
        return Drop(day)
    e_day = np.concatenate([np.asarray(p[1], dtype="datetime64[D]") for p in parts])
    e_of = np.concatenate([np.asarray(p[2], dtype=np.int64) for p in parts])
    if len(e_of) and (e_day > day[e_of]).any():
        raise AssertionError("an earlier version lands after its final version")
    e_file = w.file(e_day)
    keep = e_file < w.file(day[e_of])
    key = pd.DataFrame({"of": e_of, "file": e_file.astype(np.int64)})
    keep &= ~key.duplicated(keep="last").to_numpy()
    idx = np.flatnonzero(keep)
    if isinstance(parts[0][0], pd.DataFrame):
        frames = [p[0] for p in parts]
        earlier: pd.DataFrame | list[dict] = _concat(frames).iloc[idx]
        earlier = earlier.reset_index(drop=True)
    else:
        objects = [o for p in parts for o in p[0]]
        earlier = [objects[i] for i in idx]
    return Drop(day, earlier, e_day[idx], e_of[idx])


# ---------------------------------------------------------------------------------------------
# CRM
# ---------------------------------------------------------------------------------------------

_TASK_SWAP = {"Call": "Email", "Email": "Call", "Other": "Call"}
_TASK_SUBTYPE = {"Call": "Call", "Email": "Email", "Other": "Task"}
_TASK_SUBJECT = {"Call": "Call", "Email": "Email: follow-up", "Other": "Send proposal"}
_EVENT_SWAP = {"Meeting": "Demo", "Demo": "Meeting", "Internal": "Meeting"}
_EVENT_SUBJECT = {"Meeting": "Meeting", "Demo": "Product demo", "Internal": "Pipeline review"}


def _as_created(e: pd.DataFrame) -> pd.DataFrame:
    """An earlier version saved when the record was created: alive, stamped at creation."""
    e["system_modstamp"] = e["created_date"].to_numpy(dtype="datetime64[s]")
    if "is_deleted" in e:
        e["is_deleted"] = False
    return e


def _early_task(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Logged as another kind of activity and not yet completed."""
    e = df.iloc[rows].copy()
    kind = e["type"].map(_TASK_SWAP).fillna("Call")
    e["type"] = kind.to_numpy()
    e["task_subtype"] = kind.map(_TASK_SUBTYPE).to_numpy()
    e["subject"] = kind.map(_TASK_SUBJECT).to_numpy()
    e["status"] = "Not Started"
    e["call_duration_in_seconds"] = pd.Series(pd.NA, index=e.index, dtype="Int64")
    return _as_created(e)


def _early_event(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Booked as another type of meeting with another length (rescheduled later)."""
    e = df.iloc[rows].copy()
    kind = e["type"].map(_EVENT_SWAP).fillna("Meeting")
    e["type"] = kind.to_numpy()
    e["subject"] = kind.map(_EVENT_SUBJECT).to_numpy()
    minutes = np.where(e["duration_in_minutes"].to_numpy() == 30, 60, 30)
    e["duration_in_minutes"] = minutes
    start = e["start_date_time"].to_numpy(dtype="datetime64[s]")
    e["end_date_time"] = start + (minutes * 60).astype("timedelta64[s]")
    return _as_created(e)


def _early_lead(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """A new lead: open, before any funnel stage."""
    e = df.iloc[rows].copy()
    e["status"] = "Open"
    for col in ("mql_date_c", "sql_date_c", "converted_date"):
        e[col] = np.datetime64("NaT")
    for col in ("converted_account_id", "converted_contact_id", "converted_opportunity_id"):
        e[col] = None
    e["is_converted"] = False
    return _as_created(e)


def _early_account(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """A prospect with an older head count."""
    e = df.iloc[rows].copy()
    e["type"] = "Prospect"
    employees = e["number_of_employees"].to_numpy(dtype=float)
    e["number_of_employees"] = np.maximum(1, np.round(employees * 0.8)).astype(np.int64)
    return _as_created(e)


def _early_contact(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Another job title."""
    e = df.iloc[rows].copy()
    title = e["title"].to_numpy()
    e["title"] = np.where(title == "Sales Ops Analyst", "RevOps Manager", "Sales Ops Analyst")
    return _as_created(e)


def _early_member(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Invited, not yet responded."""
    e = df.iloc[rows].copy()
    e["status"] = "Sent"
    e["has_responded"] = False
    e["first_responded_date"] = np.datetime64("NaT")
    return _as_created(e)


def _opportunity_states(opps: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """One opportunity version per stage-history row: the opportunity as it was right after it.
    Columns of the opportunity frame plus _of (the opportunity's row)."""
    of = history["_opp_idx"].to_numpy()
    e = opps.iloc[of].copy()
    stage = history["stage_name"].to_numpy()
    e["stage_name"] = stage
    e["amount"] = history["amount"].to_numpy()
    e["close_date"] = history["close_date"].to_numpy(dtype="datetime64[s]")
    e["probability"] = history["probability"].to_numpy()
    e["forecast_category_name"] = history["forecast_category"].to_numpy()
    e["is_closed"] = np.isin(stage, STAGES[5:])
    e["is_won"] = stage == STAGES[5]
    if "loss_reason_c" in e:  # a deal gets its loss reason when it is lost
        e["loss_reason_c"] = np.where(stage == STAGES[6], e["loss_reason_c"].to_numpy(), None)
    e["system_modstamp"] = history["created_date"].to_numpy(dtype="datetime64[s]") + np.timedelta64(
        30, "s"
    )
    e["is_deleted"] = False
    e["_of"] = of
    e["_shown"] = history["created_date"].to_numpy(dtype="datetime64[s]")  # its last stage row
    return e.reset_index(drop=True)


def _first_states(states: pd.DataFrame, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The first state of each opportunity (as created), indexed by opportunity row."""
    first = states.drop_duplicates("_of", keep="first")
    pos = np.full(n, -1, dtype=np.int64)
    pos[first["_of"].to_numpy()] = np.arange(len(first))
    return first.reset_index(drop=True), pos


def _lead_states(df: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Versions of the given leads before their last change: open, MQL, SQL (oldest first)."""
    frames, of_parts = [], []
    sub = df.iloc[rows]
    last = sub["system_modstamp"].to_numpy(dtype="datetime64[s]") - np.timedelta64(120, "s")
    created = sub["created_date"].to_numpy(dtype="datetime64[s]")
    mql = sub["mql_date_c"].to_numpy(dtype="datetime64[s]")
    sql = sub["sql_date_c"].to_numpy(dtype="datetime64[s]")
    steps = [("Open", created), ("MQL", mql), ("SQL", sql)]
    for k, (status, at) in enumerate(steps):
        ok = ~np.isnat(at) & (at < last)
        if not ok.any():
            continue
        e = sub[ok].copy()
        e["status"] = status
        e["mql_date_c"] = mql[ok] if k >= 1 else np.datetime64("NaT")
        e["sql_date_c"] = sql[ok] if k >= 2 else np.datetime64("NaT")
        e["converted_date"] = np.datetime64("NaT")
        for col in ("converted_account_id", "converted_contact_id", "converted_opportunity_id"):
            e[col] = None
        e["is_converted"] = False
        e["is_deleted"] = False
        e["system_modstamp"] = at[ok] + np.timedelta64(120, "s")
        frames.append(e)
        of_parts.append(rows[ok])
    if not frames:
        return df.iloc[:0].copy(), EMPTY_ROWS
    e = _concat(frames)
    of = np.concatenate(of_parts)
    order = np.lexsort((e["system_modstamp"].to_numpy(dtype="datetime64[s]"), of))
    return e.iloc[order].reset_index(drop=True), of[order]


def _crm_drop(
    w: _Window,
    rng: np.random.Generator,
    df: pd.DataFrame,
    early: Early | None = None,
    natural: Natural | None = None,
    late_column: str | None = None,
) -> Drop:
    """The drop of one CRM table. early(df, rows): earlier versions as created; natural(df,
    rows): the real earlier states (frame, final row of each); late_column: the row's own date,
    for late arrivals."""
    n = len(df)
    created = df["created_date"].to_numpy(dtype="datetime64[s]")
    modstamp = df["system_modstamp"].to_numpy(dtype="datetime64[s]")
    created_day = _days(created, w.end)
    natural_day = _days(modstamp, w.end)
    day = natural_day.copy()
    free = np.ones(n, dtype=bool)
    parts: list[tuple[pd.DataFrame, np.ndarray, np.ndarray]] = []
    # Random draws for every row, in a fixed order.
    u_delete, u_reland, u_update, u_late = rng.random((4, n))
    reland_day = w.day_between(rng, np.full(n, w.cutoff + 1))
    lag = w.lag(rng, n)
    late_lag = w.lag(rng, n)

    if early is not None and "is_deleted" in df:
        # Soft deletes: alive when created, the delete lands in the window.
        lo = np.maximum(natural_day, created_day + 1)
        delete_day = w.day_between(rng, lo)
        hit = df["is_deleted"].to_numpy(dtype=bool) & (lo <= w.end)
        hit &= u_delete < min(1.0, DELETE_PER_DAY * w.n)
        idx = np.flatnonzero(hit)
        if len(idx):
            day[idx] = delete_day[idx]
            parts.append((early(df, idx), created_day[idx], idx))
            free[idx] = False
    if natural is not None:
        idx = np.flatnonzero(free & (natural_day > w.cutoff))
        e, of = natural(df, idx)
        if len(of):
            e_day = _days(e["system_modstamp"].to_numpy(dtype="datetime64[s]"), w.end)
            parts.append((e, e_day, of))
            free[of] = False
    if early is not None:
        changed = created < modstamp
        # Records of the history re-sent with their final state.
        p_reland = min(0.5, RELAND_PER_DAY * w.n)
        idx = np.flatnonzero(free & changed & (natural_day <= w.cutoff) & (u_reland < p_reland))
        if len(idx):
            day[idx] = reland_day[idx]
            parts.append((early(df, idx), created_day[idx], idx))
            free[idx] = False
        # Records last changed in the window: a version when created, the change on a later
        # day (if both were on one day, the change lands 1-3 days late).
        edit_day = np.where(created_day < natural_day, natural_day, natural_day + lag)
        hit = free & changed & (natural_day > w.cutoff) & (edit_day <= w.end)
        idx = np.flatnonzero(hit & (u_update < UPDATE_NEW))
        if len(idx):
            day[idx] = edit_day[idx]
            parts.append((early(df, idx), created_day[idx], idx))
            free[idx] = False
    if late_column is not None:
        own_day = _days(df[late_column], w.end)
        late_day = np.maximum(natural_day, own_day + late_lag)
        hit = free & (u_late < LATE_ACTIVITY) & (late_day <= w.end)
        day[hit] = late_day[hit]
    return _finish(w, day, [(_project_like(e, df), d, of) for e, d, of in parts])


def _project_like(e: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """The table's columns (and _shown: the time of the last stage row an opportunity version
    shows)."""
    return e[list(df.columns) + [c for c in ("_shown",) if c in e and c not in df]]


def _history_drop(w: _Window, history: pd.DataFrame, opps: pd.DataFrame, opp_drop: Drop) -> Drop:
    """Stage-history rows (inserts) land with the first version of their opportunity that shows
    them, so that the files up to any day hold a stage history ending in the opportunity's
    stage. The rows of a deleted opportunity are deleted with it: alive until the day its
    deleted version lands."""
    opp_of = history["_opp_idx"].to_numpy()
    created = history["created_date"].to_numpy(dtype="datetime64[s]")
    natural_day = _days(history["system_modstamp"], w.end)
    last_row = pd.Series(created).groupby(opp_of).max().reindex(range(len(opps)))
    versions = pd.DataFrame(
        {
            "of": np.concatenate([opp_drop.earlier_of, np.arange(len(opps))]),
            "at": np.concatenate(
                [_stamps(opp_drop.earlier, "_shown"), last_row.to_numpy(dtype="datetime64[s]")]
            ),
            "day": np.concatenate([opp_drop.earlier_day, opp_drop.day]).astype("datetime64[D]"),
        }
    ).sort_values("at", kind="stable")
    rows = pd.DataFrame({"of": opp_of, "at": created, "row": np.arange(len(history))})
    shown = pd.merge_asof(
        rows.sort_values("at", kind="stable"), versions, on="at", by="of", direction="forward"
    ).sort_values("row")
    with_version = shown["day"].to_numpy(dtype="datetime64[D]")
    day = np.where(np.isnat(with_version), natural_day, np.maximum(natural_day, with_version))
    parts = []
    opp_deleted = opps["is_deleted"].to_numpy(dtype=bool)
    deleted_day = np.where(opp_deleted, opp_drop.day, np.datetime64("NaT"))[opp_of]
    idx = np.flatnonzero(~np.isnat(deleted_day) & (day < deleted_day))
    if len(idx):
        e = history.iloc[idx].copy()
        e["is_deleted"] = False
        e["system_modstamp"] = created[idx]
        parts.append((e, day[idx], idx))
    gone = ~np.isnat(deleted_day)
    day[gone] = deleted_day[gone]
    return _finish(w, day, parts)


def _stamps(frame: pd.DataFrame | list[dict] | None, column: str) -> np.ndarray:
    if frame is None or len(frame) == 0:
        return np.array([], dtype="datetime64[s]")
    return frame[column].to_numpy(dtype="datetime64[s]")


def crm_drops(ctx: Context, c: Crm) -> dict[str, Drop]:
    w = _Window.of(ctx)
    opps = c.opportunities
    states = _opportunity_states(opps, c.history)
    first, first_pos = _first_states(states, len(opps))

    def early_opportunity(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
        e = first.iloc[first_pos[rows]].copy()
        e.index = df.index[rows]
        return _as_created(e.drop(columns="_of"))

    def natural_opportunity(df: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        picked = states[np.isin(states["_of"].to_numpy(), rows)]
        return picked.drop(columns="_of").reset_index(drop=True), picked["_of"].to_numpy()

    def natural_lead(df: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        return _lead_states(df, rows)

    def rng(k: int) -> np.random.Generator:
        return ctx.rng("daily", k)

    drops = {
        "user": _crm_drop(w, rng(1), c.users),
        "account": _crm_drop(w, rng(2), c.accounts, _early_account),
        "contact": _crm_drop(w, rng(3), c.contacts, _early_contact),
        "lead": _crm_drop(w, rng(4), c.leads, _early_lead, natural_lead),
        "opportunity": _crm_drop(w, rng(5), opps, early_opportunity, natural_opportunity),
        "task": _crm_drop(w, rng(7), c.tasks, _early_task, late_column="activity_date"),
        "event": _crm_drop(w, rng(8), c.events, _early_event, late_column="activity_date"),
        "campaign": _crm_drop(w, rng(9), c.campaigns),
        "campaign_member": _crm_drop(w, rng(10), c.campaign_members, _early_member),
    }
    drops["opportunity_history"] = _history_drop(w, c.history, opps, drops["opportunity"])
    return drops


# ---------------------------------------------------------------------------------------------
# Marketing
# ---------------------------------------------------------------------------------------------

AD_COLUMNS = {  # report frame -> (date column, cost column, cost is integer micros)
    "google_ads": ("date", "cost_micros", True),
    "meta_ads": ("date_start", "spend", False),
    "linkedin_ads": ("day", "cost_in_local_currency", False),
}


def _ad_drop(w: _Window, rng: np.random.Generator, df: pd.DataFrame, name: str) -> Drop:
    """Report rows land on their date; some rows of the day before a window day are re-sent
    that day with the final numbers, the first file holding preliminary ones."""
    date_col, cost_col, micros = AD_COLUMNS[name]
    n = len(df)
    report_day = _days(df[date_col], w.end)
    u = rng.random(n)
    f = rng.uniform(0.85, 0.97, (3, n))
    impressions = df["impressions"].to_numpy(dtype=np.int64)
    hit = (report_day >= w.cutoff) & (report_day < w.end) & (impressions > 0) & (u < RESTATE)
    idx = np.flatnonzero(hit)
    day = report_day.copy()
    day[idx] = report_day[idx] + 1
    e = df.iloc[idx].copy()
    e["impressions"] = np.floor(impressions[idx] * f[0, idx]).astype(np.int64)
    clicks = np.floor(df["clicks"].to_numpy(dtype=np.int64)[idx] * f[1, idx]).astype(np.int64)
    e["clicks"] = np.minimum(clicks, e["impressions"].to_numpy())
    cost = df[cost_col].to_numpy(dtype=float)[idx] * f[2, idx]
    e[cost_col] = np.round(cost).astype(np.int64) if micros else np.round(cost, 2)
    if "conversions" in e:
        e["conversions"] = np.round(e["conversions"].to_numpy(dtype=float) * f[1, idx], 2)
    return _finish(w, day, [(e, report_day[idx], idx)])


def _late_drop(w: _Window, rng: np.random.Generator, at: np.ndarray, rate: float) -> Drop:
    """Insert-only rows landing on their own day, some 1-3 days late."""
    n = len(at)
    own = _days(at, w.end)
    u = rng.random(n)
    late = own + w.lag(rng, n)
    hit = (u < rate) & (late <= w.end)
    return Drop(np.where(hit, late, own))


def marketing_drops(ctx: Context, m: Marketing) -> dict[str, Drop]:
    w = _Window.of(ctx)
    drops = {
        "google_ads": _ad_drop(w, ctx.rng("daily", 21), m.google_ads, "google_ads"),
        "meta_ads": _ad_drop(w, ctx.rng("daily", 22), m.meta_ads, "meta_ads"),
        "linkedin_ads": _ad_drop(w, ctx.rng("daily", 23), m.linkedin_ads, "linkedin_ads"),
    }
    sessions = m.web_sessions
    drops["web_sessions"] = _late_drop(w, ctx.rng("daily", 24), sessions.started_at, LATE_SESSION)
    forms = m.form_submissions["submitted_at"].to_numpy(dtype="datetime64[s]")
    drops["form_submissions"] = _late_drop(w, ctx.rng("daily", 25), forms, LATE_OTHER)
    nps = m.nps_responses["responded_at"].to_numpy(dtype="datetime64[s]")
    drops["nps_responses"] = _late_drop(w, ctx.rng("daily", 26), nps, LATE_OTHER)
    return drops


# ---------------------------------------------------------------------------------------------
# Billing
# ---------------------------------------------------------------------------------------------


def _dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def _epoch(t: datetime) -> int:
    return int((t - datetime(1970, 1, 1)).total_seconds())


def _previous_start(start: int, interval: str, count: int) -> int:
    t = _dt(start)
    if interval == "month":
        return _epoch(add_months_dt(t, -count))
    if interval == "year":
        return _epoch(add_months_dt(t, -12 * count))
    days = 7 * count if interval == "week" else count
    return _epoch(t - timedelta(days=days))


def _subscription_changes(s: dict, cutoff_end: int) -> tuple[list[int], list[int]]:
    """(change times of a subscription, its period starts newest first, back to the one in
    force at the cutoff)."""
    items = s["items"]["data"]
    starts = [s["current_period_start"]]
    rec = items[0]["price"]["recurring"] if items else None
    first = s["trial_end"] or s["start_date"]
    while rec and starts[-1] > cutoff_end and len(starts) < 1000:
        prev = _previous_start(starts[-1], rec["interval"], rec["interval_count"])
        if prev < first:
            break
        starts.append(prev)
    times = [s["created"], *starts]
    times += [t for t in (s["canceled_at"], s["ended_at"]) if t is not None]
    for it in items:
        times += [t for t in (it["created"], it["ended_at"]) if t is not None]
    return sorted(set(times)), starts


def _subscription_as_of(s: dict, t: int, starts: list[int]) -> dict:
    """The subscription as an export at time t would have shown it."""
    v = dict(s)
    ended = s["ended_at"] is not None and s["ended_at"] <= t
    canceled = s["canceled_at"] is not None and s["canceled_at"] <= t
    if not canceled:
        v["cancel_at"], v["cancel_at_period_end"], v["canceled_at"] = None, False, None
        if "cancellation_details" in s:
            v["cancellation_details"] = {"comment": None, "feedback": None, "reason": None}
    if not ended:
        v["ended_at"] = None
    in_trial = s["trial_end"] is not None and t < s["trial_end"]
    if in_trial:
        v["current_period_start"], v["current_period_end"] = s["start_date"], s["trial_end"]
    else:
        end = s["current_period_end"]
        for start in starts:  # newest first
            if start <= t:
                v["current_period_start"], v["current_period_end"] = start, end
                break
            end = start
        else:  # before the periods stepped back to: the first period
            v["current_period_start"], v["current_period_end"] = s["start_date"], starts[-1]
    if not ended:
        if in_trial:
            v["status"] = "trialing"
        elif s["status"] == "canceled" or t < s["current_period_start"]:
            v["status"] = "active"
    items = []
    for it in s["items"]["data"]:
        if it["created"] <= t:
            item = dict(it)
            if it["ended_at"] is not None and it["ended_at"] > t:
                item["ended_at"] = None
            items.append(item)
    v["items"] = {**s["items"], "data": items}
    return v


def _subscription_drop(w: _Window, subs: list[dict]) -> Drop:
    end_s = int((w.end + 1 - np.datetime64("1970-01-01")).astype(np.int64)) * DAY_S - 1
    cutoff_end = int((w.cutoff + 1 - np.datetime64("1970-01-01")).astype(np.int64)) * DAY_S - 1
    day = np.empty(len(subs), dtype="datetime64[D]")
    objects, e_day, e_of = [], [], []
    for i, s in enumerate(subs):
        times, starts = _subscription_changes(s, cutoff_end)
        times = [t for t in times if t <= end_s]
        day[i] = _epoch_day(times[-1])
        if day[i] <= w.cutoff:
            continue
        for t in times[:-1]:
            if _epoch_day(t) < day[i]:
                objects.append(_subscription_as_of(s, t, starts))
                e_day.append(_epoch_day(t))
                e_of.append(i)
    return _finish(w, day, [(objects, np.asarray(e_day, dtype="datetime64[D]"), e_of)])


def _invoice_drop(w: _Window, rng: np.random.Generator, invoices: list[dict]) -> Drop:
    """An invoice lands when finalized; paid, voided or written off later, the new status
    lands that day (void and write-off times are not in the data: drawn here)."""
    n = len(invoices)
    end_s = int((w.end + 1 - np.datetime64("1970-01-01")).astype(np.int64)) * DAY_S - 1
    u = rng.random(n)
    day = np.empty(n, dtype="datetime64[D]")
    objects, e_day, e_of = [], [], []
    for i, inv in enumerate(invoices):
        created = inv["created"]
        age_days = (end_s - created) / DAY_S
        status = inv["status"]
        changed = created
        if status == "paid" and inv["status_transitions"]["paid_at"] is not None:
            changed = inv["status_transitions"]["paid_at"]
        elif status == "void":
            changed = created + int((1 + u[i] * max(min(age_days, 15) - 1, 0)) * DAY_S)
        elif status == "uncollectible":
            changed = created + int((30 + u[i] * max(min(age_days, 45) - 30, 0)) * DAY_S)
        day[i] = _epoch_day(min(changed, end_s))
        first = _epoch_day(created)
        if day[i] > w.cutoff and first < day[i]:
            e = dict(inv)
            e["status"] = "open"
            e["amount_paid"] = 0
            e["amount_remaining"] = inv["total"]
            e["status_transitions"] = {"finalized_at": created, "paid_at": None}
            objects.append(e)
            e_day.append(first)
            e_of.append(i)
    return _finish(w, day, [(objects, np.asarray(e_day, dtype="datetime64[D]"), e_of)])


def _epoch_days(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("datetime64[s]").astype("datetime64[D]")


def billing_drops(ctx: Context, b: Billing) -> dict[str, Drop]:
    w = _Window.of(ctx)
    drops = {
        "customers": Drop(_epoch_days([c["created"] for c in b.customers])),
        "products": Drop(_epoch_days(b.products["created"].to_numpy())),
        "prices": Drop(_epoch_days([p["created"] for p in b.prices])),
        "coupons": Drop(_epoch_days(b.coupons["created"].to_numpy())),
        "subscriptions": _subscription_drop(w, b.subscriptions),
        "invoices": _invoice_drop(w, ctx.rng("daily", 31), b.invoices),
        "refunds": Drop(_epoch_days(b.refunds["created"].to_numpy())),
    }
    sub_created = {s["id"]: s["created"] for s in b.subscriptions}
    drops["discounts"] = Drop(_epoch_days([sub_created[d["subscription"]] for d in b.discounts]))
    # A refunded charge changes (amount_refunded, refunded) on the refund's day.
    charges = b.charges
    created = _epoch_days(charges["created"].to_numpy())
    refund_at = charges["id"].map(b.refunds.groupby("charge_id")["created"].max())
    refunded = refund_at.notna().to_numpy()
    day = created.copy()
    day[refunded] = np.maximum(created[refunded], _epoch_days(refund_at[refunded].to_numpy()))
    idx = np.flatnonzero(refunded & (day > created))
    e = charges.iloc[idx].copy()
    e["amount_refunded"] = 0
    e["refunded"] = False
    drops["charges"] = _finish(w, day, [(e, created[idx], idx)])
    return drops


def plan_drops(ctx: Context, p: dict[str, pd.DataFrame]) -> dict[str, Drop]:
    """The plan spreadsheets are in the history file."""
    cutoff = np.datetime64(ctx.cutoff_date, "D")
    return {name: Drop(np.full(len(df), cutoff)) for name, df in p.items()}
