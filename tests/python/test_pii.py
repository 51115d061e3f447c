"""PII: no email address, phone number or person name of the landed data survives into the
marts, intermediate tables or staging views of a built warehouse, and no file of the repository
holds something that looks like a secret.

The names searched for are the ones the generator actually wrote (read back from the landing
files), so the scan cannot pass merely because it looks for the wrong strings.
"""

from __future__ import annotations

import csv
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from helpers import PROJECT_DIR, ReferenceRun

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(
    r"\+\d{1,3}[-. ]?\(?\d{2,4}\)?[-. ]?\d{3,4}[-. ]?\d{3,5}"  # +1-760-8605937, +44 20 7946 0958
    r"|(?<![\d-])\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}(?![\d-])"  # (760) 860-5937, 760.860.5937
)
# Employees' names are kept in staging for the sales org (stg_crm__users.user_name); they must
# not reach intermediate or marts.
ALLOWED_NAME_COLUMNS = {("staging", "stg_crm__users", "user_name")}
# Google Ads customer ids are written like US phone numbers (123-456-7890): an account id.
PHONE_LIKE_ID_COLUMNS = {"ad_account_id"}
TEXT_TYPES = ("VARCHAR", "JSON")


def _csv_rows(landing: Path, system: str, table: str) -> Iterator[dict[str, str]]:
    for path in sorted((landing / system / table).glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            yield from csv.DictReader(fh)


def landed_people(landing: Path) -> tuple[set[str], set[str], set[str]]:
    """(full names, emails, phones) of the people in the landing files: leads, contacts, form
    submissions and CRM users (full names lower-cased)."""
    names: set[str] = set()
    emails: set[str] = set()
    phones: set[str] = set()
    for system, table in (
        ("crm", "lead"),
        ("crm", "contact"),
        ("marketing", "form_submissions"),
    ):
        for row in _csv_rows(landing, system, table):
            first, last = (
                (row.get("first_name") or "").strip(),
                (row.get("last_name") or "").strip(),
            )
            if first and last:
                names.add(f"{first} {last}".lower())
            if row.get("email"):
                emails.add(row["email"].strip().lower())
            if row.get("phone"):
                phones.add(row["phone"].strip())
    for row in _csv_rows(landing, "crm", "user"):
        if row.get("name"):
            names.add(row["name"].strip().lower())
    return names, emails, phones


def text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema in ('staging', 'intermediate', 'marts') order by 1, 2, 3"
    ).fetchall()
    return [
        (s, t, c)
        for s, t, c, dtype in rows
        if dtype.upper().startswith(TEXT_TYPES)
        or dtype.upper().startswith(("STRUCT", "MAP"))
        or dtype.upper().endswith("[]")
    ]


def scan_warehouse(db_path: Path, landing: Path) -> dict[str, list[str]]:
    """Hits per kind ('email', 'phone', 'name'), each as 'schema.table.column: value'."""
    names, _, _ = landed_people(landing)
    name_re = re.compile(
        r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    hits: dict[str, list[str]] = {"email": [], "phone": [], "name": []}
    with duckdb.connect(str(db_path), read_only=True) as con:
        for schema, table, column in text_columns(con):
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from {schema}."{table}" '
                f'where "{column}" is not null'
            ).fetchall()
            where = f"{schema}.{table}.{column}"
            for (value,) in values:
                if EMAIL.search(value):
                    hits["email"].append(f"{where}: {value[:80]}")
                if column not in PHONE_LIKE_ID_COLUMNS and PHONE.search(value):
                    hits["phone"].append(f"{where}: {value[:80]}")
                if (schema, table, column) not in ALLOWED_NAME_COLUMNS and name_re.search(value):
                    hits["name"].append(f"{where}: {value[:80]}")
    return hits


@pytest.mark.slow
def test_the_scan_finds_what_it_looks_for(trust_landing: Path, tmp_path: Path) -> None:
    """The detectors on a warehouse that does leak: every planted value is found, nothing else."""
    names, emails, phones = landed_people(trust_landing)
    assert len(names) > 20 and len(emails) > 20 and len(phones) > 20
    name, email, phone = sorted(names)[0], sorted(emails)[0], sorted(phones)[0]
    db = tmp_path / "leaky.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.leaky (id varchar, note varchar, day date, n bigint)")
        con.execute(
            "insert into marts.leaky values "
            "('a', ?, date '2026-01-15', 1), ('b', ?, null, 2), ('c', ?, null, 3), "
            "('d', 'Acme Analytics Inc, 2026-01-15, 005000000000000006', null, 4)",
            [f"call {name.title()} tomorrow", f"mail {email.upper()}", f"ring {phone}"],
        )
    hits = scan_warehouse(db, trust_landing)
    assert [h.split(": ")[0] for h in hits["name"]] == ["marts.leaky.note"]
    assert [h.split(": ", 1)[1] for h in hits["email"]] == [f"mail {email.upper()}"]
    assert [h.split(": ", 1)[1] for h in hits["phone"]] == [f"ring {phone}"]


@pytest.mark.slow
def test_no_pii_in_staging_intermediate_or_marts(
    reference_run: ReferenceRun, trust_landing: Path
) -> None:
    with duckdb.connect(str(reference_run.paths.warehouse), read_only=True) as con:
        scanned = {s for s, _, _ in text_columns(con)}
    assert scanned == {"staging", "intermediate", "marts"}
    hits = scan_warehouse(reference_run.paths.warehouse, trust_landing)
    assert hits == {"email": [], "phone": [], "name": []}


# --- secrets in the repository ---------------------------------------------------------------

SKIP_DIRS = {
    ".git",
    ".venv",
    "target",
    "logs",
    "dbt_packages",
    "warehouse",
    "landing",
    ".dagster_home",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "gx_docs",
    "node_modules",
}
MAX_BYTES = 2_000_000
SECRETS = {
    "password assignment": re.compile(
        r"(?i)\b(?:password|passwd|pwd)\b\s*[:=]\s*(?![\s'\"]*(?:\{\{|\$\{|env_var|os\.environ))"
        r"['\"]?[^\s'\"]{3,}"
    ),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key assignment": re.compile(
        r"(?i)aws_secret_access_key\s*[:=]\s*['\"]?[A-Za-z0-9/+]{40}"
    ),
    "private key block": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    "token assignment": re.compile(
        r"(?i)\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|motherduck_token)"
        r"\b\s*[:=]\s*['\"][A-Za-z0-9_\-/+=]{16,}['\"]"
    ),
    "GitHub or Slack token": re.compile(r"\b(?:ghp_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,})"),
}


def _candidate_files(root: Path) -> list[Path]:
    """The repo's files as git sees them (tracked and untracked-not-ignored), else a walk."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return sorted(root.rglob("*"))
    return sorted(root / name for name in listed.split("\0") if name)


def repo_text_files(root: Path) -> Iterator[Path]:
    for path in _candidate_files(root):
        rel = path.relative_to(root).parts
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel[:-1]):
            continue
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        head = path.read_bytes()[:4096]
        if b"\0" in head:  # binary
            continue
        yield path


def find_secrets(root: Path) -> list[str]:
    found = []
    for path in repo_text_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for kind, pattern in SECRETS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {kind}")
    return found


def test_the_secret_patterns_catch_planted_secrets(tmp_path: Path) -> None:
    # built from pieces so that this file itself holds no match
    planted = {
        "a.yml": "password" + ": hunter22\n",
        "b.env": "AWS_ACCESS_KEY_ID=" + "AKIA" + "ABCDEFGHIJKLMNOP\n",
        "c.pem": "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIB\n",
        "d.py": 'api_key = "' + "sk_live_" + "0123456789abcdef" + '"\n',
        "e.cfg": "aws_secret_access_key = " + "a" * 40 + "\n",
    }
    harmless = {
        "ok.yml": "password: \"{{ env_var('DB_PASSWORD') }}\"\n",
        "ok.py": 'password = os.environ["DB_PASSWORD"]\n',
    }
    for name, text in {**planted, **harmless}.items():
        (tmp_path / name).write_text(text)
    found = {line.split(":", 1)[0] for line in find_secrets(tmp_path)}
    assert found == set(planted)


def test_no_file_of_the_repo_looks_like_a_secret() -> None:
    assert find_secrets(PROJECT_DIR) == []


def test_profiles_read_every_setting_from_the_environment() -> None:
    profiles = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    literal_ok = {"type"}  # the adapter name is not configuration

    def leaves(node: object, path: str) -> Iterator[tuple[str, object]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from leaves(value, f"{path}.{key}")
        else:
            yield path, node

    outputs = {
        name: out for profile in profiles.values() for name, out in profile["outputs"].items()
    }
    assert outputs
    for name, output in outputs.items():
        for path, value in leaves(output, name):
            if path.rsplit(".", 1)[-1] in literal_ok:
                continue
            if path.endswith(".path") and value == ":memory:":
                continue  # an in-memory database (the published target's): no file to point at
            assert "env_var(" in str(value), f"profiles.yml {path} is not read from the environment"
