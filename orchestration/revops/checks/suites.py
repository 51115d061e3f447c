"""The suites: raw tables generated from the landing contract, marts from a short registry.

Raw rules (one suite per raw table, asset raw_<system>/<table>), and their scope in a run with
a window ("window": only the rows with _landed_date in the window; "table": the whole table):
  error  columns_present      table   every contract and lineage column exists
  error  load_log_reconciles  table   rows in the table = rows raw_meta.load_log says were
                                      loaded (a count: cheap, and it also sees rows lost
                                      outside the window)
  warn   unique_key_per_file  window  a key appears once per extract (staging dedups across
                                      extracts); a file's rows share one _landed_date, so the
                                      window holds whole files
  warn   vocabulary(<col>)    window  open vocabularies: stages (seed stage_mapping), statuses
  warn   non_negative(<col>)  window  money and counts are >= 0 unless the contract says otherwise
  warn   not_future(<col>)    window  event dates are not later than the row's load + tolerance
  warn   row_count_vs_previous_load   table   the latest landed day brought at least half the
                                      rows of the previous landed day (from raw_meta.load_log)
What ingestion refuses is no raw rule, since such a rule could never fail: a row with an empty
key or required value, a value outside a closed vocabulary (`allowed`) or a currency column
that is not an ISO 4217 code is quarantined (ingest/validate.py), never written to raw; a
currency code is stored in the system's case. So raw tables get no not_null, allowed or
currency_code rules; tests/python/test_bad_input.py proves the quarantine itself.
Uniqueness of a key across extracts is not a raw rule: a key legitimately repeats (updated
versions); staging keeps the latest version and dbt tests its uniqueness on the whole model.

Marts have no GX rules: their invariants are dbt tests (dbt for marts, GX for raw).
"""

from __future__ import annotations

import csv

from revops.checks.rules import WARN, Rule, Suite
from revops.config import PROJECT_DIR
from revops.contract import LINEAGE_COLUMNS, Column, Table, all_tables
from revops.sql import ident as quote
from revops.sql import lit_list as sql_list

FUTURE_TOLERANCE_DAYS = 1
ROW_COUNT_MIN_RATIO = 0.5
MONEY_TOKENS = ("amount", "cost", "spend", "price", "budget", "total", "tax", "quota")
COUNT_COLUMNS = {"quantity", "impressions", "clicks", "pageviews", "conversions"}
NEGATIVE_ALLOWED = {("billing", "invoice_line_items", "amount")}  # credits are negative
# Dates that record something that already happened (required dates are always such).
PAST_EVENT_COLUMNS = {
    "created_date",
    "system_modstamp",
    "created",
    "canceled_at",
    "ended_at",
    "paid_at",
    "converted_date",
    "mql_date_c",
    "sql_date_c",
    "first_responded_date",
}
# Open vocabularies: values outside are mapped downstream, so they only warn.
STATUS_VOCABULARIES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("crm", "lead", "status"): ("Open", "Working", "MQL", "SQL", "Converted", "Unqualified"),
    ("billing", "subscriptions", "status"): (
        "trialing",
        "active",
        "past_due",
        "canceled",
        "unpaid",
        "incomplete",
        "incomplete_expired",
        "paused",
    ),
    ("billing", "invoices", "status"): ("draft", "open", "paid", "void", "uncollectible"),
    ("billing", "charges", "status"): ("succeeded", "pending", "failed"),
}
STAGE_COLUMNS = {("crm", "opportunity", "stage_name"), ("crm", "opportunity_history", "stage_name")}
STAGE_SEED = PROJECT_DIR / "seeds" / "stage_mapping.csv"


def known_stages() -> tuple[str, ...]:
    with STAGE_SEED.open(newline="") as fh:
        return tuple(row["stage_name"] for row in csv.DictReader(fh))


def _count_where(condition: str) -> str:
    return f"count(*) filter (where {condition})"


def _is_money_or_count(table: Table, col: Column) -> bool:
    if col.type not in {"integer", "decimal", "double"}:
        return False
    if (table.system, table.name, col.name) in NEGATIVE_ALLOWED:
        return False
    if "negative" in col.description.lower():
        return False
    return col.name in COUNT_COLUMNS or any(tok in col.name for tok in MONEY_TOKENS)


def _is_past_event(table: Table, col: Column) -> bool:
    if table.system in {"plan", "reference"} or col.type not in {"date", "timestamp", "epoch"}:
        return False
    return col.required or col.name in PAST_EVENT_COLUMNS


def _as_timestamp(col: Column) -> str:
    ref = f"t.{quote(col.name)}"
    if col.type == "epoch":
        return f"make_timestamp({ref} * 1000000)"
    return f"cast({ref} as timestamp)"


def _columns_present(table: Table) -> Rule:
    expected = [c.name for c in table.columns] + list(LINEAGE_COLUMNS)
    return Rule(
        name="columns_present",
        metric=(
            f"(select count(*) from (values {', '.join(f'({sql_list([c])})' for c in expected)})"
            " as v(c) where v.c not in (select column_name from information_schema.columns"
            f" where table_schema = '{table.raw_schema}' and table_name = '{table.name}'))"
        ),
        description=f"all {len(expected)} contract and lineage columns exist (missing count)",
        counts_rows=False,
        whole_table=True,
    )


def _load_log_rules(table: Table) -> list[Rule]:
    log = f"raw_meta.load_log where \"table\" = '{table.qualified_name}' and status = 'loaded'"
    # per landed day (rows logged before landed dates existed count on their load's UTC date)
    day = "coalesce(landed_date, cast(loaded_at as date))"
    latest_two = (
        f"select {day} as day, sum(rows_in)::double as n from {log} "
        "group by day order by day desc limit 2"
    )
    return [
        Rule(
            name="load_log_reconciles",
            metric=f"abs(count(*) - (select coalesce(sum(rows_loaded), 0) from {log}))",
            description="row count equals the rows raw_meta.load_log records as loaded",
            whole_table=True,
        ),
        Rule(
            name="row_count_vs_previous_load",
            metric=(
                "coalesce((select arg_max(n, day) / nullif(arg_min(n, day), 0) "
                f"from ({latest_two}) having count(*) = 2), 1.0)"
            ),
            description=(
                "rows landed on the latest landed day / rows of the previous landed day "
                f">= {ROW_COUNT_MIN_RATIO}"
            ),
            severity=WARN,
            min_value=ROW_COUNT_MIN_RATIO,
            max_value=None,
            counts_rows=False,
            whole_table=True,
        ),
    ]


def _warn_on_rows(name: str, condition: str, description: str) -> Rule:
    """A warning that counts the rows meeting `condition` (an SQL predicate over `t`)."""
    return Rule(name=name, metric=_count_where(condition), description=description, severity=WARN)


def raw_rules(table: Table) -> tuple[Rule, ...]:
    """Every rule of one raw table, derived from its contract entry."""
    rules: list[Rule] = [_columns_present(table)]
    rules.append(
        Rule(
            name="unique_key_per_file",
            metric=(
                "count(*) - count(distinct ("
                + ", ".join(f"t.{quote(k)}" for k in (*table.key, "_source_file"))
                + "))"
            ),
            description=f"({', '.join(table.key)}) appears once per extract file",
            severity=WARN,
        )
    )
    for col in table.columns:
        vocab: tuple[str, ...] | None = None
        if (table.system, table.name, col.name) in STAGE_COLUMNS:
            vocab = known_stages()
        elif (table.system, table.name, col.name) in STATUS_VOCABULARIES:
            vocab = STATUS_VOCABULARIES[(table.system, table.name, col.name)]
        if vocab:
            ref = f"t.{quote(col.name)}"
            rules.append(
                _warn_on_rows(
                    f"vocabulary({col.name})",
                    f"{ref} is not null and {ref} not in ({sql_list(vocab)})",
                    f"{col.name} in {{{', '.join(vocab)}}}",
                )
            )
    rules += [
        _warn_on_rows(f"non_negative({c.name})", f"t.{quote(c.name)} < 0", f"{c.name} >= 0")
        for c in table.columns
        if _is_money_or_count(table, c)
    ]
    rules += [
        _warn_on_rows(
            f"not_future({c.name})",
            f"{_as_timestamp(c)} > t._loaded_at + interval {FUTURE_TOLERANCE_DAYS} day",
            f"{c.name} is at most {FUTURE_TOLERANCE_DAYS} day after the row's load",
        )
        for c in table.columns
        if _is_past_event(table, c)
    ]
    rules.extend(_load_log_rules(table))
    return tuple(rules)


def raw_suite(table: Table) -> Suite:
    return Suite(
        name=table.qualified_name,
        relation=table.qualified_name,
        asset_key=(table.raw_schema, table.name),
        rules=raw_rules(table),
        window_column="_landed_date",
    )


def raw_suites() -> list[Suite]:
    return [raw_suite(t) for t in all_tables()]


def suites_snapshot() -> dict[str, list[dict[str, object]]]:
    """Every suite and rule as plain data: gx/suites.json, reviewed like the models."""
    return {
        s.name: [
            {
                "rule": r.name,
                "severity": r.severity,
                "min": r.min_value,
                "max": r.max_value,
                "scope": s.scope(r),
                "description": r.description,
                "sql": r.metric,
            }
            for r in s.rules
        ]
        for s in raw_suites()
    }
