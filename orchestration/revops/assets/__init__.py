"""Dagster assets: ingestion (one multi-asset per source system) and the dbt project."""
