"""Every macro of the project is documented in a macros YAML: a description, and each argument
of its signature by name (no more, no fewer), so dbt docs and a reader see what it takes."""

from __future__ import annotations

import json
import re

import pytest

from helpers import PROJECT_DIR

MANIFEST = PROJECT_DIR / "target" / "manifest.json"
SIGNATURE = re.compile(r"\{%-?\s*(?:macro|test)\s+\w+\((?P<args>[^)]*)\)")


@pytest.fixture(scope="module")
def macros() -> list[dict]:
    if not MANIFEST.exists():
        pytest.fail(f"{MANIFEST} missing: run `make manifest` (dbt parse) first")
    nodes = json.loads(MANIFEST.read_text())["macros"].values()
    return [m for m in nodes if m["package_name"] == "revops"]


def _signature(macro: dict) -> list[str]:
    match = SIGNATURE.search(macro["macro_sql"])
    assert match, macro["name"]
    return [a.split("=")[0].strip() for a in match["args"].split(",") if a.strip()]


def test_every_macro_has_a_description(macros: list[dict]) -> None:
    missing = sorted(m["name"] for m in macros if not m["description"].strip())
    assert missing == []


def test_every_macro_argument_is_documented(macros: list[dict]) -> None:
    """Generic tests (tests/generic, and the `<test>_in_window` ones of macros/test_window.sql)
    take model and column_name from dbt and are documented with their test, and an incremental
    strategy (get_incremental_<name>_sql) takes dbt's arg_dict: only the other macros of macros/
    are held to their full signature."""
    wrong = {}
    for m in macros:
        if not m["original_file_path"].startswith("macros/") or m["name"].startswith(
            ("get_incremental_", "test_")
        ):
            continue
        documented = [a["name"] for a in m["arguments"]]
        if documented != _signature(m):
            wrong[m["name"]] = (documented, _signature(m))
    assert wrong == {}
