"""The suites: raw tables generated from the landing contract, marts from a short registry.

Raw rules (one suite per raw table, asset raw_<system>/<table>), and their scope in a run with
a window ("window": only the rows with _landed_date in the window; "table": the whole table):
  error  columns_present      table   every contract and lineage column exists
  error  not_null(<col>)      window  keys and required columns are never null
  error  allowed(<col>)       window  closed vocabularies of the contract (currencies, teams)
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
Uniqueness of a key across extracts is not a raw rule: a key legitimately repeats (updated
versions); staging keeps the latest version and dbt tests its uniqueness on the whole model.

Mart rules: MART_RULES maps a mart model to its rules, written with the helpers below. To
guard another mart, add an entry; rules for a mart that is not in the dbt project are ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from revops.checks.rules import ERROR, WARN, Rule, Severity, Suite
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


def raw_rules(table: Table) -> tuple[Rule, ...]:
    """Every rule of one raw table, derived from its contract entry."""
    rules: list[Rule] = [_columns_present(table)]
    for col in table.columns:
        if col.required or col.name in table.key:
            rules.append(
                Rule(
                    name=f"not_null({col.name})",
                    metric=_count_where(f"t.{quote(col.name)} is null"),
                    description=f"{col.name} is never null (key or required)",
                )
            )
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
        severity: Severity = ERROR
        if col.allowed:
            vocab, name = col.allowed, f"allowed({col.name})"
        elif (table.system, table.name, col.name) in STAGE_COLUMNS:
            vocab, name, severity = known_stages(), f"vocabulary({col.name})", WARN
        elif (table.system, table.name, col.name) in STATUS_VOCABULARIES:
            vocab = STATUS_VOCABULARIES[(table.system, table.name, col.name)]
            name, severity = f"vocabulary({col.name})", WARN
        if vocab:
            ref = f"t.{quote(col.name)}"
            rules.append(
                Rule(
                    name=name,
                    metric=_count_where(f"{ref} is not null and {ref} not in ({sql_list(vocab)})"),
                    description=f"{col.name} in {{{', '.join(vocab)}}}",
                    severity=severity,
                )
            )
    for col in table.columns:
        if col.currency:
            ref = f"t.{quote(col.name)}"
            letters = "[a-z]{3}" if col.currency == "lower" else "[A-Z]{3}"
            rules.append(
                Rule(
                    name=f"currency_code({col.name})",
                    metric=_count_where(
                        f"{ref} is not null and not regexp_full_match({ref}, '{letters}')"
                    ),
                    description=f"{col.name} is an ISO 4217 code, {col.currency}-case",
                )
            )
    for col in table.columns:
        if _is_money_or_count(table, col):
            rules.append(
                Rule(
                    name=f"non_negative({col.name})",
                    metric=_count_where(f"t.{quote(col.name)} < 0"),
                    description=f"{col.name} >= 0",
                    severity=WARN,
                )
            )
    for col in table.columns:
        if _is_past_event(table, col):
            rules.append(
                Rule(
                    name=f"not_future({col.name})",
                    metric=_count_where(
                        f"{_as_timestamp(col)} > t._loaded_at "
                        f"+ interval {FUTURE_TOLERANCE_DAYS} day"
                    ),
                    description=(
                        f"{col.name} is at most {FUTURE_TOLERANCE_DAYS} day after the row's load"
                    ),
                    severity=WARN,
                )
            )
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


# --- marts -------------------------------------------------------------------------------------


def between(column: str, low: float, high: float | None, severity: Severity = ERROR) -> Rule:
    """Non-null values of `column` lie in [low, high] (high None: no upper bound)."""
    ref = f"t.{quote(column)}"
    outside = f"{ref} < {low}" + (f" or {ref} > {high}" if high is not None else "")
    bounds = f"[{low}, {high}]" if high is not None else f">= {low}"
    return Rule(
        name=f"between({column})",
        metric=_count_where(outside),
        description=f"{column} {bounds}",
        severity=severity,
    )


def rate(column: str) -> Rule:
    return between(column, 0, 1)


def equal(name: str, left: str, right: str, description: str, tolerance: float = 0.005) -> Rule:
    """Rows where two SQL expressions differ by more than `tolerance` (nulls count as 0)."""
    return Rule(
        name=name,
        metric=_count_where(f"abs(coalesce({left}, 0) - coalesce({right}, 0)) > {tolerance}"),
        description=description,
    )


MRR_BRIDGE = (
    "t.starting_mrr + t.new_mrr + t.reactivation_mrr + t.expansion_mrr"
    " - t.contraction_mrr - t.churn_mrr"
)
MOVEMENTS = ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churn_mrr")

MART_RULES: dict[str, Callable[[], tuple[Rule, ...]]] = {
    "fct_mrr_movements": lambda: (
        equal("mrr_bridge", MRR_BRIDGE, "t.ending_mrr", "start + movements = end, per row"),
        equal(
            "mrr_change", "t.ending_mrr - t.starting_mrr", "t.mrr_change", "change = end - start"
        ),
        *(between(m, 0, None) for m in MOVEMENTS),
    ),
    "mart_revenue_monthly": lambda: (
        equal("mrr_bridge", MRR_BRIDGE, "t.mrr", "start + movements = end MRR, per month"),
        equal("arr_is_12_mrr", "12 * t.mrr", "t.arr", "ARR = 12 x MRR", tolerance=0.01),
        equal(
            "mrr_reconciles_with_fct_mrr_movements",
            "t.mrr",
            "(select sum(f.ending_mrr) from marts.fct_mrr_movements as f"
            " where f.month_start_date = t.month_start_date"
            " and (t.segment = 'All' or f.segment = t.segment))",
            "MRR per month and segment = sum of fct_mrr_movements.ending_mrr",
            tolerance=0.01,
        ),
        rate("logo_churn_rate"),
        rate("gross_mrr_churn_rate"),
        rate("grr"),
        between("nrr", 0, None),
    ),
    "mart_retention_cohorts": lambda: (
        rate("logo_retention"),
        between("mrr_retention", 0, None),
        Rule(
            name="active_within_cohort",
            metric=_count_where("t.customers_active > t.cohort_customers"),
            description="customers_active <= cohort_customers",
        ),
    ),
    "mart_billing_monthly": lambda: (
        equal("net_collected", "t.collected - t.refunded", "t.net_collected", "net = in - out"),
        between("invoiced", 0, None, severity=WARN),
    ),
    "dq_identity_match": lambda: (rate("customer_share"), rate("mrr_share")),
    "mart_funnel_cohort_monthly": lambda: tuple(
        rate(c)
        for c in (
            "lead_to_mql_rate",
            "mql_to_sql_rate",
            "sql_to_opportunity_rate",
            "opportunity_to_customer_rate",
            "lead_to_customer_rate",
        )
    ),
    "mart_pipeline_daily": lambda: (
        rate("stage_win_rate"),
        between("open_amount", 0, None, severity=WARN),
    ),
    "mart_sales_rep_monthly": lambda: (
        rate("win_rate_count"),
        rate("win_rate_amount"),
        rate("selling_time_share"),
    ),
    "mart_sales_team_monthly": lambda: (rate("share_reps_attainment_met"),),
    "mart_product_monthly": lambda: (
        rate("win_rate_count"),
        rate("share_won_above_list"),
        between("price_realisation", 0, None),
    ),
    "mart_billing_product_monthly": lambda: (
        equal(
            "mrr_is_list_less_discounts",
            "t.list_mrr - t.discount_mrr",
            "t.mrr",
            "MRR = list - discounts",
            tolerance=0.01,
        ),
        rate("mrr_realisation"),
    ),
}


def mart_suite(model: str, schema: str = "marts") -> Suite:
    return Suite(
        name=f"{schema}.{model}",
        relation=f"{schema}.{model}",
        asset_key=(schema, model),
        rules=MART_RULES[model](),
    )


def mart_suites(models: set[str] | None = None) -> list[Suite]:
    """Suites of the registered marts, limited to `models` (the marts the dbt project has)."""
    return [mart_suite(m) for m in MART_RULES if models is None or m in models]


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
        for s in [*raw_suites(), *mart_suites()]
    }
