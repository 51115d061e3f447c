"""Deliberate data-quality defects, injected into CSV extracts only (Parquet and JSON stay
typed and clean). Each kind hits about `rate` of the rows, at least one row per table of 100+
rows when the rate is positive; rate 0 leaves the data untouched.

The defects of a table are drawn once over all its final rows (`plan`), then applied to the
rows as they are written (`Plan.apply`, chunk by chunk and file by file): the same rows are hit
whether a table is written as one file or split into daily files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Plan:
    """The defects of one table: cell edits (row, column, value; None = emptied; "-" = negate)
    in the order they apply, and the rows written twice."""

    edits: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    duplicates: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))
    counts: dict[str, int] = field(default_factory=dict)

    def rows_hit(self) -> np.ndarray:
        """Every row that any defect touches (sorted, unique)."""
        parts = [rows for _, rows, _, _ in self.edits] + [self.duplicates]
        return np.unique(np.concatenate(parts)) if parts else np.array([], dtype=np.int64)

    def apply(self, text: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
        """Defects of the given rows (ascending table row numbers, one per row of `text`)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not self.edits and not len(self.duplicates):
            return text
        df = text.copy()
        for kind, hit, cols, values in self.edits:
            inside = np.isin(hit, rows)
            if not inside.any():
                continue
            local = np.searchsorted(rows, hit[inside])
            for i, c, v in zip(local, cols[inside], values[inside], strict=True):
                pos = df.columns.get_loc(c)
                if kind != "negative_amount":
                    df.iat[i, pos] = v
                    continue
                cur = df.iat[i, pos]
                if cur is not None and cur != "" and not str(cur).startswith("-") and float(cur):
                    df.iat[i, pos] = "-" + str(cur)
                    self.counts["negative_amount"] = self.counts.get("negative_amount", 0) + 1
        dup = self.duplicates[np.isin(self.duplicates, rows)]
        if len(dup):
            order = np.sort(np.concatenate([np.arange(len(df)), np.searchsorted(rows, dup)]))
            df = df.iloc[order].reset_index(drop=True)
        return df


def plan(n: int, table: Table, rng: np.random.Generator, rate: float) -> Plan:
    """Draw the defects of a table of n rows (the random draws depend only on n and the table)."""
    out = Plan()
    if rate <= 0 or n == 0:
        return out
    name = f"{table.system}.{table.name}"

    def rows(k: int) -> np.ndarray:
        return np.sort(rng.choice(n, size=min(k, n), replace=False))

    def edit(kind: str, idx: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        out.edits.append((kind, idx.astype(np.int64), cols, values))
        out.counts[kind] = len(idx)

    required = list(table.required_columns)
    if required:
        idx = rows(_k(rng, n, rate))
        cols = np.asarray(required, dtype=object)[rng.integers(0, len(required), len(idx))]
        edit("missing_required", idx, cols, np.full(len(idx), None, dtype=object))
    date_cols = [c.name for c in table.columns if c.type in ("date", "timestamp")]
    if date_cols:
        idx = rows(_k(rng, n, rate))
        cols = np.asarray(date_cols, dtype=object)[rng.integers(0, len(date_cols), len(idx))]
        bad = np.asarray(BAD_DATES, dtype=object)[rng.integers(0, len(BAD_DATES), len(idx))]
        edit("malformed_date", idx, cols, bad)
    if name in STAGE_TABLES:
        idx = rows(_k(rng, n, rate))
        stages = [UNKNOWN_STAGES[int(rng.integers(0, len(UNKNOWN_STAGES)))] for _ in idx]
        stage_col = np.full(len(idx), "stage_name", dtype=object)
        edit("unknown_stage", idx, stage_col, np.asarray(stages, dtype=object))
    for col in NEGATIVE_COLUMNS.get(name, []):
        idx = rows(_k(rng, n, rate))
        out.edits.append(
            ("negative_amount", idx, np.full(len(idx), col, dtype=object), np.full(len(idx), "-"))
        )
        out.counts["negative_amount"] = 0  # counted when applied: zero amounts stay as they are
    if table.system in DUPLICATE_SYSTEMS_OR_TABLES or name in DUPLICATE_SYSTEMS_OR_TABLES:
        out.duplicates = rows(_k(rng, n, rate)).astype(np.int64)
        out.counts["duplicate_row"] = len(out.duplicates)
    return out


def inject(
    text: pd.DataFrame, table: Table, rng: np.random.Generator, rate: float
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the text frame with defects and the number of rows hit per defect kind."""
    p = plan(len(text), table, rng, rate)
    out = p.apply(text, np.arange(len(text)))
    return out, p.counts
