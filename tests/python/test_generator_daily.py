"""The generator's daily layout (daily_days = N): dated files, the same final state as the
single-file layout, and the situations incremental models must handle.

Everything is counted from the written files (an independent route): rows are read back as text,
and "the latest version of a key" is the landing contract's rule (the CRM's system_modstamp, then
the later file, then the later row; other systems: the later file, then the later row).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from revops.contract import demo_tables
from revops_demo.generate import generate

from landing_reader import read_table

END = date(2026, 10, 31)
DAYS = 5
CUTOFF = (END - timedelta(days=DAYS)).isoformat()
WINDOW = [(END - timedelta(days=k)).isoformat() for k in range(DAYS - 1, -1, -1)]
SCALE = 0.02
NESTED = {"subscription_items", "invoice_line_items"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AD_TABLES = {  # table -> (report date column, cost column)
    "google_ads_campaign_stats": ("date", "cost_micros"),
    "meta_ads_insights": ("date_start", "spend"),
    "linkedin_ads_analytics": ("day", "cost_in_local_currency"),
}


def _run(tmp_path_factory, name: str, **kw) -> Path:
    path = tmp_path_factory.mktemp(name)
    generate(path, scale=SCALE, seed=42, **kw)
    return path


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "single", defect_rate=0.0)


@pytest.fixture(scope="module")
def daily(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "daily", defect_rate=0.0, daily_days=DAYS)


@pytest.fixture(scope="module")
def long_window(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "long_window", defect_rate=0.0, daily_days=60)


@pytest.fixture(scope="module")
def dirty_single(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "dirty_single", defect_rate=0.05)


@pytest.fixture(scope="module")
def dirty_daily(tmp_path_factory) -> Path:
    return _run(tmp_path_factory, "dirty_daily", defect_rate=0.05, daily_days=DAYS)


# ------------------------------------------------------------------ reading the files back


def _objects(path: Path) -> list[dict]:
    if path.suffix == ".json":
        return json.loads(path.read_text())["data"]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _rows(root: Path, system: str, table: str) -> pd.DataFrame:
    """Every row of every file of a table, as text, with _file (the file's date) and _row.
    Stripe objects keep their id and a canonical JSON text in _json."""
    parts = []
    for path in sorted((root / system / table).iterdir()):
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix == ".parquet":
            frame = pq.read_table(path).to_pandas().astype(str)
        else:
            objs = _objects(path)
            frame = pd.DataFrame(
                {
                    "id": [o["id"] for o in objs],
                    "_json": [json.dumps(o, sort_keys=True) for o in objs],
                }
            )
        frame["_file"] = path.stem
        frame["_row"] = range(len(frame))
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _key(system: str, table: str) -> list[str]:
    return next(list(t.key) for t in demo_tables() if (t.system, t.name) == (system, table))


def _content(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in ("_file", "_row")]


def _latest(df: pd.DataFrame, system: str, table: str) -> pd.DataFrame:
    order = ["_file", "_row"]
    if system == "crm":
        order = ["system_modstamp", *order]  # ISO text sorts in time order
    return df.sort_values(order, kind="stable").drop_duplicates(_key(system, table), keep="last")


def _tables() -> list[tuple[str, str]]:
    return [(t.system, t.name) for t in demo_tables() if t.name not in NESTED]


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------ layout and determinism


def test_single_file_layout_is_one_file_per_table_dated_end_date(single):
    for system, table in _tables():
        files = sorted((single / system / table).iterdir())
        assert [f.stem for f in files] == [END.isoformat()], (system, table, files)


def test_daily_layout_is_a_history_file_and_one_file_per_day_with_rows(daily):
    days_seen = set()
    for system, table in _tables():
        files = sorted((daily / system / table).iterdir())
        stems = [f.stem for f in files]
        assert all(ISO_DAY.match(s) for s in stems), stems
        assert stems[0] == CUTOFF, (system, table, stems)  # every table has a history
        assert set(stems[1:]) <= set(WINDOW), (system, table, stems)
        assert len({f.suffix for f in files}) == 1
        counts = _rows(daily, system, table).groupby("_file").size()
        assert (counts > 0).all(), (system, table)  # no empty daily file
        days_seen |= set(stems[1:])
    assert days_seen == set(WINDOW)
    for system, table in [("plan", "quotas"), ("billing", "prices"), ("crm", "user")]:
        assert [f.stem for f in (daily / system / table).iterdir()] == [CUTOFF]


@pytest.mark.parametrize("days", [-1, 366])
def test_daily_days_out_of_range_is_refused(tmp_path, days):
    with pytest.raises(ValueError, match="daily_days"):
        generate(tmp_path, scale=SCALE, daily_days=days)


def test_daily_layout_is_deterministic(daily, tmp_path):
    generate(tmp_path, scale=SCALE, seed=42, defect_rate=0.0, daily_days=DAYS)
    assert _hashes(tmp_path) == _hashes(daily)


# ------------------------------------------------------------------ same final state


@pytest.mark.parametrize(("system", "table"), _tables(), ids=lambda v: v)
def test_latest_version_of_every_record_is_the_single_file_row(single, daily, system, table):
    a = _latest(_rows(single, system, table), system, table)
    b = _latest(_rows(daily, system, table), system, table)
    cols = _content(a)
    assert len(a) == len(b)
    left = sorted(map(tuple, a[cols].to_numpy().tolist()))
    right = sorted(map(tuple, b[cols].to_numpy().tolist()))
    assert left == right


@pytest.mark.parametrize("table", [t for t in demo_tables()], ids=lambda t: t.qualified_name)
def test_warehouse_view_is_the_same_in_both_layouts(single, daily, table):
    """landing_reader applies the contract's rules (quarantine, latest version, soft deletes)
    as the warehouse does: both layouts must give the same live rows."""
    a = read_table(single, table.system, table.name)
    b = read_table(daily, table.system, table.name)
    key = list(table.key)
    a = a.sort_values(key, ignore_index=True).astype(str)
    b = b.sort_values(key, ignore_index=True).astype(str)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("run", ["clean", "dirty"])
def test_daily_files_hold_the_single_file_rows_plus_earlier_versions(
    run, single, daily, dirty_single, dirty_daily
):
    """Every row of the single file is written exactly as often in the daily layout (defects
    included: they hit the same rows); every other row is an earlier version of one of its keys,
    in an earlier file (and, in the CRM, with an earlier system_modstamp)."""
    one, many = (single, daily) if run == "clean" else (dirty_single, dirty_daily)
    extra_total = 0
    for system, table in _tables():
        a, b = _rows(one, system, table), _rows(many, system, table)
        cols, key = _content(a), _key(system, table)
        rows_a = Counter(map(tuple, a[cols].to_numpy().tolist()))
        rows_b = Counter(map(tuple, b[cols].to_numpy().tolist()))
        assert not rows_a - rows_b, (system, table)  # nothing lost
        extra = rows_b - rows_a
        if not extra:
            continue
        extra_total += sum(extra.values())
        is_extra = [t in extra for t in map(tuple, b[cols].to_numpy().tolist())]
        earlier = b[is_extra]
        final = b[[not x for x in is_extra]].drop_duplicates(key, keep="last").set_index(key)
        joined = earlier.join(final, on=key, rsuffix="_final", how="left")
        assert joined["_file_final"].notna().all(), (system, table)  # a key of the single file
        assert (joined["_file"] < joined["_file_final"]).all(), (system, table)
        if system == "crm":
            assert (joined["system_modstamp"] < joined["system_modstamp_final"]).all()
    assert extra_total > 50


def test_defect_rate_still_hits_every_kind_in_the_daily_layout(dirty_daily):
    """The defects are drawn over a table's rows, whichever file a row lands in."""
    opp = _rows(dirty_daily, "crm", "opportunity")
    assert (pd.to_numeric(opp["amount"], errors="coerce") < 0).sum() > 0
    assert (opp["stage_name"] == "Negotiation").sum() + (opp["stage_name"] == "Discovery").sum()
    assert (opp["created_date"].isin(["2025-13-45", "31/12/2025", "2025-02-30"])).sum() + (
        opp["system_modstamp"].isin(["2025-13-45", "31/12/2025", "2025-02-30"])
    ).sum() + (opp["close_date"].isin(["2025-13-45", "31/12/2025", "2025-02-30"])).sum() > 0
    tasks = _rows(dirty_daily, "crm", "task")
    content = _content(tasks)
    assert tasks.duplicated(content).sum() > 0  # duplicated rows
    assert (tasks[["id", "owner_id", "created_date"]] == "").any(axis=None)  # missing required


# ------------------------------------------------------------------ no row from the future


def _end_of(day: str) -> int:
    return int(pd.Timestamp(day).timestamp()) + 86_399


def test_no_file_carries_a_change_after_its_date(daily):
    for system, table in _tables():
        df = _rows(daily, system, table)
        if system == "crm":
            assert (df["system_modstamp"].str[:10] <= df["_file"]).all(), table
    sessions = _rows(daily, "marketing", "web_sessions")
    assert (sessions["started_at"].str[:10] <= sessions["_file"]).all()
    forms = _rows(daily, "marketing", "form_submissions")
    assert (forms["submitted_at"].str[:10] <= forms["_file"]).all()
    for table, (date_col, _) in AD_TABLES.items():
        ads = _rows(daily, "marketing", table)
        assert (ads[date_col] <= ads["_file"]).all(), table
    for table, fields in [
        ("invoices", ["created", "status_transitions.paid_at"]),
        ("subscriptions", ["created", "current_period_start", "canceled_at", "ended_at"]),
        ("customers", ["created"]),
    ]:
        df = _rows(daily, "billing", table)
        for text, day in zip(df["_json"], df["_file"], strict=True):
            obj = json.loads(text)
            for field in fields:
                value = obj
                for part in field.split("."):
                    value = value[part]
                assert value is None or value <= _end_of(day), (table, obj["id"], field)
            for item in obj.get("items", {}).get("data", []):
                assert item["created"] <= _end_of(day)
                assert item["ended_at"] is None or item["ended_at"] <= _end_of(day)


def _stage_history_agrees_every_day(root: Path, days: list[str]) -> None:
    opps, history = _rows(root, "crm", "opportunity"), _rows(root, "crm", "opportunity_history")
    for day in days:
        opp = _latest(opps[opps["_file"] <= day], "crm", "opportunity")
        opp = opp[opp["is_deleted"] == "false"].set_index("id")
        hist = _latest(history[history["_file"] <= day], "crm", "opportunity_history")
        hist = hist[hist["is_deleted"] == "false"].sort_values(["created_date", "id"])
        current = hist.drop_duplicates("opportunity_id", keep="last").set_index("opportunity_id")
        assert opp.index.isin(current.index).all(), day
        stage = current.loc[opp.index, "stage_name"]
        assert (stage.to_numpy() == opp["stage_name"].to_numpy()).all(), day


def test_every_day_the_stage_history_ends_in_the_opportunitys_stage(daily, long_window):
    """An incremental run sees the files up to its day: the opportunities and their stage
    history must agree on every day, not only on the last."""
    _stage_history_agrees_every_day(daily, [CUTOFF, *WINDOW])
    days = sorted({p.stem for p in (long_window / "crm" / "opportunity").iterdir()})
    assert len(days) > 30
    _stage_history_agrees_every_day(long_window, days)


# ------------------------------------------------------------------ what the daily days carry


def _versions(root: Path, table: str) -> pd.DataFrame:
    """CRM rows with their key's first and final versions side by side."""
    df = _rows(root, "crm", table).sort_values(["system_modstamp", "_file", "_row"])
    first = df.drop_duplicates("id", keep="first").set_index("id")
    last = df.drop_duplicates("id", keep="last").set_index("id")
    return first.join(last, rsuffix="_final")


def test_updated_records_land_again_with_other_values(daily):
    """a) A record whose final version lands in a daily file after an earlier version with other
    values: from the history file, and created inside the window."""
    metric = {
        "opportunity": ["stage_name", "amount", "is_won", "is_closed"],
        "lead": ["status", "mql_date_c", "sql_date_c", "is_converted"],
        "task": ["type", "status"],
        "event": ["type", "duration_in_minutes"],
        "account": ["type", "number_of_employees"],
        "contact": ["title"],
        "campaign_member": ["status", "has_responded"],
    }
    total = from_history = created_in_window = 0
    for table, cols in metric.items():
        v = _versions(daily, table)
        updated = (v["_file"] < v["_file_final"]) & (v["_file_final"] > CUTOFF)
        updated &= v["is_deleted_final"] == "false"
        differs = pd.concat([v[c] != v[f"{c}_final"] for c in cols], axis=1).any(axis=1)
        hit = v[updated & differs]
        total += len(hit)
        from_history += int((hit["_file"] == CUTOFF).sum())
        created_in_window += int((hit["created_date"].str[:10] > CUTOFF).sum())
        if table in ("opportunity", "task", "lead"):
            assert len(hit) > 0, table
    assert total >= 24, total
    assert from_history > 0 and created_in_window > 0
    opp = _versions(daily, "opportunity")
    moved = (opp["_file"] < opp["_file_final"]) & (opp["stage_name"] != opp["stage_name_final"])
    assert moved.sum() > 0  # a stage move lands on a later day


def test_soft_deletes_land_after_a_live_version(daily):
    """b) The deleted version (later system_modstamp) lands in a daily file, a live one earlier."""
    total = 0
    for table in ("task", "event", "opportunity", "lead", "contact", "account"):
        v = _versions(daily, table)
        hit = (
            (v["is_deleted"] == "false")
            & (v["is_deleted_final"] == "true")
            & (v["_file"] < v["_file_final"])
            & (v["_file_final"] > CUTOFF)
        )
        total += int(hit.sum())
        if table == "task":
            assert hit.sum() > 0
    assert total >= 10, total


def test_late_arriving_rows_land_days_after_their_own_date(daily):
    """c) Rows whose own date is 1-3 days before the day they land (their only version)."""
    late = {}
    for system, table, col in [
        ("crm", "task", "activity_date"),
        ("crm", "event", "activity_date"),
        ("crm", "opportunity_history", "created_date"),
        ("marketing", "web_sessions", "started_at"),
        ("marketing", "form_submissions", "submitted_at"),
    ]:
        df = _rows(daily, system, table)
        key = _key(system, table)
        single_version = ~df.duplicated(key, keep=False)
        lag = (pd.to_datetime(df["_file"]) - pd.to_datetime(df[col].str[:10])).dt.days
        hit = single_version & (df["_file"] > CUTOFF) & lag.between(1, 3)
        late[table] = int(hit.sum())
    assert late["task"] > 0 and late["web_sessions"] > 0, late
    assert sum(late.values()) >= 24, late


def test_ad_rows_are_restated_the_next_day(single, daily):
    """d) Some (date, campaign) rows of day d-1 come again in day d's file with other numbers;
    the later file has the single file's (final) numbers."""
    total = 0
    for table, (date_col, cost_col) in AD_TABLES.items():
        df = _rows(daily, "marketing", table)
        key = [date_col, "campaign_id"]
        twice = df[df.duplicated(key, keep=False)].sort_values([*key, "_file"])
        first = twice.drop_duplicates(key, keep="first").set_index(key)
        last = twice.drop_duplicates(key, keep="last").set_index(key)
        assert (first["_file"] == first.index.get_level_values(date_col)).all()
        next_day = pd.to_datetime(first.index.get_level_values(date_col)) + pd.Timedelta(days=1)
        assert (pd.to_datetime(last["_file"]).to_numpy() == next_day.to_numpy()).all()
        for col in ("impressions", "clicks", cost_col):
            assert (pd.to_numeric(first[col]) <= pd.to_numeric(last[col])).all()
        assert (first["impressions"] != last["impressions"]).all()
        final = _rows(single, "marketing", table).set_index(key)
        cols = [c for c in _content(final) if c not in key]
        assert last[cols].equals(final.loc[last.index, cols])
        assert len(last) > 0, table
        total += len(last)
    assert total >= 12, total


def test_billing_objects_get_new_versions_on_the_day_they_change(daily):
    """e) Invoices paid, voided or written off after they were finalized, and subscriptions
    renewed or canceled in the window, land again with the later state."""
    changes: Counter[str] = Counter()
    for table in ("invoices", "subscriptions"):
        df = _rows(daily, "billing", table)
        twice = df[df.duplicated("id", keep=False)].sort_values(["id", "_file"])
        for _, group in twice.groupby("id"):
            first, last = (json.loads(t) for t in group["_json"].iloc[[0, -1]])
            assert group["_file"].iloc[-1] > group["_file"].iloc[0]
            if table == "invoices":
                assert first["status"] == "open"
                changes[f"invoice {last['status']}"] += 1
            else:
                if first["canceled_at"] is None and last["canceled_at"] is not None:
                    changes["subscription canceled"] += 1
                if first["current_period_start"] < last["current_period_start"]:
                    changes["subscription renewed"] += 1
    # Billing is small at this scale (about one invoice a day): a handful, not dozens.
    assert changes["invoice paid"] > 0 and changes["subscription renewed"] > 0, changes
    assert sum(changes.values()) >= 5, changes


def test_cancellations_and_write_offs_land_on_their_day(long_window):
    """e) Over a longer window: a canceled subscription's new version lands on its cancel day
    (or the end of its last period) after an active one; voided and written-off invoices land
    again after an open version."""
    subs = _rows(long_window, "billing", "subscriptions")
    canceled = 0
    for _, group in subs[subs.duplicated("id", keep=False)].groupby("id"):
        group = group.sort_values("_file")
        versions = [json.loads(t) for t in group["_json"]]
        last = versions[-1]
        if last["canceled_at"] is None or versions[-2]["canceled_at"] is not None:
            continue
        assert versions[-2]["status"] in ("active", "trialing", "past_due")
        day = pd.Timestamp(last["ended_at"] or last["canceled_at"], unit="s")
        assert group["_file"].iloc[-1] == day.date().isoformat()
        canceled += 1
    invoices = _rows(long_window, "billing", "invoices")
    twice = invoices[invoices.duplicated("id", keep=False)].sort_values(["id", "_file"])
    last = twice.drop_duplicates("id", keep="last")
    final = Counter(json.loads(t)["status"] for t in last["_json"])
    assert canceled > 0 and final["void"] + final["uncollectible"] > 0, (canceled, final)
