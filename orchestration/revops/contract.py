"""The landing contract (landing_contract.yml) as typed Python objects.

One definition of every landed table, its columns, types, keys and required fields. The
generator writes to it, ingestion validates against it, and the docs are rendered from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

CONTRACT_PATH = Path(__file__).with_name("landing_contract.yml")

# How each contract type is stored in the raw DuckDB tables.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "epoch": "BIGINT",
    "json": "VARCHAR",
}

# _landed_date: the day of a dated file (`<table>/2026-10-31.csv`); for an undated file the
# last day of the loading run's window (the UTC date of _loaded_at when it has none).
LINEAGE_COLUMNS: dict[str, str] = {
    "_source_file": "VARCHAR",
    "_source_row": "BIGINT",
    "_loaded_at": "TIMESTAMP",
    "_landed_date": "DATE",
}


CURRENCY_CASES = ("lower", "upper")
# a JSON path summing a field over an array's elements: <array path>[*].<field path>
SUM_PATH = re.compile(r"(?P<array>[^\[\]*]+)\[\*\]\.(?P<field>[^\[\]*]+)")


def _currency_case(where: str, spec: dict) -> str | None:
    case = spec.get("currency")
    if case is not None and case not in CURRENCY_CASES:
        raise ValueError(f"{where}: currency must be one of {CURRENCY_CASES}, got {case!r}")
    return case


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    pii: bool = False
    # where the value sits in a JSON object, tried in order (first non-null wins): one path per
    # API shape; `a[*].b` sums field b over the elements of array a (integer columns only)
    json_paths: tuple[str, ...] = ()
    # an ISO 4217 currency code column: 'lower' (Stripe's convention) or 'upper'
    currency: str | None = None
    description: str = ""
    # other names of the column in flat files (CSV, Parquet), tried in order after its own
    # name: the first non-empty value wins (Fivetran's `plan_id` for `price_id`)
    aliases: tuple[str, ...] = ()
    # names of a flat-file column or JSON key that WINS over the column's own name and
    # json_path where it holds a value (the invoice line's `unique_id`, unique where an old
    # API's line `id` repeats)
    prefer: tuple[str, ...] = ()

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    @property
    def json_path(self) -> str | None:
        """The first JSON path (the demo's own shape), or None when the path is the name."""
        return self.json_paths[0] if self.json_paths else None


@dataclass(frozen=True)
class Table:
    system: str
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    updated_by: str | None = None
    description: str = ""
    # other folder names of the table (Fivetran's singular `charge` for `charges`)
    aliases: tuple[str, ...] = ()

    @property
    def raw_schema(self) -> str:
        return f"raw_{self.system}"

    @property
    def qualified_name(self) -> str:
        return f"{self.raw_schema}.{self.name}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def deleted_column(self) -> str | None:
        """The boolean column that flags a deleted record (`is_deleted`, `deleted`), if any."""
        for col in self.columns:
            if col.name in ("is_deleted", "deleted") and col.type == "boolean":
                return col.name
        return None


@dataclass(frozen=True)
class System:
    name: str
    description: str
    tables: dict[str, Table] = field(default_factory=dict)
    # an input a team lands only to override a bundled default (reference FX rates): the demo
    # generator leaves it out
    optional: bool = False


def _json_paths(where: str, spec: dict) -> tuple[str, ...]:
    """A column's json_path (one path or a list of alternatives), checked."""
    raw = spec.get("json_path")
    paths = (raw,) if isinstance(raw, str) else tuple(raw or ())
    for path in paths:
        if not isinstance(path, str) or not path:
            raise ValueError(f"{where}: json_path entries must be non-empty strings")
        if "[*]" in path and (spec["type"] != "integer" or not SUM_PATH.fullmatch(path)):
            raise ValueError(
                f"{where}: a path with [*] ({path}) sums an array's field: it must end in "
                "'[*].<field>' and the column must be an integer"
            )
    return paths


def _parse(raw: dict) -> dict[str, System]:
    systems: dict[str, System] = {}
    for system_name, system_spec in raw["systems"].items():
        tables = {}
        for table_name, spec in system_spec["tables"].items():
            columns = tuple(
                Column(
                    name=c["name"],
                    type=c["type"],
                    required=bool(c.get("required", False)),
                    allowed=tuple(c["allowed"]) if c.get("allowed") else None,
                    pii=bool(c.get("pii", False)),
                    json_paths=_json_paths(f"{system_name}.{table_name}.{c['name']}", c),
                    currency=_currency_case(f"{system_name}.{table_name}.{c['name']}", c),
                    description=str(c.get("description", "")),
                    aliases=tuple(c.get("aliases", ())),
                    prefer=tuple(c.get("prefer", ())),
                )
                for c in spec["columns"]
            )
            unknown = {c.type for c in columns} - DUCKDB_TYPES.keys()
            if unknown:
                raise ValueError(f"{system_name}.{table_name}: unknown column types {unknown}")
            tables[table_name] = Table(
                system=system_name,
                name=table_name,
                key=tuple(spec["key"]),
                columns=columns,
                updated_by=spec.get("updated_by"),
                description=str(spec.get("description", "")).strip(),
                aliases=tuple(spec.get("aliases", ())),
            )
        names = [t for t in tables] + [a for t in tables.values() for a in t.aliases]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"{system_name}: table name(s) or alias(es) {repeated} repeated")
        systems[system_name] = System(
            name=system_name,
            description=str(system_spec.get("description", "")).strip(),
            tables=tables,
            optional=bool(system_spec.get("optional", False)),
        )
    return systems


@lru_cache(maxsize=1)
def load_contract(path: Path = CONTRACT_PATH) -> dict[str, System]:
    """Return the contract keyed by system name (crm, marketing, billing, plan)."""
    with path.open() as fh:
        return _parse(yaml.safe_load(fh))


def all_tables() -> list[Table]:
    return [t for s in load_contract().values() for t in s.tables.values()]


def demo_tables() -> list[Table]:
    """The tables the demo generator writes: every table but those of optional systems."""
    return [t for s in load_contract().values() if not s.optional for t in s.tables.values()]


def get_table(system: str, name: str) -> Table:
    return load_contract()[system].tables[name]
