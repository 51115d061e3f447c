"""Command line of the demo: `revops-demo generate`, `revops-demo bench`.

The runtime's `revops run` never writes demo data; `make run` asks for the demo explicitly
(`revops-demo generate --if-empty`) before it runs the pipeline.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from revops.cli import dispatch
from revops.config import landing_dir

DEFAULT_SEED = 42


def _generate(args: argparse.Namespace) -> int:
    from revops.runner import landing_is_empty
    from revops_demo.generate import generate

    target = Path(args.landing) if args.landing else landing_dir()
    if args.if_empty and not landing_is_empty(target):
        print(f"==> landing: using the files already in {target}", flush=True)
        return 0
    days = f", the last {args.daily_days} days as daily files" if args.daily_days else ""
    print(
        f"==> generating the demo business (scale {args.scale:g}, seed {args.seed}{days}) "
        f"into {target}",
        flush=True,
    )
    started = time.monotonic()
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
    if args.if_empty:  # the short form, ahead of a run
        total = sum(counts.values())
        print(f"    {total:,} rows in {len(counts)} tables, {time.monotonic() - started:.1f}s")
        return 0
    for table, rows in sorted(counts.items()):
        print(f"{table:<45} {rows:>12,}")
    print(f"{'total':<45} {sum(counts.values()):>12,}  -> {target}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from revops_demo.bench import DEFAULT_OUT, run_bench

    return run_bench(args.scales, keep=args.keep, out=Path(args.out) if args.out else DEFAULT_OUT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revops-demo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write the deterministic demo business to landing/")
    gen.add_argument("--scale", type=float, default=1.0, help="1 is about 2 million rows")
    gen.add_argument("--seed", type=int, default=DEFAULT_SEED)
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
    gen.add_argument(
        "--if-empty",
        action="store_true",
        help="only when the landing folder holds no file (what `make run` asks for)",
    )
    gen.set_defaults(func=_generate)

    bench = sub.add_parser("bench", help="time every pipeline stage at some demo scales")
    bench.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    bench.add_argument("--keep", action="store_true", help="keep bench/data/scale-*/ afterwards")
    bench.add_argument("--out", help="markdown report (default: bench/results.md)")
    bench.set_defaults(func=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    return dispatch(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
