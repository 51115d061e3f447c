"""Data checks: suites of rules measured inside DuckDB and judged by Great Expectations.

Nothing here imports great_expectations at module level; `revops.checks.gx_run` does so inside
its functions, so loading the Dagster definitions stays fast and GX-free.
"""
