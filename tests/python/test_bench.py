"""`make bench` (revops_demo.bench) and the ingestion readers' JSON staging it made leaner.

The bench itself is a benchmark, not a test; here: the dbt command of a partitioned run, the
per-layer timing of that one invocation, the child-process measurement, the report's rows and
the target verdicts, on small hand-made inputs. The JSON readers stage every column from ONE
parse of each object; their output is compared with values worked out by hand from the objects
written here.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from revops.contract import get_table
from revops.ingest import load_landing
from revops.ingest.discover import LandingFile
from revops.ingest.readers import drop_staging, stage_file
from revops_demo import bench

# --- the dbt stage: one invocation, reported per layer --------------------------------------


def _node(name: str, path: str, kind: str = "model", parents: tuple[str, ...] = (), **extra):
    return {
        "name": name,
        "resource_type": kind,
        "original_file_path": path,
        "depends_on": {"nodes": list(parents)},
        **extra,
    }


# stg_a (staging) <- int_b (intermediate) <- mart_c (marts); x lives outside the layer folders.
MANIFEST = {
    "nodes": {
        "seed.p.s": _node("s", "seeds/s.csv", kind="seed"),
        "snapshot.p.snap": _node("snap", "snapshots/snap.sql", kind="snapshot"),
        "model.p.stg_a": _node("stg_a", "models/staging/crm/stg_a.sql"),
        "model.p.int_b": _node(
            "int_b", "models/intermediate/int_b.sql", parents=("model.p.stg_a",)
        ),
        "model.p.mart_c": _node("mart_c", "models/marts/mart_c.sql", parents=("model.p.int_b",)),
        "model.p.x": _node("x", "models/misc/x.sql"),
        # a test on a source: no attached node, its parent is the source -> staging
        "test.p.src_unique": _node(
            "src_unique", "models/staging/crm/_src.yml", "test", ("source.p.crm.accounts",)
        ),
        # generic tests go with the node they are attached to, whatever their other parents
        "test.p.rel_int": _node(
            "rel_int",
            "models/intermediate/_int.yml",
            "test",
            ("model.p.int_b", "model.p.stg_a"),
            attached_node="model.p.int_b",
        ),
        "test.p.rel_stg": _node(
            "rel_stg",
            "models/staging/crm/_stg.yml",
            "test",
            ("model.p.stg_a", "model.p.mart_c"),
            attached_node="model.p.stg_a",
        ),
        # a singular test over several layers: the latest of them
        "test.p.singular": _node(
            "singular",
            "tests/singular/t.sql",
            "test",
            ("model.p.stg_a", "model.p.mart_c", "seed.p.s"),
            attached_node=None,
        ),
        "test.p.orphan": _node("orphan", "tests/singular/o.sql", "test"),
    },
    "sources": {"source.p.crm.accounts": {"resource_type": "source"}},
    "unit_tests": {
        "unit_test.p.int_b.case": _node(
            "case", "models/intermediate/_int.yml", "unit_test", ("model.p.int_b",)
        )
    },
}


def test_node_layers_by_folder_and_tests_by_attached_node_or_latest_parent():
    layers = bench.node_layers(MANIFEST)
    assert {k: v for k, v in layers.items() if not k.startswith("source.")} == {
        "seed.p.s": "staging",
        "snapshot.p.snap": "staging",
        "model.p.stg_a": "staging",
        "model.p.int_b": "intermediate",
        "model.p.mart_c": "marts",
        "model.p.x": "other",
        "test.p.src_unique": "staging",
        "test.p.rel_int": "intermediate",
        "test.p.rel_stg": "staging",
        "test.p.singular": "marts",
        "test.p.orphan": "staging",
        "unit_test.p.int_b.case": "intermediate",
    }


def _result(key: str, seconds: float, *steps: tuple[str, str, str]) -> dict:
    day = "2026-10-31T00:00:"
    timing = [
        {"name": n, "started_at": f"{day}{a}Z", "completed_at": f"{day}{b}Z"} for n, a, b in steps
    ]
    return {"unique_id": key, "status": "success", "execution_time": seconds, "timing": timing}


# Seconds within one minute. Per layer, by hand:
#   staging       s, stg_a, src_unique: 1.0 + 1.5 + 2.0 = 4.5 node-s, 01.0 -> 04.0 = 3.0 s
#   intermediate  int_b, the unit test: 2.5 + 0.5 = 3.0 node-s, 03.5 -> 06.5 = 3.0 s
#   marts         mart_c, singular (skipped: no timing): 2.75 node-s, 06.5 -> 09.25 = 2.75 s
#   other         x: 0.75 node-s, 09.25 -> 10.0 = 0.75 s
# all: 8 nodes, 11.0 node-s, 01.0 -> 10.0 = 9.0 s
RUN_RESULTS = {
    "results": [
        _result("seed.p.s", 1.0, ("compile", "01.0", "01.1"), ("execute", "01.1", "02.0")),
        _result("model.p.stg_a", 1.5, ("compile", "01.5", "01.6"), ("execute", "01.6", "03.0")),
        _result("test.p.src_unique", 2.0, ("compile", "02.0", "02.1"), ("execute", "02.1", "04.0")),
        _result("model.p.int_b", 2.5, ("compile", "03.5", "03.6"), ("execute", "03.6", "06.0")),
        _result("unit_test.p.int_b.case", 0.5, ("compile", "06.0", "06.5")),
        _result("model.p.mart_c", 2.75, ("execute", "06.5", "09.25")),
        {"unique_id": "test.p.singular", "status": "skipped", "execution_time": 0, "timing": []},
        _result("model.p.x", 0.75, ("compile", "09.25", "09.5"), ("execute", "09.5", "10.0")),
    ]
}


def test_dbt_timing_per_layer_from_run_results(tmp_path: Path):
    target = tmp_path / "target"
    assert bench.read_dbt_timing(target, tmp_path / "kept.json") is None  # dbt wrote nothing
    target.mkdir()
    (target / "run_results.json").write_text(json.dumps(RUN_RESULTS))
    (target / "manifest.json").write_text(json.dumps(MANIFEST))
    timing = bench.read_dbt_timing(target, tmp_path / "logs" / "kept.json")
    assert json.loads((tmp_path / "logs" / "kept.json").read_text()) == RUN_RESULTS
    got = [(x.name, x.nodes, round(x.node_s, 6), round(x.wall_s, 6)) for x in timing.layers]
    assert got == [
        ("staging", 3, 4.5, 3.0),
        ("intermediate", 2, 3.0, 3.0),
        ("marts", 2, 2.75, 2.75),
        ("other", 1, 0.75, 0.75),
    ]
    assert (timing.nodes, timing.unit_tests) == (8, 1)
    assert timing.node_s == pytest.approx(11.0)
    assert timing.span_s == pytest.approx(9.0)
    # a layer without nodes is reported, empty
    empty = bench.dbt_timing({"results": RUN_RESULTS["results"][:1]}, MANIFEST)
    assert [(x.name, x.nodes, x.wall_s) for x in empty.layers] == [
        ("staging", 1, pytest.approx(1.0)),
        ("intermediate", 0, 0.0),
        ("marts", 0, 0.0),
    ]


def test_dbt_command_and_environment_of_a_run():
    """The build arguments come from the run's plan; the window travels in the environment,
    never in --vars (which would make dbt parse the whole project again)."""
    from revops.assets.dbt import DbtRunConfig, build_args
    from revops.build_state import BuildPlan
    from revops.dbt_args import dbt_env

    assert build_args(DbtRunConfig(), BuildPlan("all", whole=True)) == [
        "build",
        "--exclude-resource-type",
        "unit_test",
    ]
    crm = BuildPlan("crm", select=["source:crm.opportunity+"])
    assert build_args(DbtRunConfig(), crm) == [
        "build",
        "--select",
        "source:crm.opportunity+",
        "--exclude-resource-type",
        "unit_test",
    ]
    window = (date(2026, 10, 30), date(2026, 10, 31))
    assert dbt_env(window) == {
        "REVOPS_PARTITION_START": "2026-10-30",
        "REVOPS_PARTITION_END": "2026-10-31",
        "REVOPS_AS_OF_DATE": "2026-10-31",
    }
    # as_of_date from the data: set empty, so a value in the caller's environment never leaks
    assert dbt_env(window, "data")["REVOPS_AS_OF_DATE"] == ""
    assert dbt_env(None, "2018-12-31") == {
        "REVOPS_PARTITION_START": "",
        "REVOPS_PARTITION_END": "",
        "REVOPS_AS_OF_DATE": "2018-12-31",
    }
    assert Path(bench.dbt_argv("build")[0]).name == "dbt"


# --- measuring a child process -----------------------------------------------------------------


def test_measured_reads_peak_rss_cpu_and_the_last_json_line(tmp_path: Path):
    # the child touches 200 MiB and burns some CPU, then prints its JSON summary
    code = (
        "b = bytearray(200 * 2**20)\n"
        "for i in range(0, len(b), 4096): b[i] = 1\n"
        "x = sum(range(3_000_000))\n"
        "print('a line before')\n"
        'print(\'{"ok": true, "rows": 7}\')\n'
    )
    run = bench.measured("child", [sys.executable, "-c", code], {}, tmp_path / "child.log")
    assert run.ok
    assert run.detail == {"ok": True, "rows": 7}
    assert run.peak_rss_mb >= 200
    assert run.cpu_s > 0
    failed = bench.measured(
        "bad", [sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path / "bad.log"
    )
    assert not failed.ok


# --- target verdicts ---------------------------------------------------------------------------


def _run(label: str, walls: list[float], rss: float, floor_s: float) -> bench.PipelineRun:
    window = (date(2026, 10, 30), date(2026, 10, 30))
    run = bench.PipelineRun(label, window)
    run.floor = bench.StageRun("floor", floor_s, 100.0, True, {"rows": 1000})
    run.stages = [bench.StageRun(f"s{i}", w, rss, True) for i, w in enumerate(walls)]
    return run


def test_targets_compute_the_ratios_of_issues_6_and_13():
    s1 = bench.ScaleResult(1.0, daily=True)
    s1.full = _run("full build", [30.0, 20.0], 900.0, 2.0)  # 50 s
    s10 = bench.ScaleResult(10.0, daily=True)
    s10.full = _run("full build", [200.0, 100.0], 3000.0, 20.0)  # 300 s: 6x scale 1, 15x floor
    s10.incremental = _run("incremental", [20.0, 10.0], 4100.0, 0.5)  # 30 s = 10.0% of 300 s
    s10.noop = _run("no-op", [12.0], 80.0, 0.5)  # 12 s = 4.0% of 300 s
    # a developer's build: RUN_RESULTS' nodes span 9.0 s of its 12.5 s, 3.5 s outside them
    s10.dev = bench.StageRun("dbt build -s m", 12.5, 500.0, True)
    s10.dev.dbt = bench.dbt_timing(RUN_RESULTS, MANIFEST)
    s10.queries = {"q": (40.0, 120.0)}
    text = "\n".join(bench.targets([s1, s10], (2.0, 0.5)))
    assert "| one-day incremental run at scale 10 <= 10% of the full build (goal 5%) | 10.0% " in (
        text
    )
    assert "(30 s / 300 s) | PASS |" in text
    assert "| full build at scale 10 <= 8x scale 1 | 6.0x (300 s / 50 s) | PASS |" in text
    assert "| full build at scale 10 <= 10x the floor | 15.0x (300 s / 20.0 s) | FAIL |" in text
    assert "| 4,100 MB (s0) | FAIL |" in text  # the incremental's stages count too
    assert "| 0.50 s beyond 2.00 s | PASS |" in text
    assert "| 120.0 ms (slowest median) | FAIL |" in text
    assert (
        "| no-op run at scale 10 <= 5% of the full build | 4.0% (12.0 s / 300 s) | PASS |" in text
    )
    assert "| 3.5 s at most (dbt build -s m) | PASS |" in text


def _with_dbt(label: str, rows: int, walls: tuple[float, float, float, float]):
    """A run of the four real stages; its dbt stage carries RUN_RESULTS' layers (span 9.0 s)."""
    ingest, dbt_s, gx, publish = walls
    run = bench.PipelineRun(label, (date(2026, 10, 30), date(2026, 10, 30)))
    run.floor = bench.StageRun("floor", 1.0, 50.0, True, {"rows": rows})
    timing = bench.dbt_timing(RUN_RESULTS, MANIFEST)
    run.stages = [
        bench.StageRun("ingestion", ingest, 300.0, True, cpu_s=ingest),
        bench.StageRun(bench.DBT_STAGE, dbt_s, 900.0, True, cpu_s=40.0, dbt=timing),
        bench.StageRun("GX checks (raw)", gx, 200.0, True, cpu_s=gx),
        bench.StageRun("publish", publish, 100.0, True, cpu_s=publish),
    ]
    return run


def test_report_shows_the_dbt_layers_under_the_one_dbt_stage_and_totals_the_stages_only():
    r = bench.ScaleResult(10.0, daily=True)
    r.full = _with_dbt("full build", 1000, (10.0, 30.0, 5.0, 5.0))  # 50 s
    r.incremental = _with_dbt("incremental", 100, (1.0, 20.0, 2.0, 2.0))  # 25 s
    text = "\n".join(bench.scale_table(r))
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[1:]] == [
        "| ingestion",
        "| dbt build",
        "| dbt layer: staging (+ seeds, snapshots)",
        "| dbt layer: intermediate",
        "| dbt layer: marts",
        "| dbt layer: other folders",
        "| dbt outside the nodes (start-up, parsing, source freshness)",
        "| GX checks (raw)",
        "| publish",
        "| **total** (stages, not the dbt layer rows)",
    ]
    # dbt: 1000 rows / 30 s = 33 rows/s, 11.0 node-s; 100 rows / 20 s = 5
    assert "| dbt build | 30.0 | 40.0 | 900 | 33 | 11.0 | 20.0 | 40.0 | 900 | 5 | 11.0 |" in rows
    # staging: span 3.0 s, 1000 / 3 = 333 rows/s, 4.5 node-s; no cpu or RSS of its own
    assert (
        "| dbt layer: staging (+ seeds, snapshots) | 3.0 | — | — | 333 | 4.5 "
        "| 3.0 | — | — | 33 | 4.5 |"
    ) in rows
    # outside the nodes: 30 - 9 = 21 s and 20 - 9 = 11 s
    assert (
        "| dbt outside the nodes (start-up, parsing, source freshness) | 21.0 | — | — | — | — "
        "| 11.0 | — | — | — | — |"
    ) in rows
    # the total is 10 + 30 + 5 + 5 = 50 s (the layer rows, 9.5 s more, are not added);
    # cpu 10 + 40 + 5 + 5 = 60; peak the largest stage, 900 MB; 1000 rows / 50 s = 20
    assert rows[-1] == (
        "| **total** (stages, not the dbt layer rows) | **50.0** | 60.0 | 900 | 20 | — "
        "| **25.0** | 45.0 | 900 | 4 | — |"
    )
    assert "one-day incremental / full build = 50.0% (25.0 s / 50.0 s)" in text
    assert "one `dbt build` (then `dbt source freshness`) of 8 nodes, 1 of them unit tests" in text
    verdicts = "\n".join(bench.targets([r], (2.0, 0.5)))
    assert "| 50.0% (25 s / 50 s) | FAIL |" in verdicts
    assert "| 900 MB (dbt build) | PASS |" in verdicts
    # outside the nodes: the worst dbt invocation, the full build's 21 s
    assert "| 21.0 s at most (full build dbt build) | FAIL |" in verdicts


def test_targets_without_scale_10_are_not_measured():
    s1 = bench.ScaleResult(1.0, daily=True)
    s1.full = _run("full build", [30.0], 900.0, 2.0)
    text = "\n".join(bench.targets([s1], (2.0, 1.5)))
    assert text.count("| not measured |") == 7
    assert "| 1.50 s beyond 2.00 s | FAIL |" in text


def test_profile_default_reads_the_memory_limit_of_profiles_yml():
    text = (bench.PROJECT_DIR / "profiles.yml").read_text()
    value = bench.profile_default("REVOPS_DUCKDB_MEMORY")
    assert f"env_var('REVOPS_DUCKDB_MEMORY', '{value}')" in text
    assert bench.profile_default("NO_SUCH_VARIABLE") == "?"


# --- JSON staging: one parse per object --------------------------------------------------------

INVOICES = [
    # expanded customer object -> its id; subscription absent at the top, given on a line
    {
        "id": "in_1",
        "customer": {"id": "cus_1", "email": "a@example.com"},
        "currency": "usd",
        "created": 1700000000,
        "status_transitions": {"paid_at": 1700000100},
        "lines": {
            "data": [
                {
                    "id": "il_1",
                    "price": {"id": "pr_1"},
                    "amount": 100,
                    "currency": "usd",
                    "subscription": "sub_9",
                },
                {"id": "il_2", "price": "pr_2", "amount": 250, "currency": "usd"},
            ]
        },
    },
    # JSON nulls, no lines; subscription as a plain id
    {
        "id": "in_2",
        "customer": "cus_2",
        "subscription": "sub_1",
        "number": None,
        "currency": "eur",
        "created": 1700000001,
        "status_transitions": {"paid_at": None},
        "lines": {"data": []},
    },
    # the line lacks invoice and subscription: both come from the parent invoice
    {
        "id": "in_3",
        "customer": "cus_3",
        "subscription": {"id": "sub_3"},
        "currency": "gbp",
        "created": 1700000002,
        "lines": {
            "data": [{"id": "il_3", "price": {"id": "pr_3"}, "amount": 5, "currency": "gbp"}]
        },
    },
]


@pytest.fixture
def invoices_file(tmp_path: Path) -> LandingFile:
    path = tmp_path / "billing" / "invoices" / "2026-10-31.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(o) + "\n" for o in INVOICES))
    table = get_table("billing", "invoices")
    return LandingFile(table, path, "billing/invoices/2026-10-31.jsonl", "jsonl")


def test_json_staging_reads_paths_expanded_objects_and_parent_fallbacks(invoices_file):
    con = duckdb.connect()
    try:
        staged = stage_file(con, invoices_file)
        parent, child = staged.tables
        got = con.execute(
            f"select _source_row, id, customer_id, subscription_id, number, currency, paid_at "
            f"from {parent.relation} order by _row_id"
        ).fetchall()
        assert got == [
            (1, "in_1", "cus_1", None, None, "usd", "1700000100"),
            (2, "in_2", "cus_2", "sub_1", None, "eur", None),
            (3, "in_3", "cus_3", "sub_3", None, "gbp", None),
        ]
        lines = con.execute(
            f"select _row_id, _source_row, id, invoice_id, subscription_id, price_id, amount "
            f"from {child.relation} order by _row_id"
        ).fetchall()
        assert lines == [
            (1, 1, "il_1", "in_1", "sub_9", "pr_1", "100"),  # its own subscription wins
            (2, 1, "il_2", "in_1", None, "pr_2", "250"),  # the parent has none
            (3, 3, "il_3", "in_3", "sub_3", "pr_3", "5"),  # expanded parent subscription
        ]
        # the quarantine record of a row is the object as it came
        (record,) = con.execute(
            f"select _record from {parent.relation} where _source_row = 2"
        ).fetchone()
        assert json.loads(record) == INVOICES[1]
    finally:
        drop_staging(con)
        con.close()


def test_json_staging_loads_end_to_end(invoices_file, tmp_path: Path):
    landing = invoices_file.path.parents[2]
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        report = load_landing(con, landing, systems=["billing"])
        assert {(f.table, f.rows_loaded) for f in report.files} == {
            ("raw_billing.invoices", 3),
            ("raw_billing.invoice_line_items", 3),
        }
        assert con.execute(
            "select invoice_id, count(*) from raw_billing.invoice_line_items "
            "group by invoice_id order by invoice_id"
        ).fetchall() == [("in_1", 2), ("in_3", 1)]
        assert not con.execute(
            "select * from duckdb_tables() where temporary and table_name like '_ing_%'"
        ).fetchall()
    finally:
        con.close()
