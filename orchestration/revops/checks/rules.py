"""Rules and suites: what a check measures (a SQL aggregate) and the bounds it must meet.

A rule is one SQL expression evaluated over a relation inside DuckDB (pushdown: one row of
metrics per table comes back, never the table). Great Expectations then judges each metric
against the rule's bounds (see revops.checks.gx_run).

Scope: a suite with a `window_column` (the raw tables: `_landed_date`) is measured, in a run
with a window, over the rows whose window column lies in the window; its rules marked
`whole_table` (schema or history invariants) are measured over the whole relation all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warn"]
ERROR: Severity = "error"
WARN: Severity = "warn"


@dataclass(frozen=True)
class Rule:
    """One measured invariant.

    `metric` is a SQL expression over the suite's relation (aliased `t`) returning one number,
    e.g. `count(*) filter (where t."id" is null)`. It passes when
    min_value <= metric <= max_value (None: unbounded). `counts_rows` marks metrics that count
    offending rows; their value is reported as the rule's unexpected count. `whole_table`
    rules ignore a run's window (see the module docstring).
    """

    name: str
    metric: str
    description: str
    severity: Severity = ERROR
    min_value: float | None = None
    max_value: float | None = 0
    counts_rows: bool = True
    whole_table: bool = False


@dataclass(frozen=True)
class Suite:
    """The rules guarding one relation, attached to one Dagster asset."""

    name: str  # e.g. raw_crm.opportunity or marts.fct_mrr_movements
    relation: str  # the SQL relation the metrics scan
    asset_key: tuple[str, ...]
    rules: tuple[Rule, ...]
    window_column: str | None = None  # a DATE column of the relation a run window filters on

    def of_severity(self, severity: Severity) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.severity == severity)

    def scope(self, rule: Rule) -> str:
        """'window' when a run's window limits the rule's rows, else 'whole table'."""
        return "window" if self.window_column and not rule.whole_table else "whole table"
