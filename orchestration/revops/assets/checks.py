"""Great Expectations suites as Dagster asset checks, two per guarded asset.

  gx_blocking  severity ERROR, blocking=True: a failure stops every asset downstream
               (the dbt models after the raw tables).
  gx_warnings  severity WARN, not blocking: recorded in the asset's check history.

In a partitioned run the raw suites validate only the rows landed in the run's window
(`_landed_date` between its first and last day), except the rules that are whole-table by nature
(see revops.checks.suites). The marts have no GX suite: their invariants are dbt tests.

great_expectations is imported only when a check runs (revops.checks.gx_run), never when the
definitions load.
"""

from collections.abc import Iterator, Sequence
from pathlib import Path

import dagster as dg

from revops.checks.rules import ERROR, WARN, Severity, Suite
from revops.checks.suites import raw_suites
from revops.partitions import window_of
from revops.window import Window

BLOCKING_CHECK = "gx_blocking"
WARNING_CHECK = "gx_warnings"
CHECK_SEVERITY: dict[str, tuple[Severity, dg.AssetCheckSeverity]] = {
    BLOCKING_CHECK: (ERROR, dg.AssetCheckSeverity.ERROR),
    WARNING_CHECK: (WARN, dg.AssetCheckSeverity.WARN),
}


def check_specs(suites: Sequence[Suite]) -> list[dg.AssetCheckSpec]:
    specs = []
    for suite in suites:
        key = dg.AssetKey(list(suite.asset_key))
        if suite.of_severity(ERROR):
            specs.append(
                dg.AssetCheckSpec(
                    BLOCKING_CHECK,
                    asset=key,
                    blocking=True,
                    description=f"GX suite {suite.name}: blocking rules (stop downstream)",
                )
            )
        if suite.of_severity(WARN):
            specs.append(
                dg.AssetCheckSpec(
                    WARNING_CHECK,
                    asset=key,
                    description=f"GX suite {suite.name}: warnings (recorded only)",
                )
            )
    return specs


def check_results(
    suites: Sequence[Suite],
    selected: set[dg.AssetCheckKey],
    db_path: Path,
    docs_dir: Path,
    run_name: str,
    window: Window | None = None,
) -> Iterator[dg.AssetCheckResult]:
    """Measure the selected suites in DuckDB (read-only), validate them, yield one result per
    selected check. `window` scopes the suites that have a window column (raw tables)."""
    from revops.stages import check_raw

    wanted = [
        s for s in suites if any(k.asset_key == dg.AssetKey(list(s.asset_key)) for k in selected)
    ]
    outcomes = check_raw(window, wanted, docs_dir, run_name, db_path)
    for outcome in outcomes:
        asset_key = dg.AssetKey(list(outcome.suite.asset_key))
        for check_name, (severity, dg_severity) in CHECK_SEVERITY.items():
            if dg.AssetCheckKey(asset_key, check_name) not in selected:
                continue
            rules = outcome.of_severity(severity)
            failed = [o for o in rules if not o.success]
            lines = [
                f"- `{o.rule.name}`: {o.rule.description}; observed {o.observed}"
                + (f"; error: {o.error}" if o.error else "")
                for o in failed
            ]
            yield dg.AssetCheckResult(
                asset_key=asset_key,
                check_name=check_name,
                passed=not failed,
                severity=dg_severity,
                metadata={
                    "expectations_evaluated": len(rules),
                    "expectations_failed": len(failed),
                    "expectations_errored": sum(1 for o in failed if o.error),
                    "unexpected_count": sum(o.unexpected for o in failed),
                    "failed_rules": dg.MetadataValue.md("\n".join(lines) or "none"),
                    "gx_data_docs": dg.MetadataValue.path(str(outcome.docs_path or docs_dir)),
                    "scope": scope_label(outcome.suite, window),
                },
            )


def scope_label(suite: Suite, window: Window | None) -> str:
    """What the suite validated: the rows landed in the window, or the whole table."""
    if window is None or suite.window_column is None:
        return "whole table"
    return (
        f"rows with {suite.window_column} in {window[0]} .. {window[1]} "
        "(whole-table rules: whole table)"
    )


def build_gx_check(
    name: str, suites: Sequence[Suite], docs_subdir: str
) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        specs=check_specs(suites),
        name=name,
        can_subset=True,
        description=f"Great Expectations suites ({docs_subdir}), measured inside DuckDB",
    )
    def _gx_checks(context: dg.AssetCheckExecutionContext) -> Iterator[dg.AssetCheckResult]:
        from revops.config import gx_docs_dir, warehouse_path

        docs_dir = gx_docs_dir() / context.op_execution_context.run_id / docs_subdir
        window = window_of(context)
        context.log.info(f"GX Data Docs: {docs_dir / 'index.html'}")
        if window:
            context.log.info(f"raw suites scoped to rows landed {window[0]} .. {window[1]}")
        yield from check_results(
            suites,
            set(context.selected_asset_check_keys),
            warehouse_path(),
            docs_dir,
            run_name=context.op_execution_context.run_id,
            window=window,
        )

    return _gx_checks


def build_gx_asset_checks() -> list[dg.AssetChecksDefinition]:
    """The raw tables' suites; the marts are guarded by their dbt tests (one home each)."""
    return [build_gx_check("gx_raw_checks", raw_suites(), "raw")]


gx_asset_checks: list[dg.AssetChecksDefinition] = build_gx_asset_checks()
