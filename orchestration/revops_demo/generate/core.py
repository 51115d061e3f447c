"""Shared pieces of the demo-data generator: the run context, calendars, ids and seasonality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

EPOCH = np.datetime64("1970-01-01T00:00:00", "s")
DAY_S = 86_400

# Rough FX rates to USD, used only to size amounts and plans (the warehouse has its own rates).
FX_TO_USD: dict[str, float] = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}

# Independent random streams, one per part of the story, so that changing one part does not
# reshuffle the others.
STREAMS: dict[str, int] = {
    "users": 1,
    "accounts": 2,
    "leads": 3,
    "opportunities": 4,
    "billing": 5,
    "account_management": 6,
    "activities": 7,
    "campaigns": 8,
    "ads": 9,
    "sessions": 10,
    "forms": 11,
    "nps": 12,
    "plan": 13,
    "defects": 14,
    "daily": 15,
    "products": 16,
    # a number apart from the next free ones, so streams added on other branches do not collide
    "marketing_budget": 41,
    "plan_funnel": 17,
    "comp": 18,
}


@dataclass(frozen=True)
class Context:
    """Parameters of one generation run."""

    scale: float
    seed: int
    end_date: date
    defect_rate: float
    daily_days: int = 0

    @property
    def start_date(self) -> date:
        """First day of the 24 full months of history ending on end_date."""
        first = date(self.end_date.year, self.end_date.month, 1)
        return add_months(first, -23)

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.start_date, "s")

    @property
    def end(self) -> np.datetime64:
        """The last second of end_date: nothing in the history happens after it."""
        return np.datetime64(self.end_date, "s") + np.timedelta64(DAY_S - 1, "s")

    @property
    def cutoff_date(self) -> date:
        """The history file's date: rows landing on or before it share one file per table."""
        return self.end_date - timedelta(days=self.daily_days)

    def rng(self, stream: str, *sub: int) -> np.random.Generator:
        """The stream's generator; `sub` numbers give independent sub-streams (one per table)."""
        return np.random.default_rng([self.seed, STREAMS[stream], *sub])

    def n(self, base: float, minimum: int = 1) -> int:
        """A volume that scales linearly, never below minimum."""
        return max(minimum, round(base * self.scale))

    def history_months(self) -> list[date]:
        return [add_months(self.start_date, i) for i in range(24)]

    def plan_months(self) -> list[date]:
        return [add_months(self.start_date, i) for i in range(27)]


def add_months(d: date, n: int) -> date:
    """d shifted by n calendar months, the day clamped to the target month's length."""
    month0 = d.month - 1 + n
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def add_months_dt(t: datetime, n: int) -> datetime:
    d = add_months(t.date(), n)
    return datetime(d.year, d.month, d.day, t.hour, t.minute, t.second)


def to_epoch(t: np.ndarray | np.datetime64) -> np.ndarray:
    """datetime64 values to integer unix seconds."""
    return (np.asarray(t, dtype="datetime64[s]") - EPOCH).astype(np.int64)


def dt_to_epoch(t: datetime) -> int:
    return int((t - datetime(1970, 1, 1)).total_seconds())


def day_weights(days: np.ndarray, growth_per_month: float = 0.02) -> np.ndarray:
    """Relative business activity per day: growth, a Q4 push, a summer dip, quiet weekends."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]").astype(int)
    month_of_year = months % 12 + 1
    season = np.select(
        [
            np.isin(month_of_year, [10, 11]),
            month_of_year == 12,
            np.isin(month_of_year, [7, 8]),
            month_of_year == 1,
        ],
        [1.2, 1.1, 0.8, 0.95],
        1.0,
    )
    growth = (1 + growth_per_month) ** (months - months.min())
    weekday = (d.astype(int) + 3) % 7  # 0 = Monday
    week = np.where(weekday >= 5, 0.3, 1.0)
    return season * growth * week


def sample_times(
    rng: np.random.Generator,
    n: int,
    start: np.datetime64,
    end: np.datetime64,
    growth_per_month: float = 0.02,
    business_hours: bool = True,
) -> np.ndarray:
    """n timestamps between start and end, spread by day_weights, sorted."""
    days = np.arange(start.astype("datetime64[D]"), end.astype("datetime64[D]") + 1)
    w = day_weights(days, growth_per_month)
    picked = np.sort(rng.choice(len(days), size=n, p=w / w.sum()))
    if business_hours:
        seconds = (rng.normal(13.5, 2.6, n).clip(6, 22.9) * 3600).astype(np.int64)
    else:
        seconds = rng.integers(0, DAY_S, n)
    return days[picked].astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def next_working_day(t: np.ndarray) -> np.ndarray:
    """Timestamps on a Saturday or Sunday moved to the following Monday (same time of day)."""
    t = np.asarray(t, dtype="datetime64[s]")
    weekday = (t.astype("datetime64[D]").astype(int) + 3) % 7
    shift = np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))
    return t + (shift * DAY_S).astype("timedelta64[s]")


def make_ids(prefix: str, n: int, width: int = 15, offset: int = 0) -> np.ndarray:
    """Readable unique ids: prefix + zero-padded counter (CRM style: 3 + 15 = 18 chars)."""
    out = np.empty(n, dtype=object)
    out[:] = [f"{prefix}{i:0{width}d}" for i in range(offset + 1, offset + n + 1)]
    return out


def weighted_choice(
    rng: np.random.Generator, options: list[str], weights: list[float], n: int
) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p / p.sum())]
