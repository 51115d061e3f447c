"""Contract checks and casts, as SQL over a staged text table (no per-row Python).

Epochs: exporters write unix time in seconds (Stripe) or in milliseconds (JavaScript, many
BI exports). A whole number is read as seconds when it falls in the plausible range
[1990-01-01, 2100-01-01) as seconds, and as milliseconds (truncated to the second) when it
falls in that range as milliseconds; any other number (`0`, `-1`, a millisecond value read
wrongly elsewhere...) is quarantined as an implausible epoch, never loaded as 1970 or 58010.
The two ranges do not overlap (seconds end at 4.1e9, milliseconds start at 6.3e11), so the
reading is never ambiguous. The same rule applies to a `timestamp` column whose value is a bare
integer (an epoch in a CSV export); ISO 8601 timestamps are not range-checked there.

An `epoch` column also takes an ISO 8601 timestamp (`2021-02-18 14:16:37`, as Fivetran lands
Stripe's times; an offset is honoured, none means UTC), converted to unix seconds (truncated to
the second) under the same plausible range: a sentinel such as `9999-12-31` is quarantined as an
implausible time, never loaded as a date 8,000 years ahead.

Currencies: a column marked `currency: lower|upper` in the contract takes any ISO 4217 code in
the form of three letters, in any case, and stores it in its system's case (Stripe writes
`jpy`, the CRM `JPY`); anything else (`US$`, `euro`) is quarantined. Whether a rate exists is
not ingestion's business: an amount without one is listed downstream (dq_fx_rates_missing).
"""

from __future__ import annotations

import duckdb

from revops.contract import Column, Table
from revops.sql import ident as _ident
from revops.sql import lit as _lit

TYPE_WORDS: dict[str, str] = {
    "string": "a string",
    "integer": "an integer",
    "decimal": "a decimal number",
    "double": "a number",
    "boolean": "a boolean (true/false/1/0)",
    "date": "a date (YYYY-MM-DD)",
    "timestamp": "a timestamp (ISO 8601)",
    "epoch": "an epoch (integer unix seconds or milliseconds) or an ISO 8601 timestamp",
    "json": "valid JSON",
}


# The plausible epoch range, in unix seconds: [1990-01-01, 2100-01-01).
EPOCH_FIRST, EPOCH_END = 631_152_000, 4_102_444_800
EPOCH_RANGE_TEXT = "1990-01-01 .. 2100-01-01"


def _whole(v: str) -> str:
    # try_cast rounds '1.5' to 2: accept only values that are whole numbers
    return (
        f"case when try_cast({v} as bigint) = try_cast({v} as double) "
        f"then try_cast({v} as bigint) end"
    )


def epoch_seconds(v: str) -> str:
    """Unix seconds from the text `v` holding seconds or milliseconds; NULL when `v` is not a
    whole number or is no plausible epoch in either unit."""
    n = _whole(v)
    return (
        f"case when {_plausible(n)} then {n} when {_plausible(n, per_second=1000)} "
        f"then {n} // 1000 end"
    )


def _iso_seconds(v: str) -> str:
    """Unix seconds of the ISO timestamp text `v` (NULL when it is none), unchecked."""
    return f"cast(floor(epoch(try_cast({v} as timestamptz))) as bigint)"


def _plausible(n: str, per_second: int = 1) -> str:
    """True when `n` lies in the plausible epoch range, counted in units of 1/per_second s."""
    return f"{n} >= {EPOCH_FIRST * per_second} and {n} < {EPOCH_END * per_second}"


def _in_range(seconds: str) -> str:
    return f"case when {_plausible(seconds)} then {seconds} end"


def epoch_or_iso_seconds(v: str) -> str:
    """Unix seconds from the text `v`: a whole number as epoch_seconds reads it, else an ISO
    timestamp; NULL when it is neither or is out of the plausible range."""
    return (
        f"case when ({_whole(v)}) is not null then {epoch_seconds(v)} "
        f"else {_in_range(_iso_seconds(v))} end"
    )


def is_currency_code(v: str) -> str:
    """True when the text `v` has the form of an ISO 4217 code: three letters, any case."""
    return f"regexp_full_match({v}, '[A-Za-z]{{3}}')"


def _is_integer_text(v: str) -> str:
    return f"regexp_full_match({v}, '-?[0-9]+')"


# contract types read by a plain cast of the text
_PLAIN_CASTS = {"decimal": "decimal(18,4)", "double": "double", "date": "date"}


def typed_expr(col: Column, ref: str) -> str:
    """SQL casting the text `ref` to the column's DuckDB type; NULL when empty or invalid."""
    v = f"nullif(trim({ref}), '')"
    if col.currency:
        # any ISO 4217 code, in any case, stored in the system's case (Stripe: lower)
        return f"case when {is_currency_code(v)} then {col.currency}({v}) end"
    if col.type == "string":
        return f"nullif({ref}, '')"
    if col.type == "integer":
        return _whole(v)
    if col.type == "epoch":
        return epoch_or_iso_seconds(v)
    if col.type in _PLAIN_CASTS:
        return f"try_cast({v} as {_PLAIN_CASTS[col.type]})"
    if col.type == "boolean":
        return (
            f"case lower({v}) when 'true' then true when '1' then true "
            f"when 'false' then false when '0' then false end"
        )
    if col.type == "timestamp":
        # via timestamptz so that an offset is honoured; stored as the UTC wall clock. A bare
        # integer is an epoch (seconds or milliseconds).
        return (
            f"timezone('UTC', case when {_is_integer_text(v)} "
            f"then to_timestamp({epoch_seconds(v)}) else try_cast({v} as timestamptz) end)"
        )
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
    v = f"nullif(trim({ref}), '')"
    # a number that is an epoch in form but not in range gets its own reason
    epoch_like = {"epoch": f"({_whole(v)}) is not null", "timestamp": _is_integer_text(v)}
    implausible = (
        f"not ({empty}) and {epoch_like[col.type]} and ({epoch_seconds(v)}) is null"
        if col.type in epoch_like
        else None
    )
    # an ISO timestamp in an epoch column outside the plausible range
    far_iso = (
        f"not ({empty}) and ({_whole(v)}) is null and ({_iso_seconds(v)}) is not null "
        f"and ({_in_range(_iso_seconds(v))}) is null"
        if col.type == "epoch"
        else None
    )
    if col.type != "string":
        out.append(
            (
                f"not ({empty}) and ({typed_expr(col, ref)}) is null"
                + (f" and not ({implausible})" if implausible else "")
                + (f" and not ({far_iso})" if far_iso else ""),
                f"{quoted} || {_lit(' is not ' + TYPE_WORDS[col.type])}",
            )
        )
    if far_iso:
        out.append(
            (
                far_iso,
                f"{quoted} || "
                + _lit(f" is not a plausible time: it falls outside {EPOCH_RANGE_TEXT}"),
            )
        )
    if implausible:
        out.append(
            (
                implausible,
                f"{quoted} || "
                + _lit(
                    " is not a plausible epoch: neither as unix seconds nor as milliseconds "
                    f"does it fall within {EPOCH_RANGE_TEXT}"
                ),
            )
        )
    if col.currency:
        out.append(
            (
                f"not ({empty}) and not {is_currency_code(v)}",
                f"{quoted} || {_lit(' is not an ISO 4217 currency code (3 letters)')}",
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


def check(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    relation: str,
    extra_checks: list[tuple[str, str, str]] | None = None,
) -> tuple[str, str]:
    """Cast and check a staged text relation in one pass.

    Creates temp table `<relation>_checked` (_row_id, _source_row, every column cast to its
    raw type, `_problems`: NULL for a valid row, else the failed checks, and `_record`: the
    row as JSON text, built only for failed rows) and temp table
    `<relation>_problems` (_row_id, _source_row, column_name, ordinal, problem, raw_value,
    _record), one row per failed check. Returns both names. `extra_checks`: (column name,
    condition, problem text) of row checks beyond the contract's, over the relation's columns.
    """
    checked, problems = f"{relation}_checked", f"{relation}_problems"
    checks = [(col.name, cond, text) for col in table.columns for cond, text in _checks(col)]
    checks += list(extra_checks or [])
    structs = ", ".join(
        f"case when {cond} then {{'column_name': {_lit(name)}, 'ordinal': {i}, "
        f"'problem': {text}, 'raw_value': {_ident(name)}}} end"
        for i, (name, cond, text) in enumerate(checks)
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
