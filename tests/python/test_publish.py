"""Publishing: a new DuckDB-1.5-readable file and Parquet, swapped in under live readers, and
never published when a blocking check upstream failed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from revops.config import PROJECT_DIR
from revops.publish import publish

ROWS = {"dim_x": 3, "fct_y": 5}


def make_warehouse(db: Path, scale: int = 1) -> None:
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute("create schema staging")
    con.execute("create table marts.dim_x (id bigint not null)")
    con.execute(f"insert into marts.dim_x select range from range({3 * scale})")
    con.execute(
        f"create table marts.fct_y as select range as id, range * 1.5 as amount "
        f"from range({5 * scale})"
    )
    con.execute("comment on table marts.fct_y is 'facts y'")
    con.execute("comment on column marts.dim_x.id is 'the x key'")
    con.execute("comment on column marts.fct_y.amount is 'an amount'")
    con.execute("create table staging.not_published as select 1 as a")
    con.close()


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "wh" / "revops.duckdb"
    db.parent.mkdir()
    make_warehouse(db)
    return db


def test_publish_writes_marts_read_only_and_parquet(warehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "published"
    result = publish(warehouse, target)
    assert result.database == target / "revops.duckdb"
    assert result.tables == ROWS
    assert result.storage_version.startswith("v1.5.0")
    con = duckdb.connect(str(result.database), read_only=True)
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables order by 2"
    ).fetchall()
    assert tables == [("marts", "dim_x"), ("marts", "fct_y")]  # staging stays behind
    assert con.execute("select sum(amount) from marts.fct_y").fetchone()[0] == 15.0  # 1.5 * 10
    assert con.execute(
        "select comment from duckdb_tables() where table_name = 'fct_y'"
    ).fetchone() == ("facts y",)
    # the contract's NOT NULL and the column comments come along; a column without them stays
    # nullable and uncommented
    assert con.execute(
        "select table_name, column_name, is_nullable, comment from duckdb_columns() "
        "where schema_name = 'marts' order by 1, 2"
    ).fetchall() == [
        ("dim_x", "id", False, "the x key"),
        ("fct_y", "amount", True, "an amount"),
        ("fct_y", "id", True, None),
    ]
    with pytest.raises(duckdb.Error):
        con.execute("create table marts.z as select 1")
    con.close()
    parquet = target / "parquet"
    assert sorted(p.name for p in parquet.iterdir()) == ["dim_x.parquet", "fct_y.parquet"]
    assert duckdb.sql(f"select count(*) from '{parquet / 'fct_y.parquet'}'").fetchall()[0] == (5,)
    assert not [p for p in target.iterdir() if p.name.startswith(".")]  # no temp files left


def test_reader_keeps_old_file_while_publish_replaces_it(warehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "published"
    publish(warehouse, target)
    reader = duckdb.connect(str(target / "revops.duckdb"), read_only=True)
    parquet_reader = (target / "parquet" / "dim_x.parquet").open("rb")
    old_parquet = parquet_reader.read()

    make_warehouse_bigger = duckdb.connect(str(warehouse))
    make_warehouse_bigger.execute("insert into marts.dim_x select 100 + range from range(4)")
    make_warehouse_bigger.close()
    result = publish(warehouse, target)  # must neither wait for nor disturb the reader

    assert result.tables["dim_x"] == 7
    assert reader.execute("select count(*) from marts.dim_x").fetchone() == (3,)
    reader.close()
    parquet_reader.close()
    fresh = duckdb.connect(str(target / "revops.duckdb"), read_only=True)
    assert fresh.execute("select count(*) from marts.dim_x").fetchone() == (7,)
    fresh.close()
    new_parquet = target / "parquet" / "dim_x.parquet"
    assert duckdb.sql(f"select count(*) from '{new_parquet}'").fetchall()[0] == (7,)
    assert new_parquet.read_bytes() != old_parquet
    publish(warehouse, target)
    versions = [p for p in target.iterdir() if p.name.startswith("parquet-")]
    assert len(versions) == 2  # the current and the previous version only


def duckdb15_python() -> Path | None:
    """A Python with duckdb 1.5 installed: env REVOPS_DUCKDB15_PYTHON or .venv-duckdb15."""
    env = os.environ.get("REVOPS_DUCKDB15_PYTHON")
    candidate = Path(env) if env else PROJECT_DIR / ".venv-duckdb15" / "bin" / "python"
    return candidate if candidate.is_file() else None


READ_WITH_15 = """
import sys, duckdb
assert duckdb.__version__.startswith("1.5"), duckdb.__version__
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from marts.fct_y").fetchone()[0])
"""


@pytest.mark.skipif(duckdb15_python() is None, reason="no DuckDB 1.5 Python (make duckdb15)")
def test_published_file_opens_with_duckdb_15(warehouse: Path, tmp_path: Path) -> None:
    python = str(duckdb15_python())
    result = publish(warehouse, tmp_path / "published")
    out = subprocess.run(
        [python, "-c", READ_WITH_15, str(result.database)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "5"
    # the control: the working file (default DuckDB 2.0 storage) is NOT readable by 1.5
    control = subprocess.run(
        [python, "-c", READ_WITH_15, str(warehouse)], capture_output=True, text=True, timeout=120
    )
    assert control.returncode != 0


def gated_definitions(rate_value: float) -> dg.Definitions:
    from revops.assets.checks import build_gx_check
    from revops.assets.publish import build_publish_asset
    from revops.checks.rules import Rule, Suite

    rate = Rule(
        name="rate_within_0_1",
        metric="count(*) filter (where t.rate not between 0 and 1)",
        description="rate is a share, between 0 and 1",
    )

    key = dg.AssetKey(["marts", "fct_rate"])

    @dg.asset(key=key)
    def fct_rate() -> None:
        from revops.config import warehouse_path

        warehouse_path().parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(warehouse_path()))
        con.execute("create schema if not exists marts")
        con.execute(f"create or replace table marts.fct_rate as select {rate_value} as rate")
        con.close()

    suite = Suite("marts.fct_rate", "marts.fct_rate", ("marts", "fct_rate"), (rate,))
    return dg.Definitions(
        assets=[fct_rate, build_publish_asset([key])],
        asset_checks=[build_gx_check("gx_test_checks", [suite], "marts")],
        jobs=[
            dg.define_asset_job(
                "publish_job",
                selection=dg.AssetSelection.all(),
                executor_def=dg.in_process_executor,
            )
        ],
    )


@pytest.mark.parametrize(("rate_value", "published"), [(0.25, True), (1.25, False)])
def test_blocking_check_failure_skips_publication(
    rate_value: float, published: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVOPS_WAREHOUSE", str(tmp_path / "wh" / "revops.duckdb"))
    monkeypatch.setenv("REVOPS_PUBLISHED", str(tmp_path / "published"))
    monkeypatch.setenv("REVOPS_GX_DOCS", str(tmp_path / "gx_docs"))
    job = gated_definitions(rate_value).resolve_job_def("publish_job")
    with dg.DagsterInstance.ephemeral() as instance:
        # the publication is unpartitioned (it publishes whole marts), as the mart here is
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    (check,) = result.get_asset_check_evaluations()
    assert check.passed is (rate_value <= 1)
    assert "marts/fct_rate" in materialized
    assert ("published_warehouse" in materialized) is published
    assert (tmp_path / "published" / "revops.duckdb").exists() is published
    assert result.success is published


def record(db: Path, marts: list[str], at: str) -> None:
    """A successful build that rebuilt these marts (revops.build_state)."""
    from datetime import datetime

    from revops import build_state

    with duckdb.connect(str(db)) as con:
        plan = build_state.BuildPlan("test", select=["x+"])
        state = build_state.BuildState(None, "", "m")
        build_state.record_build(con, state, datetime.fromisoformat(at), None, plan, marts)


def test_only_marts_rebuilt_since_the_last_publication_are_exported_again(
    warehouse: Path, tmp_path: Path
) -> None:
    target = tmp_path / "published"
    record(warehouse, ["dim_x", "fct_y"], "2026-10-30T06:00:00")
    first = publish(warehouse, target)
    assert sorted(first.exported) == ["dim_x", "fct_y"]
    old_dim = (target / "parquet" / "dim_x.parquet").resolve()

    # a build that rebuilt fct_y only (10 rows instead of 5)
    con = duckdb.connect(str(warehouse))
    con.execute("create or replace table marts.fct_y as select range as id from range(10)")
    con.close()
    record(warehouse, ["fct_y"], "2026-10-31T06:00:00")
    second = publish(warehouse, target)
    assert second.published and second.exported == ["fct_y"]
    assert second.tables == {"dim_x": 3, "fct_y": 10}  # the DuckDB file holds every mart
    new_dim = (target / "parquet" / "dim_x.parquet").resolve()
    assert new_dim != old_dim and new_dim.stat().st_ino == old_dim.stat().st_ino  # linked
    fct = target / "parquet" / "fct_y.parquet"
    assert duckdb.sql(f"select count(*) from '{fct}'").fetchall()[0] == (10,)


def test_nothing_rebuilt_since_the_last_publication_publishes_nothing(
    warehouse: Path, tmp_path: Path
) -> None:
    target = tmp_path / "published"
    record(warehouse, ["dim_x", "fct_y"], "2026-10-30T06:00:00")
    publish(warehouse, target)
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    inode = (target / "revops.duckdb").stat().st_ino

    result = publish(warehouse, target)

    assert not result.published
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == before
    assert (target / "revops.duckdb").stat().st_ino == inode


def test_a_mart_changed_outside_the_recorded_marts_gets_new_parquet(
    warehouse: Path, tmp_path: Path
) -> None:
    """Parquet is reused by content, not by which marts a build reported: a mart whose rows
    changed by another route (a UI run of some assets, a developer's dbt build) is written
    again, with the same row count and other values too."""
    target = tmp_path / "published"
    record(warehouse, ["dim_x", "fct_y"], "2026-10-30T06:00:00")
    publish(warehouse, target)
    old_fct = (target / "parquet" / "fct_y.parquet").resolve()
    before = duckdb.sql(f"select sum(amount) from '{old_fct}'").fetchall()[0][0]

    con = duckdb.connect(str(warehouse))  # same 5 rows, each amount doubled
    con.execute("update marts.fct_y set amount = amount * 2")
    con.close()
    record(warehouse, ["dim_x"], "2026-10-31T06:00:00")  # the build reported dim_x only
    second = publish(warehouse, target)

    assert second.exported == ["fct_y"]  # dim_x's rows did not change: linked
    fct = target / "parquet" / "fct_y.parquet"
    assert duckdb.sql(f"select sum(amount) from '{fct}'").fetchall()[0][0] == 2 * before
