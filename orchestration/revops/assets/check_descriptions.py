"""A description for every dbt test shown as a Dagster asset check.

dagster-dbt takes a check's description from the test's `meta.description` only, so a project
that documents its columns, not each test, shows "No description provided" on nearly every
check. The description here is, in order: the test's own description (a `description:` or
`meta.description` in the yml); else one generated from the test (what it asserts, with its
arguments), the column it is on and that column's description in the model's yml; for a
singular test, the comment that opens its SQL file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# what dbt's built-in generic tests assert, in words ({column} is filled in)
BUILTIN = {
    "not_null": "`{column}` is never null",
    "unique": "`{column}` is unique (no value appears twice)",
    "accepted_values": "`{column}` is one of the accepted values",
    "relationships": "every `{column}` exists in its parent",
}
_OPENING_COMMENT = re.compile(r"^\s*\{#-?\s*(.*?)\s*-?#\}", re.DOTALL)
_SQL_COMMENT = re.compile(r"^\s*((?:--[^\n]*\n\s*)+)")
# arguments shown with the test; the model and column are named separately
_SKIPPED_ARGS = {"model", "column_name"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _own_description(test: Mapping[str, Any]) -> str:
    meta = test.get("meta") or (test.get("config") or {}).get("meta") or {}
    return (test.get("description") or meta.get("description") or "").strip()


def _arguments(kwargs: Mapping[str, Any]) -> str:
    shown = []
    for name, value in kwargs.items():
        if name in _SKIPPED_ARGS or value is None:
            continue
        if isinstance(value, str) and "{{" in value:  # ref('x') as dbt stores it
            value = re.sub(r"\{\{\s*ref\('([^']+)'\)\s*\}\}", r"\1", value)
            value = re.sub(r"\{\{.*?\}\}", "...", value)
        shown.append(f"{name}={value}")
    return ", ".join(shown)


def _assertion(manifest: Mapping[str, Any], name: str, namespace: str | None, column: str) -> str:
    """What a generic test asserts, without its arguments: dbt's built-ins in words, a project
    test by its name, column and macro's description (macros/*.yml)."""
    if namespace is None and name in BUILTIN:
        return BUILTIN[name].format(column=column)
    subject = f"{name} on `{column}`" if column else name
    for macro_id in (f"macro.{namespace}.test_{name}", f"macro.revops.test_{name}"):
        macro = manifest.get("macros", {}).get(macro_id)
        if macro and macro.get("description"):
            return f"{subject}: {_one_line(macro['description']).rstrip('.')}"
    return f"dbt test {subject}"


def _column_description(manifest: Mapping[str, Any], test: Mapping[str, Any], column: str) -> str:
    node_id = test.get("attached_node") or ""
    node = manifest.get("nodes", {}).get(node_id) or manifest.get("sources", {}).get(node_id) or {}
    columns = node.get("columns") or {}
    info = columns.get(column) or columns.get(column.lower()) or {}
    return _one_line(info.get("description") or "")


def _singular(test: Mapping[str, Any]) -> str:
    code = test.get("raw_code") or ""
    match = _OPENING_COMMENT.match(code)
    if match:
        text = match[1]
    else:
        lines = _SQL_COMMENT.match(code)
        text = re.sub(r"^\s*--\s?", "", lines[1], flags=re.MULTILINE) if lines else ""
    path = test.get("original_file_path") or test.get("name", "")
    summary = _one_line(text) or "fails on every row its query returns"
    return f"Singular dbt test ({path}): {summary}"


def dbt_test_description(manifest: Mapping[str, Any], test: Mapping[str, Any]) -> str:
    """The description of a dbt test's asset check; never empty."""
    own = _own_description(test)
    if own:
        return own
    metadata = test.get("test_metadata")
    if not metadata:
        return _singular(test)
    kwargs = metadata.get("kwargs") or {}
    column = test.get("column_name") or kwargs.get("column_name") or ""
    text = _assertion(manifest, metadata.get("name", ""), metadata.get("namespace"), column)
    args = _arguments(kwargs)
    if args:
        text = f"{text} ({args})"
    severity = ((test.get("config") or {}).get("severity") or "error").lower()
    text += (
        ". Severity warn: recorded, never blocks."
        if severity == "warn"
        else ". Severity error: a failure blocks what is downstream."
    )
    described = _column_description(manifest, test, column) if column else ""
    if described:
        text += f" Column `{column}`: {described}"
    return text
