"""Independent readers of the landing files, for the cross-check tests.

They re-apply the documented landing rules (landing_contract.yml header) in plain pandas, without
the ingestion code, the raw tables or any dbt model:

- every file of <landing>/<system>/<table>/ (or <landing>/<system>/<table>.<ext>), in path order;
- a row is quarantined when a required value is empty, a typed value does not parse (dates must
  be YYYY-MM-DD, timestamps ISO 8601) or a closed-vocabulary value is not allowed;
- the latest version of each key survives: by the table's `updated_by` column (nulls oldest),
  then the later file, then the later row;
- soft-deleted rows (is_deleted = true) are dropped.

Stripe JSON is flattened by the contract's json_path; subscription items come from a
subscription's items.data and invoice lines from an invoice's lines.data. Only the contract YAML
(the interface) is read from the project, never its loaders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

CONTRACT_PATH = (
    Path(__file__).resolve().parents[2] / "orchestration" / "revops" / "landing_contract.yml"
)
FX_SEED_PATH = Path(__file__).resolve().parents[2] / "seeds" / "fx_rates.csv"
EXTENSIONS = (".csv", ".parquet", ".jsonl", ".json")
# nested lists unnested into their own table: (parent table, path of the list)
NESTED_TABLES: dict[str, tuple[str, str]] = {
    "subscription_items": ("subscriptions", "items.data"),
    "invoice_line_items": ("invoices", "lines.data"),
}
TRUE_WORDS = {"true", "1"}
FALSE_WORDS = {"false", "0"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool
    allowed: tuple[str, ...] | None
    json_paths: tuple[str, ...]
    currency: str | None


@dataclass(frozen=True)
class TableSpec:
    key: tuple[str, ...]
    updated_by: str | None
    columns: tuple[ColumnSpec, ...]


def table_spec(system: str, table: str) -> TableSpec:
    """The contract's definition of one landed table, read straight from the YAML."""
    with CONTRACT_PATH.open() as fh:
        spec = yaml.safe_load(fh)["systems"][system]["tables"][table]
    columns = tuple(
        ColumnSpec(
            name=c["name"],
            type=c["type"],
            required=bool(c.get("required", False)),
            allowed=tuple(c["allowed"]) if c.get("allowed") else None,
            json_paths=(c["json_path"],)
            if isinstance(c.get("json_path"), str)
            else tuple(c.get("json_path") or ()),
            currency=c.get("currency"),
        )
        for c in spec["columns"]
    )
    return TableSpec(key=tuple(spec["key"]), updated_by=spec.get("updated_by"), columns=columns)


def landing_files(landing: Path, system: str, table: str) -> list[Path]:
    """Every extract of a table, oldest first (path order)."""
    folder = landing / system / table
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    files += [landing / system / f"{table}{ext}" for ext in EXTENSIONS]
    return sorted(p for p in files if p.is_file() and p.suffix in EXTENSIONS)


def _dig(obj: Any, path: str) -> Any:
    """The value at a dotted path; `a[*].b` is the sum of b over array a's elements (0 for an
    empty array; the array itself when an element has no whole number there), `a[0]` the
    first element."""
    if "[*]." in path:
        array, rest = path.split("[*].", 1)
        elements = _dig(obj, array)
        if not isinstance(elements, list):
            return None
        values = [_dig(e, rest) for e in elements]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return sum(values)
        return elements
    for part in path.split("."):
        name, _, index = part.partition("[")
        obj = obj.get(name) if isinstance(obj, dict) else None
        if index:
            position = int(index.rstrip("]"))
            obj = obj[position] if isinstance(obj, list) and len(obj) > position else None
    return obj


def _first(obj: dict, col: ColumnSpec) -> Any:
    """A column's value in an object: its json paths in order, then its name; the first
    non-null wins. An expanded object (e.g. source.coupon) stands for its id."""
    for path in (*col.json_paths, col.name):
        value = _dig(obj, path)
        if isinstance(value, dict) and col.type != "json":
            value = value.get("id")
        if value is not None:
            return value
    return None


def _json_objects(path: Path) -> list[dict]:
    text = path.read_text()
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    doc = json.loads(text)
    if isinstance(doc, dict) and doc.get("object") == "list":
        return list(doc.get("data") or [])
    return list(doc) if isinstance(doc, list) else [doc]


def _as_text(value: Any) -> str:
    """A JSON/Parquet value as the text a CSV would carry ('' for null)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _file_text_frame(path: Path, system: str, table: str, spec: TableSpec) -> pd.DataFrame:
    """One file as a frame of text columns (the contract's columns, '' for missing values)."""
    names = [c.name for c in spec.columns]
    if path.suffix == ".csv":
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
        frame = pd.DataFrame({n: raw[n] if n in raw.columns else "" for n in names})
    elif path.suffix == ".parquet":
        raw = pd.read_parquet(path)
        frame = pd.DataFrame(
            {n: raw[n].map(_as_text) if n in raw.columns else "" for n in names},
            index=raw.index,
        )
    else:
        objects = _json_objects(path)
        if system == "billing" and table in NESTED_TABLES:
            objects = [
                child for obj in objects for child in (_dig(obj, NESTED_TABLES[table][1]) or [])
            ]
        rows = [{c.name: _as_text(_first(obj, c)) for c in spec.columns} for obj in objects]
        frame = pd.DataFrame(rows, columns=names)
    return frame.fillna("").astype(str)


def _valid_mask(text: pd.Series, col: ColumnSpec) -> pd.Series:
    """True where the text value passes the contract's checks for its column."""
    stripped = text.str.strip()
    empty = stripped == ""
    ok = pd.Series(True, index=text.index)
    if col.required:
        ok &= ~empty
    parsed = _parse(text, col)
    if col.type != "string":
        ok &= empty | parsed.notna()
    if col.allowed:
        ok &= empty | text.isin(col.allowed)
    if col.currency:
        ok &= empty | stripped.str.fullmatch("[A-Za-z]{3}")
    return ok


def _parse(text: pd.Series, col: ColumnSpec) -> pd.Series:
    """Cast text to the column's type; NA where empty or unparseable."""
    stripped = text.str.strip()
    if col.type == "string":
        return text.where(text != "", None)
    if col.type in ("integer", "epoch"):
        num = pd.to_numeric(stripped, errors="coerce")
        whole = num.notna() & (num == num.round())
        return num.where(whole).astype("Int64")
    if col.type in ("decimal", "double"):
        return pd.to_numeric(stripped, errors="coerce")
    if col.type == "boolean":
        low = stripped.str.lower()
        return low.map(lambda v: True if v in TRUE_WORDS else (False if v in FALSE_WORDS else None))
    if col.type == "date":
        return pd.to_datetime(stripped, format="%Y-%m-%d", errors="coerce")
    if col.type == "timestamp":
        parsed = pd.to_datetime(stripped, format="ISO8601", errors="coerce", utc=True)
        return parsed.dt.tz_localize(None)
    if col.type == "json":

        def _load(v: str) -> Any:
            try:
                return json.loads(v) if v.strip() else None
            except ValueError:
                return None

        return text.map(_load)
    raise ValueError(f"unknown contract type {col.type!r}")


def read_table(landing: Path, system: str, table: str) -> pd.DataFrame:
    """The live rows of one landed table: typed, quarantine applied, latest version per key,
    soft-deleted rows dropped. Columns are the contract's names."""
    spec = table_spec(system, table)
    names = [c.name for c in spec.columns]
    parts = []
    source_table = NESTED_TABLES.get(table, (table, ""))[0] if system == "billing" else table
    for file_index, path in enumerate(landing_files(landing, system, source_table)):
        text = _file_text_frame(path, system, table, spec).reset_index(drop=True)
        ok = pd.Series(True, index=text.index)
        for col in spec.columns:
            ok &= _valid_mask(text[col.name], col)
        text = text[ok]
        typed = pd.DataFrame({c.name: _parse(text[c.name], c) for c in spec.columns})
        typed["_file_index"] = file_index
        typed["_row"] = text.index
        parts.append(typed)
    if not parts:
        return pd.DataFrame(columns=names)
    frame = pd.concat(parts, ignore_index=True)
    order = ["_file_index", "_row"]
    if spec.updated_by and spec.updated_by != "_loaded_at":
        order = [spec.updated_by, *order]
    frame = frame.sort_values(order, na_position="first", kind="stable")
    frame = frame.drop_duplicates(subset=list(spec.key), keep="last")
    if "is_deleted" in frame.columns:
        frame = frame[frame["is_deleted"].map(lambda v: v is not True)]
    return frame[names].reset_index(drop=True)


def read_fx_rates() -> pd.DataFrame:
    """The monthly rates seed: rate_month (Timestamp), currency_code, rate_to_usd."""
    fx = pd.read_csv(FX_SEED_PATH, dtype={"currency_code": str})
    fx["rate_month"] = pd.to_datetime(fx["rate_month"])
    fx["currency_code"] = fx["currency_code"].str.upper().str.strip()
    return fx[["rate_month", "currency_code", "rate_to_usd"]]


def fx_lookup() -> dict[tuple[pd.Timestamp, str], float]:
    """(month start, upper-case currency) -> rate to USD."""
    fx = read_fx_rates()
    return {
        (m, c): float(r)
        for m, c, r in zip(fx["rate_month"], fx["currency_code"], fx["rate_to_usd"], strict=True)
    }


def epoch_to_date(values: pd.Series) -> pd.Series:
    """Unix seconds as the UTC calendar date (company time zone UTC), NaT for null."""
    return pd.to_datetime(values.astype("Float64"), unit="s").dt.normalize()


def as_of_date(landing: Path) -> pd.Timestamp:
    """ "Today" when no var is set: the latest creation date of a live opportunity, a live lead
    or an invoice (never a close or due date, which may lie in the future)."""
    opportunities = read_table(landing, "crm", "opportunity")["created_date"].dt.normalize()
    leads = read_table(landing, "crm", "lead")["created_date"].dt.normalize()
    invoices = epoch_to_date(read_table(landing, "billing", "invoices")["created"])
    return max(opportunities.max(), leads.max(), invoices.max())
