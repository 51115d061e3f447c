"""Render the landing contract as Markdown (docs/landing_contract.md).

Regenerate with `python -m revops.ingest.docs`; a test checks the committed file is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from revops.config import PROJECT_DIR
from revops.contract import LINEAGE_COLUMNS, load_contract
from revops.ingest.discover import FORMATS
from revops.ingest.readers import NESTED

DOC_PATH = PROJECT_DIR / "docs" / "landing_contract.md"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_landing_contract() -> str:
    """The whole contract as one Markdown page, in contract order."""
    exts = ", ".join(f"`{e}`" for e in FORMATS)
    lines = [
        "# Landing contract",
        "",
        "<!-- Generated from orchestration/revops/landing_contract.yml by",
        "     `python -m revops.ingest.docs`; do not edit by hand. -->",
        "",
        "Every table below is landed as files under `<landing>/<system>/<table>/<name>.<ext>`",
        f"(or a single `<landing>/<system>/<table>.<ext>`), with ext one of {exts};",
        "CSV and JSON may be gzip-compressed (`.csv.gz`, `.jsonl.gz`, `.json.gz`).",
        "Each new file (identity: path relative to the landing folder + sha256 of its content)",
        "is loaded once into `raw_<system>.<table>` and logged in `raw_meta.load_log`.",
        "A file named by an ISO date (`<table>/2026-10-31.csv`) is the extract of that day and",
        "is loaded by the daily partition of that day (see docs/partitions.md); any other name",
        "is loaded by the next run.",
        "",
        "- A **required** column missing from a file's header rejects the whole file;",
        "  an unreadable file (empty, truncated, wrong delimiter or encoding) is rejected too.",
        "- A row with an empty required value, a value that does not cast to the column type, or",
        "  a value outside **allowed** goes to `raw_meta.quarantine`; the rest of the file loads.",
        "- A currency column takes any ISO 4217 code (3 letters, any case); it is stored in the",
        "  case its system uses (Stripe's lower-case, upper-case elsewhere).",
        "- JSON: a **json path** names where a column sits in an object; several paths (one per",
        "  API version) are tried in order and the first non-null value wins; `a[*].b` sums field",
        "  `b` over the elements of array `a` (an empty array is 0).",
        "- Columns not listed are ignored and reported. Optional columns missing load as NULL.",
        "- Timestamps with an offset are stored as UTC; booleans accept true/false/1/0 in any",
        "  case; epochs are stored as integer seconds: a value in milliseconds is converted, and",
        "  one that is neither seconds nor milliseconds of 1990-01-01 .. 2100-01-01 (`0`, `-1`)",
        "  is quarantined.",
        "- A file that is not what its name says (an xlsx, zip, Parquet or UTF-16 file named",
        "  `.csv`), has a repeated column name, or has title lines above its header is rejected",
        "  with what was found; empty header cells (Excel's `id,name,,`) are ignored.",
        "- Lineage columns added to every raw table: "
        + ", ".join(f"`{n}` ({t.lower()})" for n, t in LINEAGE_COLUMNS.items())
        + ".",
        "",
    ]
    for system in load_contract().values():
        lines += [f"## {system.name}", ""]
        if system.description:
            lines += [_cell(system.description), ""]
        for table in system.tables.values():
            lines += [f"### {system.name}.{table.name} -> `{table.qualified_name}`", ""]
            if table.description:
                lines += [_cell(table.description), ""]
            lines.append(
                f"- Files: `{system.name}/{table.name}/*.{{csv,parquet,jsonl,json}}` "
                f"or `{system.name}/{table.name}.<ext>`"
            )
            lines.append(f"- Key: {', '.join(f'`{k}`' for k in table.key)}")
            if table.updated_by:
                lines.append(f"- Latest version by: `{table.updated_by}`")
            nested = NESTED.get((system.name, table.name))
            if nested:
                lines.append(
                    f"- JSON files also feed `{table.raw_schema}.{nested[0]}` from "
                    f"`{nested[1]}` (parent fields fill: "
                    + ", ".join(f"`{c}` <- `{p}`" for c, p in nested[2].items())
                    + ")"
                )
            lines += [
                "",
                "| column | type | duckdb type | required | allowed | json path | notes |",
                "|---|---|---|---|---|---|---|",
            ]
            for c in table.columns:
                notes = ("PII. " if c.pii else "") + _cell(c.description)
                allowed = ", ".join(c.allowed) if c.allowed else ""
                if c.currency:
                    allowed = f"any ISO 4217 code, stored {c.currency}-case"
                # alternatives per API version, in the order they are tried
                paths = " or ".join(f"`{_cell(p)}`" for p in c.json_paths)
                lines.append(
                    f"| `{c.name}` | {c.type} | {c.duckdb_type} | {'yes' if c.required else ''} "
                    f"| {allowed} | {paths} | {notes.strip()} |"
                )
            lines.append("")
    return "\n".join(lines)


def write_landing_contract(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_landing_contract())
    return path


if __name__ == "__main__":
    print(write_landing_contract(Path(sys.argv[1]) if len(sys.argv) > 1 else DOC_PATH))
