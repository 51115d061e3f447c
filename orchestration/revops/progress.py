"""A Dagster logger that prints one short progress line per step (for `make run`).

It writes to the real terminal (sys.__stdout__) so the runner can send everything else the
steps print (dbt's own log lines) to a log file. A step's own log line reaches the terminal too
when it is logged with `extra=SHOW` (dbt's progress, a rejected landing file).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import dagster as dg

_STEP_EVENTS = {"STEP_START", "STEP_SUCCESS", "STEP_FAILURE"}
SHOW_ATTR = "revops_show"
SHOW = {SHOW_ATTR: True}  # context.log.info(message, extra=SHOW): also print it here


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self._started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            if getattr(record, SHOW_ATTR, False):
                mark = "!" if record.levelno >= logging.WARNING else " "
                text = meta.get("orig_message") or record.getMessage()
                print(f"    {mark} {text[:500]}", file=sys.__stdout__, flush=True)
            elif str(meta.get("orig_message", "")).startswith("Dependencies for step"):
                step = meta.get("step_key") or "?"
                line = f"  -- {step} skipped: a step upstream failed"
                print(line, file=sys.__stdout__, flush=True)
            elif record.levelno >= logging.ERROR:
                print(f"    ! {record.getMessage()[:500]}", file=sys.__stderr__, flush=True)
            return
        kind = event.event_type_value
        if kind not in _STEP_EVENTS:
            return
        step = event.step_key or "?"
        now = time.monotonic()
        if kind == "STEP_START":
            self._started[step] = now
            print(f"  -> {step} ...", file=sys.__stdout__, flush=True)
        else:
            elapsed = now - self._started.get(step, now)
            mark = "ok" if kind == "STEP_SUCCESS" else "FAILED"
            print(f"  <- {step} {mark} in {elapsed:.1f}s", file=sys.__stdout__, flush=True)


@dg.logger(description="One line per step start and end, with its wall time.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.getLogger(f"revops.progress.{init_context.run_id}")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    if not log.handlers:
        log.addHandler(_ProgressHandler())
    return log


# dbt's structured log events that end a node (a model, test, seed or snapshot, run or skipped)
DBT_NODE_RESULTS = {
    "LogModelResult",
    "LogTestResult",
    "LogSeedResult",
    "LogSnapshotResult",
    "LogNodeNoOpResult",
    "LogFunctionResult",
    "SkippingDetails",
}


class DbtProgress:
    """Counts the node results of a dbt build from its JSON log events and says when a progress
    line is due: each further tenth of the nodes, or every `every_s` seconds."""

    def __init__(self, every_s: float = 15.0, clock: Callable[[], float] = time.monotonic):
        self.done = self.total = self.errors = self.warnings = self.skipped = 0
        self._every_s, self._clock = every_s, clock
        self._last_time = clock()
        self._last_tenth = 0

    def update(self, raw_event: Mapping[str, Any]) -> str | None:
        """Take one raw dbt event; return a progress line when one is due."""
        info, data = raw_event.get("info", {}), raw_event.get("data", {})
        if info.get("name") not in DBT_NODE_RESULTS:
            return None
        self.done += 1
        self.total = max(
            self.total, int(data.get("total") or data.get("num_models") or 0), self.done
        )
        status = str(data.get("status") or "").lower()
        if info.get("name") == "SkippingDetails":
            self.skipped += 1
        elif status in {"error", "fail"}:
            self.errors += 1
        elif status == "warn":
            self.warnings += 1
        tenth = self.done * 10 // self.total
        now = self._clock()
        if tenth > self._last_tenth or now - self._last_time >= self._every_s:
            self._last_tenth, self._last_time = tenth, now
            return self.line()
        return None

    def line(self) -> str:
        skipped = f", skipped {self.skipped}" if self.skipped else ""
        return (
            f"dbt {self.done}/{self.total} nodes (errors {self.errors}, "
            f"warnings {self.warnings}{skipped})"
        )
