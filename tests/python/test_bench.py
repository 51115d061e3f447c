"""`make bench` (revops.bench) and the ingestion readers' JSON staging it made leaner.

The bench itself is a benchmark, not a test; here: its dbt layer plan, the dbt command of a
partitioned run, the child-process measurement, and the target verdicts, on small hand-made
inputs. The JSON readers stage every column from ONE parse of each object; their output is
compared with values worked out by hand from the objects written here.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from revops import bench
from revops.contract import get_table
from revops.ingest import load_landing
from revops.ingest.discover import LandingFile
from revops.ingest.readers import drop_staging, stage_file

# --- the dbt layer plan ------------------------------------------------------------------------


def _node(name: str, path: str, kind: str = "model", parents: tuple[str, ...] = ()) -> dict:
    return {
        "name": name,
        "resource_type": kind,
        "original_file_path": path,
        "depends_on": {"nodes": list(parents)},
    }


def test_layer_plan_pulls_ancestors_forward_and_runs_cross_layer_tests_once():
    # stg_a (staging) <- int_b (intermediate) <- mart_c (marts); int_b also reads dim_d, a mart
    # folder model that must therefore be built with the intermediate layer.
    nodes = {
        "model.p.stg_a": _node("stg_a", "models/staging/stg_a.sql"),
        "model.p.dim_d": _node("dim_d", "models/marts/dim_d.sql"),
        "model.p.int_b": _node(
            "int_b", "models/intermediate/int_b.sql", parents=("model.p.stg_a", "model.p.dim_d")
        ),
        "model.p.mart_c": _node("mart_c", "models/marts/mart_c.sql", parents=("model.p.int_b",)),
        "seed.p.s": _node("s", "seeds/s.csv", kind="seed"),
        # a test over stg_a (layer 0) and mart_c (layer 2): excluded from layers 0 and 1
        "test.p.t_cross": _node(
            "t_cross", "tests/t.sql", kind="test", parents=("model.p.stg_a", "model.p.mart_c")
        ),
        "test.p.t_int": _node("t_int", "tests/u.sql", kind="test", parents=("model.p.int_b",)),
    }
    plan = bench.layer_plan({"nodes": nodes, "sources": {}})
    assert plan == [
        (["s", "stg_a"], ["t_cross"]),
        (["dim_d", "int_b"], ["t_cross"]),
        (["mart_c"], []),
    ]


def test_dbt_command_of_a_partitioned_run_passes_the_window_and_as_of_date():
    argv = bench.dbt_argv(["a", "b"], ["t"], True, (date(2026, 10, 30), date(2026, 10, 31)))
    assert argv[1:6] == ["build", "--select", "a", "b", "source:*"]
    assert argv[6:8] == ["--exclude", "t"]
    assert argv[8] == "--vars"
    assert json.loads(argv[9]) == {
        "partition_start": "2026-10-30",
        "partition_end": "2026-10-31",
        "as_of_date": "2026-10-31",
    }
    assert "--vars" not in bench.dbt_argv(["a"], [], False)


# --- measuring a child process -----------------------------------------------------------------


def test_measured_reads_peak_rss_cpu_and_the_last_json_line(tmp_path: Path):
    # the child touches 200 MiB and burns some CPU, then prints a dbt-like timing and JSON
    code = (
        "b = bytearray(200 * 2**20)\n"
        "for i in range(0, len(b), 4096): b[i] = 1\n"
        "x = sum(range(3_000_000))\n"
        "print('12:00:00  Finished running 3 table models in 0 hours 0 minutes and "
        "1.25 seconds (1.25s).')\n"
        'print(\'{"ok": true, "rows": 7}\')\n'
    )
    run = bench.measured("child", [sys.executable, "-c", code], {}, tmp_path / "child.log")
    assert run.ok
    assert run.detail == {"ok": True, "rows": 7, "dbt_nodes_s": 1.25}
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


def test_targets_compute_the_ratios_of_issue_6():
    s1 = bench.ScaleResult(1.0, daily=True)
    s1.full = _run("full build", [30.0, 20.0], 900.0, 2.0)  # 50 s
    s10 = bench.ScaleResult(10.0, daily=True)
    s10.full = _run("full build", [200.0, 100.0], 3000.0, 20.0)  # 300 s: 6x scale 1, 15x floor
    s10.incremental = _run("incremental", [9.0, 6.0], 4100.0, 0.5)  # 15 s = 5.0% of 300 s
    s10.queries = {"q": (40.0, 120.0)}
    text = "\n".join(bench.targets([s1, s10], (2.0, 0.5)))
    assert "| one-day incremental run at scale 10 <= 5% of the full build | 5.0% " in text
    assert "(15 s / 300 s) | PASS |" in text
    assert "| full build at scale 10 <= 8x scale 1 | 6.0x (300 s / 50 s) | PASS |" in text
    assert "| full build at scale 10 <= 3x the floor | 15.0x (300 s / 20.0 s) | FAIL |" in text
    assert "| 4,100 MB (s0) | FAIL |" in text  # the incremental's stages count too
    assert "| 0.50 s beyond 2.00 s | PASS |" in text
    assert "| 120.0 ms (slowest median) | FAIL |" in text


def test_targets_without_scale_10_are_not_measured():
    s1 = bench.ScaleResult(1.0, daily=True)
    s1.full = _run("full build", [30.0], 900.0, 2.0)
    text = "\n".join(bench.targets([s1], (2.0, 1.5)))
    assert text.count("| not measured |") == 5
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
