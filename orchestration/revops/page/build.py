"""Write the weekly revenue page: <page dir>/index.html and plotly.min.js beside it.

The page opens from disk with no network: the Plotly bundle of the venv is copied into the
folder (only when missing or from another Plotly version), and index.html loads it by a
relative path. index.html is written beside its final name and swapped in with os.replace, so a
browser never reads half a page.

`python -m revops.page.build` builds it from the published warehouse by hand (no check results:
those come from the Dagster run that builds it in the daily job).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from revops.page import INDEX
from revops.page.data import CheckStatus, read_page_data
from revops.page.render import PLOTLY_JS, render


def write_plotly_js(folder: Path) -> bool:
    """Copy the venv's plotly.min.js into `folder` unless an identical copy is there; True
    when written."""
    from plotly.offline import get_plotlyjs

    expected = get_plotlyjs().encode()
    target = folder / PLOTLY_JS
    same_size = target.is_file() and target.stat().st_size == len(expected)
    if same_size and target.read_bytes() == expected:
        return False
    _write_atomic(target, expected)
    return True


def _write_atomic(target: Path, content: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def build_page(database: Path, folder: Path, checks: CheckStatus | None = None) -> Path:
    """Build the page from the published file `database` into `folder`; returns index.html."""
    if not database.is_file():
        raise FileNotFoundError(
            f"no published warehouse at {database}: the page is built from it (make run)"
        )
    data = read_page_data(database)
    page = render(data, checks, datetime.now(UTC))
    folder.mkdir(parents=True, exist_ok=True)
    write_plotly_js(folder)
    index = folder / INDEX
    _write_atomic(index, page.encode())
    return index


def main() -> int:
    from revops.config import page_dir, published_dir
    from revops.publish import DB_NAME

    try:
        index = build_page(published_dir() / DB_NAME, page_dir())
    except (FileNotFoundError, ValueError) as exc:
        print(f"Cannot build the weekly page: {exc}", file=sys.stderr)
        return 2
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
