"""What a load run did, per file and per table: the value load_landing returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Status = Literal["loaded", "skipped", "rejected"]


@dataclass
class FileResult:
    file: str  # path relative to the landing folder
    table: str  # qualified raw table, e.g. raw_crm.opportunity
    sha256: str | None  # None when the file could not be read at all
    status: Status
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    # why it was rejected; on a skipped file, the earlier rejection of the same content (the
    # file is still rejected)
    error: str | None = None
    messages: list[str] = field(default_factory=list)
    landed_date: date | None = None  # the rows' _landed_date
    duplicate_of: str | None = None  # skipped: the path already loaded with the same content


@dataclass
class TableResult:
    table: str
    files_loaded: int = 0
    files_skipped: int = 0
    files_rejected: int = 0
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0


@dataclass
class LoadReport:
    loaded_at: datetime
    files: list[FileResult] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    window: tuple[date, date] | None = None  # the run's days (inclusive); None: every file
    waiting: list[str] = field(default_factory=list)  # dated files outside it, never loaded
    # problems outside any one landing file (an entry of the mapping file for no table)
    errors: list[str] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, TableResult]:
        out: dict[str, TableResult] = {}
        for f in self.files:
            t = out.setdefault(f.table, TableResult(f.table))
            if f.status == "loaded":
                t.files_loaded += 1
            elif f.status == "skipped":
                t.files_skipped += 1
            else:
                t.files_rejected += 1
            t.rows_in += f.rows_in
            t.rows_loaded += f.rows_loaded
            t.rows_quarantined += f.rows_quarantined
        return out

    def table(self, qualified_name: str) -> TableResult:
        return self.tables.get(qualified_name, TableResult(qualified_name))

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "rejected"]

    @property
    def still_rejected(self) -> list[FileResult]:
        """Files rejected by an earlier run whose content has not changed: skipped, not tried
        again, their `error` the earlier rejection."""
        return [f for f in self.files if f.status == "skipped" and f.error]

    @property
    def duplicates(self) -> list[FileResult]:
        """Files skipped because the same content was loaded from another path."""
        return [f for f in self.files if f.status == "skipped" and f.duplicate_of]

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.errors

    @property
    def messages(self) -> list[str]:
        """Rejections first (this run's, then earlier ones of unchanged files), then row-level
        problems and notes, then unknown landing paths."""
        out = list(self.errors)
        out += [f.error for f in self.rejected + self.still_rejected if f.error]
        out += [m for f in self.files for m in f.messages]
        out += [f"not loaded: {u}" for u in self.unknown]
        if self.waiting and self.window:
            shown = ", ".join(self.waiting[:5]) + (" ..." if len(self.waiting) > 5 else "")
            out.append(
                f"{len(self.waiting)} dated file(s) outside the window {self.window[0]} .. "
                f"{self.window[1]} wait for the run of their day: {shown}"
            )
        return out
