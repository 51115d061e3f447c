"""Turn generated frames into landing files: text for CSV, typed Arrow for Parquet, Stripe JSON.

Every file's bytes depend only on the data (no timestamps, no dict or set order), so the same
inputs give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from revops.contract import Table


def table_dir(landing_dir: Path, table: Table) -> Path:
    path = landing_dir / table.system / table.name
    path.mkdir(parents=True, exist_ok=True)
    return path


def dated_path(landing_dir: Path, table: Table, day: date, ext: str) -> Path:
    """<landing>/<system>/<table>/<YYYY-MM-DD>.<ext>: the extract of that day."""
    return table_dir(landing_dir, table) / f"{day.isoformat()}.{ext}"


def _check_columns(df: pd.DataFrame, table: Table) -> None:
    expected = [c.name for c in table.columns]
    if list(df.columns) != expected:
        raise ValueError(f"{table.qualified_name}: columns {list(df.columns)} != {expected}")


def _text(values: pd.Series, kind: str) -> np.ndarray:
    """One column as text (None for null) in the contract's text format for its type."""
    if kind in ("date", "timestamp"):
        arr = pd.to_datetime(values).to_numpy(dtype="datetime64[s]")
        null = np.isnat(arr)
        if kind == "date":
            out = np.datetime_as_string(arr.astype("datetime64[D]")).astype(object)
        else:
            out = np.char.add(np.datetime_as_string(arr, unit="s"), "Z").astype(object)
        out[null] = None
        return out
    null = values.isna().to_numpy()
    if kind == "boolean":
        out = np.where(values.fillna(False).astype(bool).to_numpy(), "true", "false").astype(object)
    elif kind in ("integer", "epoch"):
        out = values.fillna(0).astype(np.int64).astype(str).to_numpy(dtype=object)
    elif kind in ("decimal", "double"):
        out = np.char.mod("%.2f", values.fillna(0).astype(float).to_numpy()).astype(object)
    else:
        out = values.astype(object).to_numpy(copy=True)
    out[null] = None
    return out


def to_text(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The frame with every column rendered as contract text, in contract column order."""
    _check_columns(df, table)
    return pd.DataFrame({c.name: _text(df[c.name], c.type) for c in table.columns})


class CsvWriter:
    """A CSV file written in chunks of contract text (the bytes do not depend on the chunking)."""

    def __init__(self, path: Path, table: Table) -> None:
        self.path = path
        self.columns = [c.name for c in table.columns]
        self.rows = 0
        self._fh = path.open("wb")
        # pyarrow would quote the header; names never need quotes
        self._fh.write((",".join(self.columns) + "\n").encode())

    def write(self, text: pd.DataFrame) -> None:
        if list(text.columns) != self.columns:
            raise ValueError(f"{self.path}: columns {list(text.columns)} != {self.columns}")
        if text.empty:
            return
        arrow = pa.table({c: pa.array(text[c].tolist(), type=pa.string()) for c in self.columns})
        options = pacsv.WriteOptions(quoting_style="needed", include_header=False)
        pacsv.write_csv(arrow, self._fh, options)
        self.rows += len(text)

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ARROW_TYPES = {
    "string": pa.string(),
    "json": pa.string(),
    "integer": pa.int64(),
    "epoch": pa.int64(),
    "double": pa.float64(),
    "decimal": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}


# pyarrow's default row-group length: writing in chunks of this size gives the same bytes as
# writing the whole table at once.
PARQUET_CHUNK = 1024 * 1024


def arrow_table(df: pd.DataFrame, table: Table) -> pa.Table:
    """A typed Arrow table in contract column order (timestamps naive UTC, epochs int64)."""
    _check_columns(df, table)
    arrays = {}
    for c in table.columns:
        values = df[c.name]
        if c.type in ("date", "timestamp"):
            arr = pd.to_datetime(values).to_numpy(dtype="datetime64[us]")
            if c.type == "date":
                arr = arr.astype("datetime64[D]")
            arrays[c.name] = pa.array(arr, type=_ARROW_TYPES[c.type], from_pandas=True)
        elif c.type in ("integer", "epoch"):
            arrays[c.name] = pa.array(values.astype("Int64"), type=pa.int64())
        else:
            arrays[c.name] = pa.array(values, type=_ARROW_TYPES[c.type], from_pandas=True)
    return pa.table(arrays)


class ParquetWriter:
    """A Parquet file (zstd) written from frames of up to PARQUET_CHUNK rows, one row group each."""

    def __init__(self, path: Path, table: Table) -> None:
        self.path = path
        self.table = table
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, df: pd.DataFrame) -> None:
        if len(df) > PARQUET_CHUNK:
            raise ValueError(f"{self.path}: chunks hold at most {PARQUET_CHUNK} rows")
        arrow = arrow_table(df, self.table)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, arrow.schema, compression="zstd")
        self._writer.write_table(arrow)
        self.rows += len(df)

    def close(self) -> None:
        if self._writer is None:  # an empty file still carries the schema
            empty = {c.name: pa.array([], type=_ARROW_TYPES[c.type]) for c in self.table.columns}
            pq.write_table(pa.table(empty), self.path, compression="zstd")
        else:
            self._writer.close()

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_jsonl(objects: Iterable[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for obj in objects:
            fh.write(json.dumps(obj, separators=(",", ":")))
            fh.write("\n")
    return path


def write_json_list(objects: list[dict], path: Path, url: str) -> Path:
    """A Stripe list response: {"object": "list", "data": [...], "has_more": false, "url": ...}."""
    body = {"object": "list", "data": objects, "has_more": False, "url": url}
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        json.dump(body, fh, separators=(",", ":"))
        fh.write("\n")
    return path
