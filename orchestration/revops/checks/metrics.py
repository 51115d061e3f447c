"""Measure a suite's rules inside DuckDB: one aggregate query per relation, one row back.

With a run window and a suite that has a window column, the windowed rules are measured over
the window's rows (a second query measures the whole-table rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from revops.checks.rules import Suite
from revops.sql import ident as quote


@dataclass
class Measurement:
    """The metric of every rule of a suite; a rule whose SQL failed has an error instead."""

    suite: Suite
    values: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def window_predicate(column: str, window: tuple[date, date]) -> str:
    start, end = (d.isoformat() for d in window)
    return f"t.{quote(column)} between date '{start}' and date '{end}'"


def _select(suite: Suite, rule_names: list[str], where: str | None = None) -> str:
    by_name = {r.name: r for r in suite.rules}
    cols = ",\n    ".join(f"{by_name[n].metric} as m{i}" for i, n in enumerate(rule_names))
    sql = f"select\n    {cols}\nfrom {suite.relation} as t"
    return sql + (f"\nwhere {where}" if where else "")


def _store(out: Measurement, name: str, value: object) -> None:
    if value is None:
        out.errors[name] = "metric is NULL"
    else:
        out.values[name] = float(value)


def measure(
    con: duckdb.DuckDBPyConnection, suite: Suite, window: tuple[date, date] | None = None
) -> Measurement:
    """Compute every metric in one scan per scope (the window's rows, the whole table); if a
    scan fails, rule by rule to isolate the failure."""
    out = Measurement(suite)
    if window is None or suite.window_column is None:
        groups = [([r.name for r in suite.rules], None)]
    else:
        where = window_predicate(suite.window_column, window)
        groups = [
            ([r.name for r in suite.rules if suite.scope(r) == "window"], where),
            ([r.name for r in suite.rules if suite.scope(r) != "window"], None),
        ]
    for names, where in groups:
        if names:
            _measure(con, suite, names, where, out)
    return out


def _measure(
    con: duckdb.DuckDBPyConnection,
    suite: Suite,
    names: list[str],
    where: str | None,
    out: Measurement,
) -> None:
    try:
        row = con.execute(_select(suite, names, where)).fetchone()
        for name, value in zip(names, row, strict=True):
            _store(out, name, value)
        return
    except duckdb.Error:
        pass
    for name in names:
        try:
            (value,) = con.execute(_select(suite, [name], where)).fetchone()
            _store(out, name, value)
        except duckdb.Error as exc:
            out.errors[name] = f"{type(exc).__name__}: {exc}"
