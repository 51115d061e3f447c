"""Find the landing files of every contract table; report whatever does not fit the layout.

A file whose stem is an ISO date (`crm/task/2026-10-31.csv`) is DATED: the extract of that
day, loaded by the run whose window holds the day. Any other file is UNDATED (a bulk or
hand-dropped file) and is loaded by whichever run comes first.

A gzip-compressed export keeps its format's suffix before `.gz` (`2026-10-31.csv.gz`,
`events.jsonl.gz`): the format and the date come from the name without `.gz`. Whether a file
really is compressed is decided later from its first bytes (readers.sniff), so a gzip file
merely named `.csv` loads too. A broken symbolic link is reported, never followed.

A table's folder (or single file) may also carry one of the table's `aliases` in the contract
(Fivetran's singular `charge` for `charges`): its files load into the same raw table. The user's
mapping file (`<landing>/mapping.yml`, see mapping.py) is not a landing file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from revops.contract import Table, load_contract
from revops.ingest.mapping import MAPPING_FILE

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
# Suffix of a gzip-compressed CSV or JSON export (not Parquet, which compresses inside the file).
GZIP_SUFFIX = ".gz"


@dataclass(frozen=True)
class LandingFile:
    table: Table
    path: Path
    rel_path: str  # relative to the landing folder, '/'-separated: the file's identity
    fmt: str  # csv | parquet | jsonl | json
    file_date: date | None = None  # the day of a dated file, None for an undated one


@dataclass
class Discovery:
    files: list[LandingFile] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # relative paths not loaded, with a reason
    outside_window: list[LandingFile] = field(default_factory=list)  # dated, not in the window


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def file_date(stem: str) -> date | None:
    """The date of a dated file's stem (`2026-10-31`), None when the stem is not an ISO date."""
    if not _ISO_DATE.fullmatch(stem):
        return None
    try:
        return date.fromisoformat(stem)
    except ValueError:
        return None


def in_window(lf: LandingFile, window: tuple[date, date] | None) -> bool:
    """Whether a run with this window considers the file: every undated file, and dated files
    of the window's days (every file when there is no window)."""
    if window is None or lf.file_date is None:
        return True
    return window[0] <= lf.file_date <= window[1]


def _visible(path: Path) -> bool:
    return not path.name.startswith((".", "_"))


def split_name(path: Path) -> tuple[str, str | None]:
    """(stem, format) of a landing file name, `.gz` set aside: `2026-10-31.csv.gz` gives
    ('2026-10-31', 'csv'); the format is None when the suffix is not a landing format."""
    name = path.name
    if name.lower().endswith(GZIP_SUFFIX):
        name = name[: -len(GZIP_SUFFIX)]
        fmt = FORMATS.get(Path(name).suffix.lower())
        if fmt == "parquet":
            fmt = None
    else:
        fmt = FORMATS.get(Path(name).suffix.lower())
    return Path(name).stem, fmt


def _broken_link(path: Path) -> str | None:
    """Why a symbolic link cannot be followed (its target is missing), else None."""
    if path.is_symlink() and not path.exists():
        return f"a broken symbolic link (its target {path.readlink()} does not exist)"
    return None


GLOB_CHARACTERS = frozenset("*?[")


def _add(found: Discovery, lf: LandingFile) -> None:
    """A file to load, unless its path holds a character DuckDB's readers expand as a glob
    (`x[1].csv` would read `x1.csv`, `y*.csv` every `y...csv`): such a file is reported."""
    if GLOB_CHARACTERS & set(str(lf.path)):
        found.unknown.append(
            f"{lf.rel_path}: its path holds one of * ? [ (the reader would take it as a "
            "pattern and read other files): rename it"
        )
    else:
        found.files.append(lf)


def discover(
    landing_dir: Path,
    systems: list[str] | None = None,
    window: tuple[date, date] | None = None,
) -> Discovery:
    """List <landing>/<system>/<table>/*.<ext> and <landing>/<system>/<table>.<ext> files.

    Files are returned sorted by relative path so loads are deterministic (dated names sort
    chronologically). Folders and files that match no contract table are reported in `unknown`,
    never loaded. With a window (first day, last day, inclusive), dated files of other days go
    to `outside_window` instead of `files`.
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
        if system_dir.name == MAPPING_FILE and system_dir.is_file():
            continue
        broken = _broken_link(system_dir)
        if broken:
            found.unknown.append(f"{rel(system_dir)}: {broken}")
            continue
        if not system_dir.is_dir() or system_dir.name not in contract:
            found.unknown.append(f"{rel(system_dir)}: not a system of the landing contract")
            continue
        tables = dict(contract[system_dir.name].tables)
        tables.update({a: t for t in list(tables.values()) for a in t.aliases})
        for entry in sorted(filter(_visible, system_dir.iterdir())):
            broken = _broken_link(entry)
            if broken:
                found.unknown.append(f"{rel(entry)}: {broken}")
            elif entry.is_dir():
                if entry.name not in tables:
                    found.unknown.append(f"{rel(entry)}: not a table of the landing contract")
                    continue
                for path in sorted(filter(_visible, entry.iterdir())):
                    stem, fmt = split_name(path)
                    broken = _broken_link(path)
                    if broken:
                        found.unknown.append(f"{rel(path)}: {broken}")
                    elif path.is_file() and fmt:
                        _add(
                            found,
                            LandingFile(tables[entry.name], path, rel(path), fmt, file_date(stem)),
                        )
                    else:
                        found.unknown.append(f"{rel(path)}: not a csv/parquet/jsonl/json file")
            else:
                stem, fmt = split_name(entry)
                if fmt and stem in tables:
                    _add(found, LandingFile(tables[stem], entry, rel(entry), fmt))
                else:
                    found.unknown.append(f"{rel(entry)}: not a table of the landing contract")
    found.files.sort(key=lambda f: f.rel_path)
    if window is not None:
        found.outside_window = [f for f in found.files if not in_window(f, window)]
        found.files = [f for f in found.files if in_window(f, window)]
    return found
