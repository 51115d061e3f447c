"""`make run` generates demo data only when the landing directory is empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from revops import runner


def test_landing_is_empty_for_missing_or_fileless_dirs(tmp_path: Path) -> None:
    assert runner.landing_is_empty(tmp_path / "missing")
    (tmp_path / "crm" / "opportunity").mkdir(parents=True)
    assert runner.landing_is_empty(tmp_path)
    (tmp_path / "crm" / "opportunity" / "export.csv").write_text("id\n")
    assert not runner.landing_is_empty(tmp_path)


def test_existing_landing_files_are_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "crm" / "opportunity" / "export.csv"
    export.parent.mkdir(parents=True)
    export.write_text("id\n")

    def must_not_generate(*args, **kwargs):
        raise AssertionError("generate() called although landing holds files")

    monkeypatch.setattr("revops.generate.generate", must_not_generate)
    runner.ensure_demo_data(tmp_path, scale=0.01, seed=1)
    assert export.read_text() == "id\n"


def test_empty_landing_gets_the_demo_business(tmp_path: Path) -> None:
    runner.ensure_demo_data(tmp_path, scale=0.01, seed=1)
    systems = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert systems == ["billing", "crm", "marketing", "plan"]


def test_job_run_config_passes_as_of_date_to_dbt() -> None:
    config = runner.job_run_config("2026-06-30")
    assert config["ops"]["revops_dbt"]["config"] == {"as_of_date": "2026-06-30"}
    assert runner.job_run_config(None)["ops"]["revops_dbt"]["config"] == {}
