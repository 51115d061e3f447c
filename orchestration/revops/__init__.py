"""RevOps warehouse: ingestion, dbt models and checks orchestrated by Dagster."""
