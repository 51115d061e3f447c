"""Render the landing contract as Markdown (docs/landing_contract.md).

Regenerate with `python -m revops.ingest.docs`; a test checks the committed file is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from revops.config import PROJECT_DIR
from revops.contract import LINEAGE_COLUMNS, Column, Table, load_contract
from revops.ingest.discover import FORMATS
from revops.ingest.mapping import MAPPING_FILE
from revops.ingest.readers import NESTED

DOC_PATH = PROJECT_DIR / "docs" / "landing_contract.md"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _shapes(table: Table) -> list[str]:
    """The accepted shapes of a table, one bullet each."""
    name = f"{table.system}/{table.name}"
    out = [f"- Shapes: demo / snake_case (`{name}/`, the column names below)"]
    if table.system == "billing":
        out.append(
            "  - Stripe API objects as the API returns them (JSON list responses or JSONL; "
            "nested fields by `json path`)"
        )
    if table.aliases:
        out.append(
            "  - Fivetran: table "
            + ", ".join(f"`{table.system}/{a}/`" for a in table.aliases)
            + " (the same columns flat; timestamps as ISO strings)"
        )
    elif table.system in ("crm", "billing"):
        out.append(f"  - Fivetran: table `{name}/` (snake_case already)")
    if table.system == "crm":
        example = next(c.name for c in table.columns if "_" in c.name)
        camel = "".join(w.capitalize() for w in example.split("_"))
        out.append(
            f"  - Salesforce API names (Data Loader, report exports): e.g. `{camel}` for "
            f"`{example}`, `Custom__c` for `custom_c`"
        )
    return out


def _mapping_section() -> list[str]:
    return [
        "## The mapping file",
        "",
        f"An export that no shape above covers is mapped by ONE file, `<landing>/{MAPPING_FILE}`:",
        "per `<system>.<table>`, its own column names onto contract columns (CSV and Parquet)",
        "and its values onto contract values (any format). Values are mapped when a file is",
        "loaded, before the contract checks; exact values match ignoring case and surrounding",
        "spaces, `*` and `?` are wildcards (exact values win, then patterns in the order",
        "written); a value that matches nothing stays as it is. Every scalar is read as text.",
        "",
        "```yaml",
        "crm.opportunity:",
        "  columns:            # export column: contract column",
        "    Deal ID: id",
        "    Deal Stage: stage_name",
        "  values:             # contract column: {export value: contract value}",
        "    stage_name:",
        "      Won: Closed Won",
        "      Lost: Closed Lost",
        "    lead_source:",
        '      "*webinar*": Webinar',
        "```",
        "",
        "- An entry with an error (an unknown column, two export columns for one contract",
        "  column, a key written twice) rejects the files of its table, naming the file and the",
        "  key; an entry for an unknown table is reported and ignored; the other files load. A",
        "  file that is not valid YAML blocks the tables it names at the start of a line.",
        "- A file rejected before is tried again when the mapping file changed after its",
        "  rejection. Files already loaded are not reloaded when the mapping changes.",
        "- The run's messages say which columns were renamed and in how many rows each column's",
        "  values were mapped.",
        "",
    ]


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
        "- Flat files (CSV, Parquet): a column is found by its name (any case), by its",
        "  Salesforce API name in snake_case (`AccountId` -> `account_id`, `Team__c` -> `team_c`,",
        "  `UserRole.Name` -> `user_role_name`), or by one of its **other names** (Fivetran's),",
        "  which fill the rows where the columns before them are empty; a name marked",
        "  *(preferred)* goes first instead: it wins over the column's own name where it holds",
        "  a value (in JSON too, over the json path). Two file columns for one contract column",
        "  by name or API name reject the file, naming both.",
        "- Epoch columns also take ISO 8601 timestamps (Fivetran lands Stripe's times so),",
        "  converted to unix seconds under the same plausible range (`9999-12-31` is quarantined).",
        "- Fivetran's `_fivetran_deleted` = true (and `is_deleted`/`deleted` = true in a table",
        "  without that column) sets the table's deletion flag (`is_deleted`, `deleted`), and",
        "  quarantines the row where the table has none; in history mode",
        "  (`_fivetran_active`) every version loads where the table orders versions by a record",
        "  column (`Latest version by`), else only the active one (a note counts the others);",
        "  a key with no active version was deleted in the source: its versions are flagged",
        "  deleted, or quarantined where the table has no deletion flag;",
        "  `_fivetran_synced` is ignored: the version order stays the table's own.",
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
            lines += _shapes(table)
            lines.append(f"- Key: {', '.join(f'`{k}`' for k in table.key)}")
            if table.updated_by:
                lines.append(f"- Latest version by: `{table.updated_by}`")
            nested = NESTED.get((system.name, table.name))
            if nested:
                lines.append(
                    f"- JSON files also feed `{table.raw_schema}.{nested[0]}` from "
                    f"`{nested[1]}` (the parent's columns fill the child's empty ones: "
                    + ", ".join(f"`{c}` <- `{p}`" for c, p in nested[2].items())
                    + ")"
                )
            lines += [
                "",
                "| column | type | duckdb type | required | allowed | json path | other names "
                "| notes |",
                "|---|---|---|---|---|---|---|---|",
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
                    f"| {allowed} | {paths} "
                    f"| {_other_names(c)} | {notes.strip()} |"
                )
            lines.append("")
    lines += _mapping_section()
    return "\n".join(lines)


def _other_names(col: Column) -> str:
    """A column's other names in flat files: preferred ones first (they win), then aliases."""
    names = [f"`{p}` (preferred)" for p in col.prefer] + [f"`{a}`" for a in col.aliases]
    return ", ".join(names)


def write_landing_contract(path: Path = DOC_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_landing_contract())
    return path


if __name__ == "__main__":
    print(write_landing_contract(Path(sys.argv[1]) if len(sys.argv) > 1 else DOC_PATH))
