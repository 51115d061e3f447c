"""SQL text for the ingestion's generated statements: a string literal and a quoted identifier."""

from __future__ import annotations


def lit(value: str) -> str:
    """`value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
