"""Ingestion of landing files into the raw DuckDB schemas, validated against the contract."""

from revops.ingest.load import ensure_meta_tables, load_landing
from revops.ingest.report import FileResult, LoadReport, TableResult

__all__ = ["FileResult", "LoadReport", "TableResult", "ensure_meta_tables", "load_landing"]
