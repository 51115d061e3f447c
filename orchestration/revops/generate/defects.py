"""Deliberate data-quality defects, injected into CSV extracts only (Parquet and JSON stay
typed and clean). Each kind hits about `rate` of the rows, at least one row per table of 100+
rows when the rate is positive; rate 0 leaves the data untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revops.contract import Table

BAD_DATES = ["2025-13-45", "31/12/2025", "2025-02-30"]
UNKNOWN_STAGES = ["Negotiation", "Closed-Won ", "Discovery"]
NEGATIVE_COLUMNS = {
    "crm.opportunity": ["amount"],
    "marketing.google_ads_campaign_stats": ["cost_micros"],
    "marketing.meta_ads_insights": ["spend"],
    "marketing.linkedin_ads_analytics": ["cost_in_local_currency"],
}
STAGE_TABLES = {"crm.opportunity", "crm.opportunity_history"}
DUPLICATE_SYSTEMS_OR_TABLES = {
    "crm",
    "marketing.google_ads_campaign_stats",
    "marketing.meta_ads_insights",
    "marketing.linkedin_ads_analytics",
}


def _k(rng: np.random.Generator, n: int, rate: float) -> int:
    k = int(rng.binomial(n, rate))
    return max(k, 1 if n >= 100 else 0)


def inject(
    text: pd.DataFrame, table: Table, rng: np.random.Generator, rate: float
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the text frame with defects and the number of rows hit per defect kind."""
    n = len(text)
    counts: dict[str, int] = {}
    if rate <= 0 or n == 0:
        return text, counts
    df = text.copy()
    name = f"{table.system}.{table.name}"

    def rows(k: int) -> np.ndarray:
        return np.sort(rng.choice(n, size=min(k, n), replace=False))

    required = list(table.required_columns)
    if required:
        idx = rows(_k(rng, n, rate))
        cols = np.asarray(required, dtype=object)[rng.integers(0, len(required), len(idx))]
        for i, c in zip(idx, cols, strict=True):
            df.iat[i, df.columns.get_loc(c)] = None
        counts["missing_required"] = len(idx)
    date_cols = [c.name for c in table.columns if c.type in ("date", "timestamp")]
    if date_cols:
        idx = rows(_k(rng, n, rate))
        cols = np.asarray(date_cols, dtype=object)[rng.integers(0, len(date_cols), len(idx))]
        bad = np.asarray(BAD_DATES, dtype=object)[rng.integers(0, len(BAD_DATES), len(idx))]
        for i, c, b in zip(idx, cols, bad, strict=True):
            df.iat[i, df.columns.get_loc(c)] = b
        counts["malformed_date"] = len(idx)
    if name in STAGE_TABLES:
        idx = rows(_k(rng, n, rate))
        pos = df.columns.get_loc("stage_name")
        for i in idx:
            df.iat[i, pos] = UNKNOWN_STAGES[int(rng.integers(0, len(UNKNOWN_STAGES)))]
        counts["unknown_stage"] = len(idx)
    for col in NEGATIVE_COLUMNS.get(name, []):
        idx = rows(_k(rng, n, rate))
        pos = df.columns.get_loc(col)
        hit = 0
        for i in idx:
            v = df.iat[i, pos]
            if v is not None and v != "" and not str(v).startswith("-") and float(v) != 0:
                df.iat[i, pos] = "-" + str(v)
                hit += 1
        counts["negative_amount"] = hit
    if table.system in DUPLICATE_SYSTEMS_OR_TABLES or name in DUPLICATE_SYSTEMS_OR_TABLES:
        idx = rows(_k(rng, n, rate))
        order = np.sort(np.concatenate([np.arange(n), idx]), kind="stable")
        df = df.iloc[order].reset_index(drop=True)
        counts["duplicate_row"] = len(idx)
    return df, counts
