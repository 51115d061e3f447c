"""Command line of the runtime: `revops run` (the demo's commands are `revops-demo ...`)."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def _run(args: argparse.Namespace) -> int:
    from revops.runner import run

    return run(
        as_of_date=args.as_of_date,
        start=args.start,
        end=args.end,
        full_refresh=args.full_refresh,
        unit_tests=args.unit_tests,
    )


def _docs(args: argparse.Namespace) -> int:
    """`dbt docs generate` with the warehouse's locks held: its catalog query opens the working
    file read-write (DuckDB's exclusive lock), so a run waits for it, and it for a run."""
    import subprocess

    from revops.dbt_args import dbt_executable
    from revops.warehouse import run_lock, writer_lock

    def say(holder: str) -> None:
        print(f"waiting for the run in progress ({holder})", flush=True)

    with run_lock(on_wait=say), writer_lock():
        dbt_args = args.dbt_args[1:] if args.dbt_args[:1] == ["--"] else args.dbt_args
        return subprocess.call([dbt_executable(), "docs", "generate", *dbt_args])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

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
    run.add_argument(
        "--as-of-date",
        type=date.fromisoformat,
        default=None,
        help="'today' for the models (default: the window's last day)",
    )
    run.set_defaults(func=_run)

    docs = sub.add_parser(
        "docs",
        help="dbt docs generate, waiting for a run in progress (make docs)",
        description="`revops docs -- <dbt args>`: `dbt docs generate <dbt args>` while holding "
        "the warehouse's run and writer locks: the catalog reads the working file, which a run "
        "must not be writing.",
    )
    docs.add_argument("dbt_args", nargs=argparse.REMAINDER, help="arguments for dbt")
    docs.set_defaults(func=_docs)
    return parser


def dispatch(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse `argv` and run the chosen subcommand's function (its `func` default): the one
    entry of `revops` and `revops-demo`."""
    args = parser.parse_args(argv)
    return int(args.func(args))


def main(argv: list[str] | None = None) -> int:
    return dispatch(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
