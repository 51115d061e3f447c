"""Ask the semantic layer (MetricFlow) for metrics from a DuckDB warehouse file, read-only.

The semantic models and metrics live in models/semantic/ and reach MetricFlow as dbt's
`semantic_manifest.json` (written by `dbt parse`). `mf query` does the same through a dbt
profile; this module is the in-process path, without dbt's start-up: MetricFlow plans and
renders the SQL, DuckDB runs it on the file attached READ_ONLY under the database name the
manifest's relations carry (the warehouse file's stem when dbt parsed), so a reader never
takes the writer's lock.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from metricflow.data_table.mf_table import MetricFlowDataTable
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow.protocols.sql_client import SqlEngine
from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
from metricflow.sql.render.sql_plan_renderer import SqlPlanRenderer
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup
from metricflow_semantics.sql.sql_bind_parameters import SqlBindParameterSet

from revops.sql import ident, lit

NO_PARAMETERS = SqlBindParameterSet()


@dataclass(frozen=True)
class MetricRows:
    columns: list[str]
    rows: list[tuple]

    def as_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class DuckDbReadOnlyClient:
    """MetricFlow's SqlClient protocol over one DuckDB connection (queries only)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._renderer = DuckDbSqlPlanRenderer()

    @property
    def sql_engine_type(self) -> SqlEngine:
        return SqlEngine.DUCKDB

    @property
    def sql_plan_renderer(self) -> SqlPlanRenderer:
        return self._renderer

    def query(
        self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = NO_PARAMETERS
    ) -> MetricFlowDataTable:
        cursor = self._con.execute(stmt, dict(sql_bind_parameter_set.param_dict) or None)
        columns = [d[0] for d in cursor.description]
        return MetricFlowDataTable.create_from_rows(column_names=columns, rows=cursor.fetchall())

    def execute(
        self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = NO_PARAMETERS
    ) -> None:
        raise PermissionError("the semantic layer reads the warehouse read-only")

    def dry_run(
        self, stmt: str, sql_bind_parameter_set: SqlBindParameterSet = NO_PARAMETERS
    ) -> None:
        self._con.execute(f"explain {stmt}")

    def close(self) -> None:
        self._con.close()

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"${bind_parameter_key}"


def manifest_database(semantic_manifest: Path) -> str:
    """The database name the semantic models' relations are qualified with."""
    doc = json.loads(semantic_manifest.read_text())
    names = {m["node_relation"]["database"] for m in doc["semantic_models"]}
    if len(names) != 1:
        raise ValueError(f"{semantic_manifest}: expected one database, found {sorted(names)}")
    return names.pop()


class SemanticLayer:
    """A MetricFlow engine over a warehouse file; open it once, ask many questions."""

    def __init__(self, database: Path, semantic_manifest: Path) -> None:
        if not database.exists():
            raise FileNotFoundError(f"no warehouse file at {database}")
        if not semantic_manifest.exists():
            raise FileNotFoundError(
                f"no {semantic_manifest}: run `dbt parse` (make manifest) first"
            )
        manifest = parse_manifest_from_dbt_generated_manifest(semantic_manifest.read_text())
        con = duckdb.connect(":memory:")
        alias = ident(manifest_database(semantic_manifest))
        con.execute(f"attach {lit(str(database))} as {alias} (read_only)")
        self._client = DuckDbReadOnlyClient(con)
        self._engine = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(manifest), sql_client=self._client
        )

    def query(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str] = (),
        where: Sequence[str] = (),
        order_by: Sequence[str] = (),
    ) -> MetricRows:
        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by),
            where_constraints=list(where) or None,
            order_by_names=list(order_by) or None,
        )
        table = self._engine.query(request).result_df
        assert table is not None
        return MetricRows(list(table.column_names), [tuple(r) for r in table.rows])

    def explain(self, metrics: Sequence[str], group_by: Sequence[str] = ()) -> str:
        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics), group_by_names=list(group_by)
        )
        return self._engine.explain(request).sql_statement.sql

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SemanticLayer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
