"""The published warehouse: the marts copied to a DuckDB-1.5-readable file and Parquet."""

from collections.abc import Sequence

import dagster as dg

GROUP = "publish"
MARTS_SCHEMA = "marts"


def mart_asset_keys() -> list[dg.AssetKey]:
    """Every dbt asset of schema `marts` (from the manifest the dbt assets are built from)."""
    from revops.assets.dbt import revops_dbt_assets

    return sorted(
        (k for k in revops_dbt_assets.keys if k.path[0] == MARTS_SCHEMA),
        key=lambda k: k.to_user_string(),
    )


def build_publish_asset(mart_keys: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key="published_warehouse",
        group_name=GROUP,
        deps=list(mart_keys),
        kinds={"duckdb", "parquet"},
        description=(
            "Every table of schema marts, copied into warehouse/published/revops.duckdb "
            "(DuckDB 1.5 storage) and exported to Parquet, both swapped in atomically. "
            "Skipped when a blocking check upstream failed."
        ),
    )
    def published_warehouse(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from revops.publish import publish

        result = publish()
        context.log.info(f"published {len(result.tables)} tables to {result.database}")
        return dg.MaterializeResult(
            metadata={
                "database": dg.MetadataValue.path(str(result.database)),
                "parquet_dir": dg.MetadataValue.path(str(result.parquet_dir)),
                "storage_version": result.storage_version,
                "tables": len(result.tables),
                "rows": sum(result.tables.values()),
                "row_counts": dg.MetadataValue.json(result.tables),
            }
        )

    return published_warehouse


publish_assets: list[dg.AssetsDefinition] = [build_publish_asset(mart_asset_keys())]
