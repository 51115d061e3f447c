"""The published warehouse: the marts copied to a DuckDB-1.5-readable file and Parquet."""

from collections.abc import Iterator, Sequence

import dagster as dg

from revops import build_state
from revops.assets import ownership

GROUP = "publish"
MARTS_SCHEMA = build_state.MARTS_SCHEMA


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
        output_required=False,  # nothing rebuilt since the last publication: nothing new
        kinds={"duckdb", "parquet"},
        owners=ownership.owners(GROUP, MARTS_SCHEMA),
        tags=ownership.tags(GROUP, MARTS_SCHEMA),
        # not partitioned: a publication copies the whole of schema marts, not a day of it
        description=(
            "Every table of schema marts, copied into warehouse/published/revops.duckdb "
            "(DuckDB 1.5 storage) and exported to Parquet, both swapped in atomically; only "
            "the marts rebuilt since the last publication are exported again. Skipped when a "
            "blocking check upstream failed or nothing was rebuilt."
        ),
    )
    def published_warehouse(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
        from revops.publish import publish

        result = publish()
        if not result.published:
            context.log.info("no mart rebuilt since the last publication: nothing published")
            return
        context.log.info(
            f"published {len(result.tables)} tables to {result.database} "
            f"(Parquet written anew: {len(result.exported)}, linked unchanged: "
            f"{len(result.tables) - len(result.exported)})"
        )
        yield dg.MaterializeResult(
            metadata={
                "database": dg.MetadataValue.path(str(result.database)),
                "parquet_dir": dg.MetadataValue.path(str(result.parquet_dir)),
                "storage_version": result.storage_version,
                "tables": len(result.tables),
                "rows": sum(result.tables.values()),
                "row_counts": dg.MetadataValue.json(result.tables),
                "parquet_exported": dg.MetadataValue.json(result.exported),
            }
        )

    return published_warehouse


publish_assets: list[dg.AssetsDefinition] = [build_publish_asset(mart_asset_keys())]
