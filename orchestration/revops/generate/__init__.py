"""Deterministic demo data: one coherent SaaS business written to the landing directory as the
landing contract describes (CRM, marketing, billing and plan extracts).

    from revops.generate import generate
    counts = generate(Path("landing"), scale=1.0, seed=42)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from revops.generate.core import Context
from revops.generate.pipeline import run


def generate(
    landing_dir: Path,
    scale: float = 1.0,
    seed: int = 42,
    end_date: date = date(2026, 10, 31),
    defect_rate: float = 0.002,
) -> dict[str, int]:
    """Write the demo business into landing_dir; return rows written per "system.table"."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if not 0 <= defect_rate < 0.5:
        raise ValueError("defect_rate must be in [0, 0.5)")
    ctx = Context(scale=scale, seed=seed, end_date=end_date, defect_rate=defect_rate)
    return run(ctx, Path(landing_dir))


__all__ = ["generate"]
