"""SQL text the Python side writes (ingestion, checks, publication): the one quoting helper."""

from __future__ import annotations

from collections.abc import Iterable


def lit(value: str) -> str:
    """`value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit_list(values: Iterable[str]) -> str:
    """Comma-separated string literals, for `in (...)`."""
    return ", ".join(lit(v) for v in values)
