"""A Dagster logger that prints one short progress line per step (for `make run`).

It writes to the real terminal (sys.__stdout__) so the runner can send everything else the
steps print (dbt's own log lines) to a log file. A step's own log line reaches the terminal too
when it is logged with `extra=SHOW` (dbt's progress, a rejected landing file).
"""

from __future__ import annotations

import logging
import sys
import time

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
