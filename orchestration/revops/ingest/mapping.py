"""The user's mapping file `<landing>/mapping.yml`: an export's own column names and values
onto the landing contract, for exports that no built-in shape covers.

    crm.opportunity:              # <system>.<table> of the landing contract
      columns:                    # export column: contract column (CSV and Parquet)
        Deal Stage: stage_name
        Deal ID: id
      values:                     # contract column: {export value: contract value}
        stage_name:
          Won: Closed Won         # exact values match case-insensitively, spaces trimmed
          Lost: Closed Lost
        lead_source:
          "*webinar*": Webinar    # * and ? are wildcards; exact values win over patterns,
                                  # patterns apply in the order written

Every scalar is read as text (YAML's `Yes`/`No` stay words). Values are mapped when a file is
loaded, before the contract checks (so a mapped value is checked as the contract value); a
value that matches nothing stays as it is. Errors name the file and the key: an entry with an
error (unknown column, two export columns for one contract column, a repeated key) keeps the
files of its table from loading until it is fixed; an entry for an unknown table, or an error
that cannot be placed, is reported and the other files load. A file that cannot be parsed at
all blocks the tables it names at the start of a line (`crm.opportunity:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from revops.contract import Table, load_contract
from revops.sql import lit as _lit

MAPPING_FILE = "mapping.yml"
SECTIONS = ("columns", "values")
WILDCARDS = frozenset("*?")


@dataclass(frozen=True)
class TableMapping:
    columns: dict[str, str] = field(default_factory=dict)  # export column -> contract column
    # contract column -> ((export value or pattern, contract value), ...), in file order
    values: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


@dataclass
class Mapping:
    path: Path | None = None
    tables: dict[tuple[str, str], TableMapping] = field(default_factory=dict)
    # (system, table) -> why its files are not loaded
    blocked: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # reported; other files load

    @property
    def changed_at(self) -> datetime | None:
        """When the mapping file last changed (UTC, naive), None without one: a file rejected
        before that may be fixed by it and is tried again."""
        if self.path is None or not self.path.is_file():
            return None
        return datetime.fromtimestamp(self.path.stat().st_mtime, UTC).replace(tzinfo=None)


class _Loader(yaml.BaseLoader):
    """Every scalar as text; a key repeated in one mapping is an error (YAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} appears twice (lines {seen[key]} and "
                    f"{key_node.start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_TOP_KEY = re.compile(r"^([A-Za-z_][\w]*)\.([A-Za-z_][\w]*)\s*:", re.MULTILINE)


def _parse_entry(table: Table, key: str, spec: object) -> TableMapping:
    """One `<system>.<table>` entry; raise ValueError naming the key on any error."""
    if not isinstance(spec, dict):
        raise ValueError(f"{key}: expected `columns:` and/or `values:` under it")
    unknown = sorted(set(spec) - set(SECTIONS))
    if unknown:
        raise ValueError(f"{key}: unknown key(s) {', '.join(unknown)} (expected columns, values)")
    known = [c.name for c in table.columns]
    columns_spec = spec.get("columns") or {}
    values_spec = spec.get("values") or {}
    if not isinstance(columns_spec, dict):
        raise ValueError(f"{key}.columns: expected `export column: contract column` lines")
    if not isinstance(values_spec, dict):
        raise ValueError(f"{key}.values: expected `contract column:` with `export value: value`")
    columns: dict[str, str] = {}
    targets: dict[str, str] = {}
    lowered: dict[str, str] = {}
    for export, target in columns_spec.items():
        where = f"{key}.columns.{export!r}"
        if not export.strip():
            raise ValueError(f"{key}.columns: an empty export column name")
        if not isinstance(target, str) or target not in known:
            raise ValueError(
                f"{where}: {target!r} is not a column of {key} (columns: {', '.join(known)})"
            )
        if target in targets:
            raise ValueError(
                f"{where}: export columns {targets[target]!r} and {export!r} both map to "
                f"{target}: which value is meant cannot be told; keep one"
            )
        if export.strip().lower() in lowered:
            raise ValueError(
                f"{where}: export column named twice ({lowered[export.strip().lower()]!r})"
            )
        targets[target] = export
        lowered[export.strip().lower()] = export
        columns[export] = target
    values: dict[str, tuple[tuple[str, str], ...]] = {}
    for column, rules in values_spec.items():
        where = f"{key}.values.{column}"
        if column not in known:
            raise ValueError(f"{where}: {column!r} is not a column of {key}")
        if not isinstance(rules, dict) or not rules:
            raise ValueError(f"{where}: expected `export value: contract value` lines")
        exact: dict[str, str] = {}
        for source, value in rules.items():
            if not isinstance(value, str):
                raise ValueError(f"{where}.{source!r}: expected one value, got {value!r}")
            norm = source.strip().lower()
            if not WILDCARDS & set(source) and norm in exact:
                raise ValueError(
                    f"{where}: {exact[norm]!r} and {source!r} are the same value "
                    "(matching ignores case and spaces); keep one"
                )
            exact.setdefault(norm, source)
        values[column] = tuple(rules.items())
    return TableMapping(columns, values)


def load_mapping(landing_dir: Path) -> Mapping:
    """Read and check `<landing>/mapping.yml`; an absent file is an empty mapping."""
    path = landing_dir / MAPPING_FILE
    if not path.is_file():
        return Mapping()
    out = Mapping(path=path)
    label = f"{landing_dir.name}/{MAPPING_FILE}"
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        raw = yaml.load(text, Loader=_Loader)  # text only: a BaseLoader
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        named = sorted(set(_TOP_KEY.findall(text)))
        for system, table in named:
            out.blocked[(system, table)] = (
                f"{label} is not valid YAML ({reason}): the files of {system}.{table} are "
                "not loaded until it is fixed"
            )
        if not named:
            out.errors.append(f"{label} is not valid YAML ({reason}); it is ignored")
        return out
    if raw is None or raw == "":
        return out
    if not isinstance(raw, dict):
        out.errors.append(f"{label}: expected `<system>.<table>:` entries; it is ignored")
        return out
    contract = load_contract()
    for key, spec in raw.items():
        system, _, table_name = key.partition(".")
        table = contract[system].tables.get(table_name) if system in contract else None
        if table is None:
            tables = ", ".join(f"{s}.{t}" for s in contract for t in contract[s].tables)
            out.errors.append(
                f"{label}: {key!r} is not a table of the landing contract (one of: {tables}); "
                "the entry is ignored"
            )
            continue
        try:
            out.tables[(system, table_name)] = _parse_entry(table, key, spec)
        except ValueError as exc:
            out.blocked[(system, table_name)] = (
                f"{label}: {exc}; the files of {key} are not loaded until it is fixed"
            )
    return out


def _like(pattern: str) -> str:
    """A glob pattern (* and ?) as a LIKE pattern with '\\' as its escape character."""
    escaped = pattern.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def value_case(ref: str, rules: tuple[tuple[str, str], ...]) -> str:
    """SQL: the contract value for the text `ref` by the rules, NULL when none matches."""
    v = f"lower(trim({ref}))"
    exact = [(s, t) for s, t in rules if not WILDCARDS & set(s)]
    patterns = [(s, t) for s, t in rules if WILDCARDS & set(s)]
    whens = [f"when {v} = {_lit(s.strip().lower())} then {_lit(t)}" for s, t in exact]
    whens += [f"when {v} like {_lit(_like(s))} escape '\\' then {_lit(t)}" for s, t in patterns]
    return f"case {' '.join(whens)} end"
