"""Find the landing files of every contract table; report whatever does not fit the layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from revops.contract import Table, load_contract

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


@dataclass(frozen=True)
class LandingFile:
    table: Table
    path: Path
    rel_path: str  # relative to the landing folder, '/'-separated: the file's identity
    fmt: str  # csv | parquet | jsonl | json


@dataclass
class Discovery:
    files: list[LandingFile] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # relative paths not loaded, with a reason


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def discover(landing_dir: Path, systems: list[str] | None = None) -> Discovery:
    """List <landing>/<system>/<table>/*.<ext> and <landing>/<system>/<table>.<ext> files.

    Files are returned sorted by relative path so loads are deterministic. Folders and files
    that match no contract table are reported in `unknown`, never loaded.
    """
    contract = load_contract()
    found = Discovery()
    if not landing_dir.is_dir():
        return found

    def rel(p: Path) -> str:
        return p.relative_to(landing_dir).as_posix()

    for system_dir in sorted(filter(_visible, landing_dir.iterdir())):
        if systems is not None and system_dir.name not in systems:
            continue
        if not system_dir.is_dir() or system_dir.name not in contract:
            found.unknown.append(f"{rel(system_dir)}: not a system of the landing contract")
            continue
        tables = contract[system_dir.name].tables
        for entry in sorted(filter(_visible, system_dir.iterdir())):
            if entry.is_dir():
                if entry.name not in tables:
                    found.unknown.append(f"{rel(entry)}: not a table of the landing contract")
                    continue
                for path in sorted(filter(_visible, entry.iterdir())):
                    fmt = FORMATS.get(path.suffix.lower())
                    if path.is_file() and fmt:
                        found.files.append(LandingFile(tables[entry.name], path, rel(path), fmt))
                    else:
                        found.unknown.append(f"{rel(path)}: not a csv/parquet/jsonl/json file")
            else:
                fmt = FORMATS.get(entry.suffix.lower())
                if fmt and entry.stem in tables:
                    found.files.append(LandingFile(tables[entry.stem], entry, rel(entry), fmt))
                else:
                    found.unknown.append(f"{rel(entry)}: not a table of the landing contract")
    found.files.sort(key=lambda f: f.rel_path)
    return found
