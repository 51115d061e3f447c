"""Measure a suite's rules inside DuckDB: one aggregate query per relation, one row back."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from revops.checks.rules import Suite


@dataclass
class Measurement:
    """The metric of every rule of a suite; a rule whose SQL failed has an error instead."""

    suite: Suite
    values: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _select(suite: Suite, rule_names: list[str]) -> str:
    by_name = {r.name: r for r in suite.rules}
    cols = ",\n    ".join(f"{by_name[n].metric} as m{i}" for i, n in enumerate(rule_names))
    return f"select\n    {cols}\nfrom {suite.relation} as t"


def _store(out: Measurement, name: str, value: object) -> None:
    if value is None:
        out.errors[name] = "metric is NULL"
    else:
        out.values[name] = float(value)


def measure(con: duckdb.DuckDBPyConnection, suite: Suite) -> Measurement:
    """Compute every metric in one scan; if that fails, rule by rule to isolate the failure."""
    names = [r.name for r in suite.rules]
    out = Measurement(suite)
    try:
        row = con.execute(_select(suite, names)).fetchone()
        for name, value in zip(names, row, strict=True):
            _store(out, name, value)
        return out
    except duckdb.Error:
        pass
    for name in names:
        try:
            (value,) = con.execute(_select(suite, [name])).fetchone()
            _store(out, name, value)
        except duckdb.Error as exc:
            out.errors[name] = f"{type(exc).__name__}: {exc}"
    return out
