"""Deterministic demo data: one coherent SaaS business written to the landing directory as the
landing contract describes (CRM, marketing, billing and plan extracts).

    from revops_demo.generate import generate
    counts = generate(Path("landing"), scale=1.0, seed=42)
    counts = generate(Path("landing"), scale=1.0, seed=42, daily_days=5)  # + 5 daily drops
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from revops_demo.generate.core import Context
from revops_demo.generate.pipeline import run


def generate(
    landing_dir: Path,
    scale: float = 1.0,
    seed: int = 42,
    end_date: date = date(2026, 10, 31),
    defect_rate: float = 0.002,
    daily_days: int = 0,
) -> dict[str, int]:
    """Write the demo business into landing_dir; return rows written per "system.table".

    Every file is dated: <system>/<table>/<YYYY-MM-DD>.<ext>. With daily_days = 0 each table is
    one file dated end_date. With daily_days = N the rows that landed by end_date - N are one
    file per table dated that day, and each of the last N days has its own file per table (no
    file for a day without rows), carrying that day's new records, new versions of records
    that changed, late-arriving rows and restated ad reports (see revops_demo.generate.daily). The
    latest version of every record is the same in both layouts.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if not 0 <= defect_rate < 0.5:
        raise ValueError("defect_rate must be in [0, 0.5)")
    if not 0 <= daily_days <= 365:
        raise ValueError("daily_days must be in [0, 365]")
    ctx = Context(
        scale=scale,
        seed=seed,
        end_date=end_date,
        defect_rate=defect_rate,
        daily_days=int(daily_days),
    )
    return run(ctx, Path(landing_dir))


__all__ = ["generate"]
