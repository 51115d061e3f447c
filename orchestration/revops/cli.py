"""Command line: `revops generate`, `revops run`, `revops bench`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from revops.config import landing_dir


def _generate(args: argparse.Namespace) -> int:
    from revops.generate import generate

    target = Path(args.landing) if args.landing else landing_dir()
    # daily_days is passed only when asked for, so an older generate() keeps working
    daily = {"daily_days": args.daily_days} if args.daily_days else {}
    counts = generate(
        target,
        scale=args.scale,
        seed=args.seed,
        end_date=args.end_date,
        defect_rate=args.defect_rate,
        **daily,
    )
    for table, rows in sorted(counts.items()):
        print(f"{table:<45} {rows:>12,}")
    print(f"{'total':<45} {sum(counts.values()):>12,}  -> {target}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from revops.runner import run

    return run(
        scale=args.scale,
        seed=args.seed,
        as_of_date=args.as_of_date,
        start=args.start,
        end=args.end,
        full_refresh=args.full_refresh,
        daily_days=args.daily_days,
        unit_tests=args.unit_tests,
    )


def _bench(args: argparse.Namespace) -> int:
    from revops.bench import DEFAULT_OUT, run_bench

    return run_bench(args.scales, keep=args.keep, out=Path(args.out) if args.out else DEFAULT_OUT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the deterministic demo business to landing/")
    gen.add_argument("--scale", type=float, default=1.0, help="1 is about 2 million rows")
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 10, 31))
    gen.add_argument("--defect-rate", type=float, default=0.002)
    gen.add_argument("--landing", help="target directory (default: REVOPS_LANDING or landing/)")
    gen.add_argument(
        "--daily-days",
        type=int,
        default=0,
        help="write the last N days as one dated file per table per day (default 0: one "
        "history file per table, dated --end-date)",
    )
    gen.set_defaults(func=_generate)

    run = sub.add_parser(
        "run",
        help="run the daily pipeline once, as one run over the days that landed",
        description="One Dagster run of revops_daily over a window of daily partitions: by "
        "default from the earliest day of a dated landing file not loaded yet to the latest "
        "day of a dated landing file (everything loaded: that latest day).",
    )
    run.add_argument("--start", type=date.fromisoformat, default=None, help="first day (ISO)")
    run.add_argument("--end", type=date.fromisoformat, default=None, help="last day (ISO)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incremental dbt models from scratch (dbt build --full-refresh)",
    )
    run.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run dbt's unit tests (a daily run leaves them to CI: they test the SQL)",
    )
    run.add_argument("--scale", type=float, default=None, help="demo scale if landing is empty")
    run.add_argument("--seed", type=int, default=42)
    run.add_argument(
        "--daily-days",
        type=int,
        default=0,
        help="when generating the demo: the last N days as daily files",
    )
    run.add_argument(
        "--as-of-date",
        type=date.fromisoformat,
        default=None,
        help="dbt var as_of_date (default: the window's last day)",
    )
    run.set_defaults(func=_run)

    bench = sub.add_parser("bench", help="time every pipeline stage at some demo scales")
    bench.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    bench.add_argument("--keep", action="store_true", help="keep bench/data/scale-*/ afterwards")
    bench.add_argument("--out", help="markdown report (default: bench/results.md)")
    bench.set_defaults(func=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
