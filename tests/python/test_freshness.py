"""The daily job's line about `dbt source freshness`: counts per status, stale tables named, an
empty table absent rather than stale; from a sources.json written by hand in dbt's shape."""

from __future__ import annotations

import json
from pathlib import Path

from revops.freshness import summarize

T = "2026-10-31T06:00:00+00:00"


def _sources_json(tmp_path: Path, results: list[dict]) -> Path:
    path = tmp_path / "sources.json"
    path.write_text(json.dumps({"metadata": {}, "results": results, "elapsed_time": 0.1}))
    return path


def test_all_fresh_is_one_line_of_counts(tmp_path):
    path = _sources_json(
        tmp_path,
        [
            {"unique_id": "source.revops.crm.opportunity", "status": "pass", "max_loaded_at": T},
            {"unique_id": "source.revops.billing.invoices", "status": "pass", "max_loaded_at": T},
            # an empty table: dbt says year 1 and 'error'; absent, not stale
            {
                "unique_id": "source.revops.reference.fx_rates",
                "status": "error",
                "max_loaded_at": "0001-01-01T00:00:00+00:00",
            },
        ],
    )
    assert summarize(path) == ("dbt source freshness: 1 absent, 2 pass", True)


def test_stale_tables_are_named_with_their_status(tmp_path):
    path = _sources_json(
        tmp_path,
        [
            {"unique_id": "source.revops.crm.opportunity", "status": "pass", "max_loaded_at": T},
            {"unique_id": "source.revops.plan.quotas", "status": "warn", "max_loaded_at": T},
            {"unique_id": "source.revops.billing.invoices", "status": "error", "max_loaded_at": T},
        ],
    )
    assert summarize(path) == (
        "dbt source freshness: 1 error, 1 pass, 1 warn; "
        "not fresh: billing.invoices (error), plan.quotas (warn)",
        False,
    )


def test_missing_results_say_so(tmp_path):
    line, fresh = summarize(tmp_path / "sources.json")
    assert line.startswith("dbt source freshness: no results") and not fresh


def test_a_failed_freshness_query_is_not_fresh_nor_absent(tmp_path):
    """dbt's result for a query that failed (e.g. _loaded_at missing) carries no load time."""
    path = _sources_json(
        tmp_path,
        [
            {"unique_id": "source.revops.crm.opportunity", "status": "pass", "max_loaded_at": T},
            {"unique_id": "source.revops.billing.invoices", "status": "runtime error"},
        ],
    )
    assert summarize(path) == (
        "dbt source freshness: 1 pass, 1 runtime error; "
        "not fresh: billing.invoices (runtime error)",
        False,
    )
