"""Judge measured metrics with Great Expectations and build its Data Docs.

Why not GX's SQL datasource: GX 1.x against DuckDB through SQLAlchemy errors on every
expectation (GX issue 11579: results are fetched after the connection is closed, and DuckDB
does not buffer them), and duckdb-engine, the SQLAlchemy dialect, is not a dependency here.
Instead every rule is measured inside DuckDB (revops.checks.metrics, one aggregate query per
table) and GX validates the resulting one-row frame, one GX suite per table, with
expect_column_max_to_be_between on each metric. The data never leaves DuckDB; GX keeps the
suites, the results and Data Docs.

An expectation that raised (exception_info) is a failure, never a pass.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revops.checks.metrics import Measurement
from revops.checks.rules import Rule, Severity, Suite

DOCS_SITE = "revops"


@dataclass
class RuleOutcome:
    rule: Rule
    success: bool
    observed: float | None = None
    error: str | None = None

    @property
    def unexpected(self) -> int:
        """Offending rows for a failed row-count rule, else 0 (1 for a failed other rule)."""
        if self.success:
            return 0
        if self.rule.counts_rows and self.observed is not None:
            return int(self.observed)
        return 1


@dataclass
class SuiteOutcome:
    suite: Suite
    outcomes: list[RuleOutcome] = field(default_factory=list)
    docs_path: Path | None = None

    def of_severity(self, severity: Severity) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.rule.severity == severity]

    def passed(self, severity: Severity) -> bool:
        return all(o.success for o in self.of_severity(severity))


def metric_column(suite: Suite, rule: Rule) -> str:
    return f"{suite.name} :: {rule.name}"


def raised(exception_info: Any) -> str | None:
    """The exception message if GX reports a raised exception, in either of its shapes."""
    if not isinstance(exception_info, dict):
        return None
    if "raised_exception" in exception_info:
        if exception_info.get("raised_exception"):
            return str(exception_info.get("exception_message") or "expectation raised")
        return None
    for value in exception_info.values():
        message = raised(value)
        if message:
            return message
    return None


def judge(result: Any, rule: Rule) -> RuleOutcome:
    """One ExpectationValidationResult as a RuleOutcome; an error is a failure."""
    error = raised(result.exception_info)
    observed = (result.result or {}).get("observed_value")
    observed = float(observed) if observed is not None else None
    return RuleOutcome(
        rule=rule, success=bool(result.success) and error is None, observed=observed, error=error
    )


def _docs_site_config(docs_dir: Path) -> dict[str, Any]:
    return {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def validate(
    measurements: list[Measurement], docs_dir: Path | None = None, run_name: str = "revops"
) -> list[SuiteOutcome]:
    """Validate the measurements, one GX suite per table, and build Data Docs in docs_dir."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage statistics sent
    import great_expectations as gx
    import pandas as pd
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("duckdb_metrics")
        .add_dataframe_asset("metrics")
        .add_batch_definition_whole_dataframe("one_row")
    )
    frame: dict[str, list[float]] = {}
    definitions = []
    for m in measurements:
        expectations = []
        for rule in m.suite.rules:
            column = metric_column(m.suite, rule)
            if rule.name in m.values:  # a rule whose SQL failed has no column: GX raises
                frame[column] = [m.values[rule.name]]
            expectations.append(
                gx.expectations.ExpectColumnMaxToBeBetween(
                    column=column,
                    min_value=rule.min_value,
                    max_value=rule.max_value,
                    meta={"rule": rule.name, "severity": rule.severity, "notes": rule.description},
                )
            )
        suite = context.suites.add(
            gx.ExpectationSuite(name=m.suite.name, expectations=expectations)
        )
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=m.suite.name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name="revops_checks", validation_definitions=definitions, actions=[])
    )
    result = checkpoint.run(
        batch_parameters={"dataframe": pd.DataFrame(frame or {"_": [0]})},
        run_id=RunIdentifier(run_name=run_name),
    )
    if docs_dir is not None:
        # One Data Docs build for the whole run. GX's UpdateDataDocsAction rebuilds the site
        # (index included) once per suite, which cost ~10 s for 39 suites, whatever the data.
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name=DOCS_SITE, site_config=_docs_site_config(docs_dir))
        context.build_data_docs(
            site_names=[DOCS_SITE],
            resource_identifiers=[
                *result.run_results,
                *(ExpectationSuiteIdentifier(name=m.suite.name) for m in measurements),
            ],
        )
    by_suite = {r.suite_name: r for r in result.run_results.values()}
    docs_index = docs_dir / "index.html" if docs_dir is not None else None
    return [_outcome(m, by_suite.get(m.suite.name), docs_index) for m in measurements]


def _outcome(m: Measurement, result: Any, docs_index: Path | None) -> SuiteOutcome:
    out = SuiteOutcome(suite=m.suite, docs_path=docs_index)
    by_rule = {}
    if result is not None:
        by_rule = {r.expectation_config.meta.get("rule"): r for r in result.results}
    for rule in m.suite.rules:
        gx_result = by_rule.get(rule.name)
        if gx_result is None:  # no verdict from GX is a failure, never a pass
            outcome = RuleOutcome(rule, success=False, error="no result from Great Expectations")
        else:
            outcome = judge(gx_result, rule)
        if rule.name in m.errors:
            outcome.success = False
            outcome.error = m.errors[rule.name]
        out.outcomes.append(outcome)
    return out
