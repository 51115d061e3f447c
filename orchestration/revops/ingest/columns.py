"""Which column of a flat file (CSV, Parquet) feeds which contract column.

A file column feeds a contract column, in this order of precedence:
1. the user's mapping file renames it (`mapping.yml`, see mapping.py);
2. its name is the contract name (case-insensitive);
3. its Salesforce API name, normalised to snake_case, is (`AccountId` -> `account_id`,
   `Team__c` -> `team_c`, `UserRole.Name` -> `user_role_name`, `Product2Id` -> `product_2_id`);
4. it is one of the column's `aliases` in the contract (Fivetran's `plan_id` for `price_id`).
Two file columns of kinds 1-3 for one contract column are refused naming both (which value is
meant cannot be told); an alias only fills the rows where the columns before it are empty.
A column's `prefer` names in the contract go the other way: such a file column wins over all
of the above where it holds a value (Fivetran's invoice line `unique_id` over `id`).

Deletion markers: `_fivetran_deleted` = true (Fivetran's, for a record deleted in the source),
and `is_deleted`/`deleted` in a table whose contract has no such column (Fivetran's Stripe
invoice, price, product), mark a deleted record: they set the table's deletion flag
(`is_deleted`, `deleted`) where it has one, and quarantine the row where it has none (it must
not load as a live record). `_fivetran_active` (history mode) = false
marks a past version: loaded where the table orders its versions by a column of the record
(`updated_by`, e.g. system_modstamp), skipped with a note where it has none (the versions
would be indistinguishable: one file, one load). A key with no row where `_fivetran_active` =
true was deleted in the source: every version of it is marked deleted as above (deletion flag,
else quarantine). `_fivetran_synced` is ignored (reported as
an extra column): the version order stays the table's `updated_by`, then the landing day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from revops.contract import Table

FIVETRAN_DELETED = "_fivetran_deleted"
DELETION_MARKERS = (FIVETRAN_DELETED, "is_deleted", "deleted")
FIVETRAN_ACTIVE = "_fivetran_active"


class ColumnConflict(Exception):
    """Two file columns feed one contract column; the message names both."""


def api_name(name: str) -> str:
    """A Salesforce API name (CamelCase, `__c`, `Relation.Field`) in snake_case."""
    s = re.sub(r"[.\s-]+", "_", name.strip())
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", s)  # accountId -> account_Id
    s = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", s)  # UTMSource -> UTM_Source
    s = re.sub(r"(?<=[A-Za-z])(?=[0-9])", "_", s)  # Product2 -> Product_2
    return re.sub(r"_{2,}", "_", s).rstrip("_").lower()


@dataclass
class Resolution:
    """Where each contract column comes from in one file."""

    sources: dict[str, list[str]] = field(default_factory=dict)  # contract column -> file cols
    extra: list[str] = field(default_factory=list)  # file columns that feed nothing
    renamed: list[str] = field(default_factory=list)  # 'File Name -> column' (notes)
    preferred: list[str] = field(default_factory=list)  # 'file column -> column' (notes)
    deleted_markers: list[str] = field(default_factory=list)  # file columns: true = deleted
    fivetran_active: str | None = None  # the file's _fivetran_active column

    @property
    def present(self) -> set[str]:
        return set(self.sources)


def resolve(table: Table, names: list[str], renames: dict[str, str] | None = None) -> Resolution:
    """Resolve a file's column names (as written) against the table; raise ColumnConflict when
    two columns would feed one contract column. `renames`: the mapping file's export column ->
    contract column (matched case-insensitively)."""
    known = {c.name for c in table.columns}
    by_alias = {a: (c.name, i) for c in table.columns for i, a in enumerate(c.aliases)}
    by_prefer = {a: (c.name, i) for c in table.columns for i, a in enumerate(c.prefer)}
    wanted = {k.strip().lower(): v for k, v in (renames or {}).items()}
    out = Resolution()
    primary: dict[str, tuple[str, str]] = {}  # contract column -> (file column, how)
    aliased: dict[str, list[tuple[int, str]]] = {}
    preferred: dict[str, list[tuple[int, str]]] = {}
    for name in names:
        low, api = name.strip().lower(), api_name(name)
        if low in wanted:
            target, how = wanted[low], "renamed by the mapping file"
            out.renamed.append(f"{name} -> {target}")
        elif low in known:
            target, how = low, "its name"
        elif api in known:
            target, how = api, f"its API name ({api})"
        elif low in by_prefer:
            column, order = by_prefer[low]
            preferred.setdefault(column, []).append((order, name))
            out.preferred.append(f"{name} -> {column}")
            continue
        elif low in by_alias or api in by_alias:
            column, order = by_alias[low if low in by_alias else api]
            aliased.setdefault(column, []).append((order, name))
            continue
        elif low in DELETION_MARKERS:
            out.deleted_markers.append(name)
            continue
        elif low == FIVETRAN_ACTIVE:
            out.fivetran_active = name
            continue
        else:
            out.extra.append(low)
            continue
        if target in primary:
            first, first_how = primary[target]
            raise ColumnConflict(
                f"columns '{first}' ({first_how}) and '{name}' ({how}) both feed column "
                f"{target} of {table.system}.{table.name}: which value is meant cannot be "
                "told; remove or rename one"
            )
        primary[target] = (name, how)
    for col in table.columns:
        sources = [n for _, n in sorted(preferred.get(col.name, []))]
        sources += [primary[col.name][0]] if col.name in primary else []
        sources += [n for _, n in sorted(aliased.get(col.name, []))]
        if sources:
            out.sources[col.name] = sources
    return out
