"""Contract checks and casts, as SQL over a staged text table (no per-row Python)."""

from __future__ import annotations

import duckdb

from revops.contract import Column, Table

TYPE_WORDS: dict[str, str] = {
    "string": "a string",
    "integer": "an integer",
    "decimal": "a decimal number",
    "double": "a number",
    "boolean": "a boolean (true/false/1/0)",
    "date": "a date (YYYY-MM-DD)",
    "timestamp": "a timestamp (ISO 8601)",
    "epoch": "an epoch (integer unix seconds)",
    "json": "valid JSON",
}


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def typed_expr(col: Column, ref: str) -> str:
    """SQL casting the text `ref` to the column's DuckDB type; NULL when empty or invalid."""
    v = f"nullif(trim({ref}), '')"
    if col.type == "string":
        return f"nullif({ref}, '')"
    if col.type in ("integer", "epoch"):
        # try_cast rounds '1.5' to 2: accept only values that are whole numbers
        return (
            f"case when try_cast({v} as bigint) = try_cast({v} as double) "
            f"then try_cast({v} as bigint) end"
        )
    if col.type == "decimal":
        return f"try_cast({v} as decimal(18,4))"
    if col.type == "double":
        return f"try_cast({v} as double)"
    if col.type == "boolean":
        return (
            f"case lower({v}) when 'true' then true when '1' then true "
            f"when 'false' then false when '0' then false end"
        )
    if col.type == "date":
        return f"try_cast({v} as date)"
    if col.type == "timestamp":
        # via timestamptz so that an offset is honoured; stored as the UTC wall clock
        return f"timezone('UTC', try_cast({v} as timestamptz))"
    if col.type == "json":
        return f"case when json_valid({v}) then {v} end"
    raise ValueError(f"unknown contract type {col.type!r}")


def _checks(col: Column) -> list[tuple[str, str]]:
    """(condition, problem text) pairs for one column, both SQL expressions."""
    ref = _ident(col.name)
    empty = f"nullif(trim({ref}), '') is null"
    quoted = f"'''' || {ref} || ''''"
    out = []
    if col.required:
        out.append((empty, _lit("required value is empty")))
    if col.type != "string":
        out.append(
            (
                f"not ({empty}) and ({typed_expr(col, ref)}) is null",
                f"{quoted} || {_lit(' is not ' + TYPE_WORDS[col.type])}",
            )
        )
    if col.allowed:
        values = ", ".join(_lit(a) for a in col.allowed)
        out.append(
            (
                f"not ({empty}) and {ref} not in ({values})",
                f"{quoted} || {_lit(' is not one of ' + ', '.join(col.allowed))}",
            )
        )
    return out


def check(con: duckdb.DuckDBPyConnection, table: Table, relation: str) -> tuple[str, str]:
    """Cast and check a staged text relation in one pass.

    Creates temp table `<relation>_checked` (_row_id, _source_row, every column cast to its
    raw type, `_problems`: NULL for a valid row, else the failed checks, and `_record`: the
    row as JSON text, built only for failed rows) and temp table
    `<relation>_problems` (_row_id, _source_row, column_name, ordinal, problem, raw_value,
    _record), one row per failed check. Returns both names.
    """
    checked, problems = f"{relation}_checked", f"{relation}_problems"
    checks = [(col, cond, text) for col in table.columns for cond, text in _checks(col)]
    structs = ", ".join(
        f"case when {cond} then {{'column_name': {_lit(col.name)}, 'ordinal': {i}, "
        f"'problem': {text}, 'raw_value': {_ident(col.name)}}} end"
        for i, (col, cond, text) in enumerate(checks)
    )
    any_failed = " or ".join(f"({cond})" for _, cond, _ in checks) or "false"
    typed = ", ".join(f"{typed_expr(c, _ident(c.name))} as {_ident(c.name)}" for c in table.columns)
    con.execute(
        f"create or replace temp table {checked} as select _row_id, _source_row, {typed}, "
        f"case when {any_failed} then list_filter([{structs}], lambda x: x is not null) "
        f"end as _problems, case when {any_failed} then _record end as _record from {relation}"
    )
    con.execute(
        f"create or replace temp table {problems} as "
        "select _row_id, _source_row, p.column_name, p.ordinal, p.problem, p.raw_value, "
        "_record from (select _row_id, _source_row, _record, unnest(_problems) as p "
        f"from {checked} where _problems is not null) order by _row_id, p.ordinal"
    )
    return checked, problems
