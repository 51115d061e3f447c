"""The numbers of the weekly revenue page, read from the published warehouse (read-only).

Every number comes from a published mart as the mart states it; the page only selects the
rows of the as-of week, its quarter and the trailing weeks and months. The one aggregate
computed here is the company's sales cycle per month (mean and median of fct_opportunities.
cycle_days over the deals closed-won in the month, as mart_sales_rep_monthly does per rep),
because no mart publishes it at company level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]

WEEKS = 13  # the trailing weeks of the weekly charts, the as-of week included
MONTHS = 12  # the trailing months of the trend charts, the as-of month included


@dataclass(frozen=True)
class CheckStatus:
    """The latest result of every asset check (dbt tests and Great Expectations suites), as
    the Dagster instance recorded it: how many have a result, and the names of those whose
    latest result failed, error severity apart from warnings."""

    evaluated: int
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors) + len(self.warnings)


@dataclass
class PageData:
    as_of_date: date
    week_start: date
    week_end: date
    weeks: list[Row]  # the trailing WEEKS weeks, oldest first
    bridge: Row | None  # the MRR bridge of the as-of month (segment 'All')
    trends: list[Row]  # the trailing MONTHS months: win rates and sales cycle
    quarter: list[Row]  # the months of the as-of fiscal quarter: forecast and plan
    quarter_label: str
    leaderboard: list[Row]  # the as-of week's quota-carrying peers, by bookings rank
    accounts: list[Row]  # the as-of week's won (green) and lost or churned (red) accounts
    freshness: list[Row]  # dq_source_freshness, every landing table
    published_at: float  # mtime of the published file (seconds since the epoch)

    @property
    def week(self) -> Row:
        """The as-of week's scorecard row (every value None when the scorecard has none)."""
        if self.weeks and self.weeks[-1]["week_start_date"] == self.week_start:
            return self.weeks[-1]
        return {key: None for key in WEEK_COLUMNS}

    @property
    def is_complete_week(self) -> bool:
        return self.week_end <= self.as_of_date


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


WEEKS_SQL = """
select
    s.week_start_date,
    s.week_end_date,
    s.is_complete_week,
    s.bookings,
    s.plan_bookings,
    s.bookings_attainment,
    s.pipeline_created,
    p.plan_pipeline_created,
    s.demo_requests,
    p.plan_demo_requests,
    s.sqls,
    p.plan_sqls,
    s.win_rate,
    s.opportunities_won,
    s.opportunities_lost,
    s.accounts_won,
    s.accounts_lost
from marts.mart_revenue_scorecard_weekly as s
left join marts.mart_plan_vs_actual_weekly as p on s.week_start_date = p.week_start_date
where s.week_start_date between ? and ?
order by s.week_start_date
"""

BRIDGE_SQL = """
select
    month_start_date, month_end_date, starting_mrr, new_mrr, reactivation_mrr, expansion_mrr,
    contraction_mrr, churn_mrr, mrr
from marts.mart_revenue_monthly
where segment = 'All' and month_start_date = ?
"""

TRENDS_SQL = """
with months as (
    select month_start_date, win_rate, win_rate_amount, won_count, lost_count
    from marts.mart_sales_rollup_monthly
    where rollup_level = 'company' and month_start_date between ? and ?
),
cycle as (
    select
        close_month_start_date as month_start_date,
        avg(cycle_days) as won_cycle_days_mean,
        median(cycle_days) as won_cycle_days_median
    from marts.fct_opportunities
    where is_won and close_date <= ?
    group by close_month_start_date
)
select months.*, cycle.won_cycle_days_mean, cycle.won_cycle_days_median
from months
left join cycle on months.month_start_date = cycle.month_start_date
order by months.month_start_date
"""

QUARTER_SQL = """
with forecast as (
    select
        month_start_date,
        sum(closed_won_amount) as closed_won_amount,
        sum(weighted_pipeline_amount) as weighted_pipeline_amount,
        sum(forecast_amount) as forecast_amount,
        sum(commit_forecast_amount) as commit_forecast_amount,
        sum(best_case_forecast_amount) as best_case_forecast_amount
    from marts.mart_forecast_monthly
    where fiscal_year = ? and fiscal_quarter = ?
    group by month_start_date
)
select
    plan.month_start_date,
    plan.plan_bookings,
    coalesce(forecast.closed_won_amount, 0) as closed_won_amount,
    coalesce(forecast.weighted_pipeline_amount, 0) as weighted_pipeline_amount,
    coalesce(forecast.forecast_amount, 0) as forecast_amount,
    coalesce(forecast.commit_forecast_amount, 0) as commit_forecast_amount,
    coalesce(forecast.best_case_forecast_amount, 0) as best_case_forecast_amount
from marts.mart_plan_vs_actual_monthly as plan
left join forecast on plan.month_start_date = forecast.month_start_date
where plan.fiscal_year = ? and plan.fiscal_quarter = ?
order by plan.month_start_date
"""

LEADERBOARD_SQL = """
select
    rep_id, rep_label, team, region,
    bookings_amount, bookings_amount_last_week, bookings_amount_change_vs_last_week,
    bookings_amount_rank, pipeline_created_amount, pipeline_created_amount_change_vs_last_week,
    win_rate, won_count, lost_count, sales_activities, sales_activities_change_vs_last_week,
    peer_reps
from marts.mart_sales_rep_weekly
where week_start_date = ? and is_peer
order by bookings_amount_rank nulls last, pipeline_created_amount desc, rep_label
"""

ACCOUNTS_SQL = """
select
    colour, event_type, event_date, record_id, account_name, customer_id, opportunity_type,
    deal_amount, churn_mrr
from marts.mart_scorecard_accounts_weekly
where week_start_date = ?
order by colour = 'red', coalesce(deal_amount, churn_mrr) desc nulls last, record_id
"""

FRESHNESS_SQL = """
select system, source_table, freshness_status, days_since_landed, last_landed_date,
    warn_after_days, error_after_days, as_of_date
from marts.dq_source_freshness
order by system, source_table
"""


WEEK_COLUMNS = (  # the columns of WEEKS_SQL
    "week_start_date", "week_end_date", "is_complete_week", "bookings", "plan_bookings",
    "bookings_attainment", "pipeline_created", "plan_pipeline_created", "demo_requests",
    "plan_demo_requests", "sqls", "plan_sqls", "win_rate", "opportunities_won",
    "opportunities_lost", "accounts_won", "accounts_lost",
)  # fmt: skip


def _fiscal_quarter(con: duckdb.DuckDBPyConnection, day: date) -> tuple[int, int, str] | None:
    row = con.execute(
        "select fiscal_year, fiscal_quarter, fiscal_period_label from marts.dim_date "
        "where date_day = ?",
        [day],
    ).fetchone()
    return (int(row[0]), int(row[1]), str(row[2])) if row else None


def _as_of(con: duckdb.DuckDBPyConnection, freshness: list[Row]) -> tuple[date, date, date]:
    """(as_of_date, Monday and Sunday of its week): the scorecard's last week is the week of
    as_of_date; dq_source_freshness states as_of_date itself."""
    last_week = con.execute(
        "select max(week_start_date), max(week_end_date) from marts.mart_revenue_scorecard_weekly"
    ).fetchone()
    stated = max((r["as_of_date"] for r in freshness if r["as_of_date"]), default=None)
    as_of_date = stated or last_week[1]
    if as_of_date is None:
        raise ValueError("the published marts state no as_of_date and hold no scorecard week")
    week_start = as_of_date - timedelta(days=as_of_date.weekday())
    return as_of_date, week_start, week_start + timedelta(days=6)


def read_page_data(database: Path) -> PageData:
    """Everything the page shows, from the published file `database` (opened read-only)."""
    with duckdb.connect(str(database), read_only=True) as con:
        freshness = _rows(con, FRESHNESS_SQL)
        as_of_date, week_start, week_end = _as_of(con, freshness)
        first_week = week_start - timedelta(weeks=WEEKS - 1)
        month = as_of_date.replace(day=1)
        first_month = _months_back(month, MONTHS - 1)
        fiscal = _fiscal_quarter(con, as_of_date)
        quarter = (
            _rows(con, QUARTER_SQL, [fiscal[0], fiscal[1], fiscal[0], fiscal[1]]) if fiscal else []
        )
        bridge = _rows(con, BRIDGE_SQL, [month])
        return PageData(
            as_of_date=as_of_date,
            week_start=week_start,
            week_end=week_end,
            weeks=_rows(con, WEEKS_SQL, [first_week, week_start]),
            bridge=bridge[0] if bridge else None,
            trends=_rows(con, TRENDS_SQL, [first_month, month, as_of_date]),
            quarter=quarter,
            quarter_label=fiscal[2] if fiscal else "the quarter",
            leaderboard=_rows(con, LEADERBOARD_SQL, [week_start]),
            accounts=_rows(con, ACCOUNTS_SQL, [week_start]),
            freshness=freshness,
            published_at=database.stat().st_mtime,
        )


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)
