"""`revops run` runs ONE Dagster run over the window of days that landed; the demo data is
generated only when asked for (`revops-demo generate`, `--if-empty` for `make run`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from revops import runner


def test_landing_is_empty_for_missing_or_fileless_dirs(tmp_path: Path) -> None:
    assert runner.landing_is_empty(tmp_path / "missing")
    (tmp_path / "crm" / "opportunity").mkdir(parents=True)
    assert runner.landing_is_empty(tmp_path)
    (tmp_path / "crm" / "opportunity" / "export.csv").write_text("id\n")
    assert not runner.landing_is_empty(tmp_path)


def _generate_cli(argv: list[str]) -> int:
    from revops_demo import cli

    return cli.main(["generate", *argv])


def test_generate_if_empty_never_overwrites_landing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "crm" / "opportunity" / "export.csv"
    export.parent.mkdir(parents=True)
    export.write_text("id\n")

    def must_not_generate(*args, **kwargs):
        raise AssertionError("generate() called although landing holds files")

    monkeypatch.setattr("revops_demo.generate.generate", must_not_generate)
    assert _generate_cli(["--if-empty", "--landing", str(tmp_path), "--scale", "0.01"]) == 0
    assert export.read_text() == "id\n"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [export]


def test_generate_if_empty_writes_the_demo_business_into_an_empty_landing(
    tmp_path: Path,
) -> None:
    assert _generate_cli(["--if-empty", "--landing", str(tmp_path), "--scale", "0.01"]) == 0
    systems = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert systems == ["billing", "crm", "marketing", "plan"]


def test_job_run_config_passes_as_of_date_and_full_refresh_to_dbt() -> None:
    config = runner.job_run_config("2026-06-30")
    assert config["ops"]["revops_dbt"]["config"] == {"as_of_date": "2026-06-30"}
    assert runner.job_run_config(None)["ops"]["revops_dbt"]["config"] == {}
    assert runner.job_run_config(full_refresh=True)["ops"]["revops_dbt"]["config"] == {
        "full_refresh": True
    }
    assert runner.job_run_config(unit_tests=True)["ops"]["revops_dbt"]["config"] == {
        "unit_tests": True
    }


# --- the window of `revops run` ----------------------------------------------------------------

D = date.fromisoformat


def _landing(root: Path, names: list[str]) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("id\n")
    return root


def test_window_runs_from_the_earliest_unloaded_day_to_the_latest_day(tmp_path: Path) -> None:
    landing = _landing(
        tmp_path,
        [
            "crm/task/2026-10-28.csv",
            "crm/task/2026-10-29.csv",
            "crm/event/2026-10-30.csv",
            "crm/event/2026-10-31.csv",
            "crm/event/manual.csv",  # undated: never moves the window
        ],
    )
    assert runner.landing_window(landing, set()) == (D("2026-10-28"), D("2026-10-31"))
    loaded = {"crm/task/2026-10-28.csv", "crm/task/2026-10-29.csv"}
    assert runner.landing_window(landing, loaded) == (D("2026-10-30"), D("2026-10-31"))
    # a day loaded for one table but not another still counts as not loaded
    loaded = {"crm/task/2026-10-28.csv", "crm/task/2026-10-29.csv", "crm/event/2026-10-31.csv"}
    assert runner.landing_window(landing, loaded) == (D("2026-10-30"), D("2026-10-31"))
    everything = {f"crm/task/2026-10-2{d}.csv" for d in (8, 9)} | {
        f"crm/event/2026-10-3{d}.csv" for d in (0, 1)
    }
    assert runner.landing_window(landing, everything) == (D("2026-10-31"), D("2026-10-31"))
    assert runner.landing_window(_landing(tmp_path / "u", ["crm/task/x.csv"]), set()) is None


def test_loaded_paths_read_the_load_log(tmp_path: Path) -> None:
    import duckdb

    from revops.ingest import ensure_meta_tables

    db = tmp_path / "wh.duckdb"
    assert runner.loaded_paths(db) == set()  # no warehouse yet
    con = duckdb.connect(str(db))
    ensure_meta_tables(con)
    con.execute(
        "insert into raw_meta.load_log (file, status) values ('a/b/2026-01-01.csv', 'loaded'), "
        "('a/b/2026-01-02.csv', 'rejected')"
    )
    con.close()
    assert runner.loaded_paths(db) == {"a/b/2026-01-01.csv"}


def test_window_overrides_and_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from revops import partitions

    monkeypatch.setattr(partitions, "last_day", lambda: D("2026-11-21"))
    found = (D("2026-10-28"), D("2026-10-31"))
    assert runner.resolve_window(found) == (found, [])
    assert runner.resolve_window(found, start=D("2026-10-01"))[0] == (D("2026-10-01"), found[1])
    assert runner.resolve_window(found, end=D("2026-10-29"))[0] == (found[0], D("2026-10-29"))
    # --end before the computed start: a run of that one day
    assert runner.resolve_window(found, end=D("2026-10-20"))[0] == (D("2026-10-20"),) * 2
    # --start after the computed end: that one day
    assert runner.resolve_window(found, start=D("2026-11-05"))[0] == (D("2026-11-05"),) * 2
    # nothing dated: the last complete day
    window, notes = runner.resolve_window(None)
    assert window == (D("2026-11-21"),) * 2 and "no dated landing file" in notes[0]
    # files dated today or later wait; the window stops at the last complete day
    window, notes = runner.resolve_window((D("2026-11-20"), D("2026-11-23")))
    assert window == (D("2026-11-20"), D("2026-11-21")) and "wait" in notes[0]
    window, _ = runner.resolve_window((D("2026-11-22"), D("2026-11-23")))
    assert window == (D("2026-11-21"),) * 2
    with pytest.raises(ValueError, match="before its start"):
        runner.resolve_window(found, start=D("2026-10-30"), end=D("2026-10-29"))
    with pytest.raises(ValueError, match="outside the daily partitions"):
        runner.resolve_window(found, end=D("2026-11-22"))
    with pytest.raises(ValueError, match="REVOPS_PARTITIONS_START"):
        runner.resolve_window((D("2024-10-31"), D("2026-10-31")))


def test_one_run_per_window() -> None:
    assert runner.execution_args((D("2026-10-31"),) * 2) == {"partition_key": "2026-10-31"}
    assert runner.execution_args((D("2026-10-29"), D("2026-10-31"))) == {
        "tags": {
            "dagster/asset_partition_range_start": "2026-10-29",
            "dagster/asset_partition_range_end": "2026-10-31",
        }
    }


def test_cli_run_options_reach_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    from revops import cli

    seen = {}
    monkeypatch.setattr(runner, "run", lambda **kwargs: seen.update(kwargs) or 0)
    argv = ["run", "--start", "2026-10-01", "--end", "2026-10-03", "--full-refresh"]
    assert cli.main(argv) == 0
    assert seen == {
        "as_of_date": None,
        "start": D("2026-10-01"),
        "end": D("2026-10-03"),
        "full_refresh": True,
        "unit_tests": False,
    }
    assert cli.main(["run", "--unit-tests"]) == 0
    assert seen["unit_tests"] is True
    # the demo's options are not the runtime's
    for demo_option in (["--scale", "1"], ["--daily-days", "3"], ["--seed", "1"]):
        with pytest.raises(SystemExit):
            cli.main(["run", *demo_option])
    with pytest.raises(SystemExit):
        cli.main(["generate"])


def test_cli_generate_passes_daily_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_generate(landing, **kwargs):
        calls.append(kwargs.get("daily_days"))
        return {"crm.task": 1}

    monkeypatch.setattr("revops_demo.generate.generate", fake_generate)
    assert _generate_cli(["--landing", str(tmp_path), "--daily-days", "4"]) == 0
    assert _generate_cli(["--landing", str(tmp_path)]) == 0
    assert calls == [4, None]  # not passed at all by default


# --- the whole run through the CLI --------------------------------------------------------------


@pytest.mark.slow
def test_cli_run_with_an_unreadable_file_publishes_and_summarizes(
    tmp_path: Path, trust_landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the default (lenient) policy one unreadable CSV is reported, and the rest of the
    day ingests, builds, checks and publishes; the run ends with the summary."""
    import shutil

    import duckdb

    from helpers import RunPaths, run_job

    monkeypatch.delenv("REVOPS_BAD_FILE_POLICY", raising=False)
    landing = tmp_path / "landing"
    shutil.copytree(trust_landing, landing)
    bad = landing / "crm" / "opportunity" / "semicolons.csv"
    bad.write_text("id;stage_name\n006X;Closed Won\n")
    paths = RunPaths(tmp_path / "run", landing)

    output = run_job(paths)  # asserts exit code 0

    lines = output.splitlines()
    assert "[3/3] run summary" in lines
    shown = "    ! file rejected (lenient policy): landing/crm/opportunity/semicolons.csv: "
    assert any(ln.startswith(shown) for ln in lines)
    assert any(ln.startswith("      dbt ") and " nodes (errors 0, warnings " in ln for ln in lines)
    summary = lines[lines.index("[3/3] run summary") :]
    assert summary[1].startswith("  systems present:  billing (")
    assert "crm (" in summary[1] and "marketing (" in summary[1] and "plan (" in summary[1]
    assert any(" 1 rejected, 0 still rejected" in ln for ln in summary)
    assert any(
        ln.startswith("    rejected:       landing/crm/opportunity/semicolons.csv: ")
        for ln in summary
    )
    assert any(ln.startswith("  dbt:              ") and " 0 errors" in ln for ln in summary)
    assert any(ln.startswith("  checks failed:    ERROR 0, WARN ") for ln in summary)
    [published] = [ln for ln in summary if ln.startswith("  published:")]
    database = paths.warehouse.parent / "published" / "revops.duckdb"
    assert published.endswith(f"rows -> {database}")
    assert "FAILED" not in output
    page = paths.warehouse.parent / "weekly_page" / "index.html"  # the run's last line
    assert lines[-1] == f"Weekly page: {page}   (opens from disk; or: make page)"
    assert page.is_file()

    def marts_of(db: Path) -> set[str]:
        with duckdb.connect(str(db), read_only=True) as con:
            return {
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            }

    published_marts = marts_of(database)
    assert published_marts and published_marts == marts_of(paths.warehouse)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        status = con.execute(
            "select distinct status from raw_meta.load_log "
            "where file = 'crm/opportunity/semicolons.csv'"
        ).fetchall()
    assert status == [("rejected",)]


def test_as_of_from_data_leaves_the_var_out() -> None:
    """A run over a one-off export (no dated file) lets the data set "today"; a run over
    daily files uses its last day; an explicit date wins."""
    from revops.dbt_args import AS_OF_FROM_DATA, dbt_vars

    window = (date(2026, 12, 3), date(2026, 12, 4))
    assert dbt_vars(window)["as_of_date"] == "2026-12-04"
    assert "as_of_date" not in dbt_vars(window, AS_OF_FROM_DATA)
    assert dbt_vars(window, AS_OF_FROM_DATA)["partition_end"] == "2026-12-04"
    assert dbt_vars(window, "2018-12-31")["as_of_date"] == "2018-12-31"


def test_a_rejected_file_settles_until_its_content_changes(tmp_path: Path) -> None:
    """The run's window must not keep reaching back to a dated file that was rejected and is
    unchanged (it is not retried); once the file changes, its day is pending again."""
    import duckdb

    from revops.ingest.load import ensure_meta_tables, file_sha256

    landing = tmp_path / "landing"
    bad = landing / "crm" / "account" / "2026-01-02.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("id;name\n1;x\n")
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    ensure_meta_tables(con)
    con.execute(
        "insert into raw_meta.load_log (file, sha256, status, error) values (?, ?, 'rejected', ?)",
        [
            "crm/account/2026-01-02.csv",
            file_sha256(bad),
            "landing/crm/account/2026-01-02.csv: unreadable CSV: the header looks delimited by ';'",
        ],
    )
    con.close()
    assert runner.loaded_paths(db, landing) == {"crm/account/2026-01-02.csv"}
    bad.write_text("id,name\n1,x\n")
    assert runner.loaded_paths(db, landing) == set()


def test_a_rejected_file_is_pending_again_once_the_mapping_file_changes(tmp_path: Path) -> None:
    """A rejected dated file whose content is unchanged is pending again when the user's
    mapping file changed after the rejection (the loader retries it then: it may be the fix),
    so the run's window reaches back to its day."""
    import os

    import duckdb

    from revops.ingest.load import ensure_meta_tables, file_sha256

    landing = tmp_path / "landing"
    deals = landing / "crm" / "opportunity" / "2026-01-02.csv"
    deals.parent.mkdir(parents=True)
    deals.write_text("Deal ID,Deal Stage\nD1,Won\n")
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    ensure_meta_tables(con)
    con.execute(
        "insert into raw_meta.load_log (file, sha256, status, error, loaded_at) "
        "values (?, ?, 'rejected', ?, timestamp '2026-01-02 06:00:00')",
        [
            "crm/opportunity/2026-01-02.csv",
            file_sha256(deals),
            "landing/crm/opportunity/2026-01-02.csv: required column(s) id missing",
        ],
    )
    con.close()
    mapping = landing / "mapping.yml"
    mapping.write_text("crm.opportunity:\n  columns:\n    Deal ID: id\n")
    # a mapping file older than the rejection changes nothing: still settled
    old = 1767246000  # 2026-01-01 05:40 UTC, before the rejection
    os.utime(mapping, (old, old))
    assert runner.loaded_paths(db, landing) == {"crm/opportunity/2026-01-02.csv"}
    # edited after the rejection: pending again
    new = 1767337200  # 2026-01-02 07:00 UTC
    os.utime(mapping, (new, new))
    assert runner.loaded_paths(db, landing) == set()
