"""What a run must build, decided from facts: the state of the last successful dbt build
(table raw_meta.build_state) against what was loaded since (raw_meta.load_log), the run's
as_of_date and the dbt project (a fingerprint of the manifest).

- nothing loaded since the last build, as_of_date and the project unchanged: nothing to build
  (no dbt, no mart checks, nothing published);
- the project changed, a full refresh, or no build recorded yet: the whole project;
- else the raw tables that got rows and what depends on them (`source:<system>.<table>+`),
  `source:meta+` when the load log itself grew (rejected files, quarantine), `int_as_of_date+`
  when as_of_date moved. Views in that selection are re-created too: excluding them would also
  drop every data test with a view parent (dbt's eager indirect selection).

Every successful build appends one row, with the marts it rebuilt; publishing marks the rows
it published, so the mart checks and the publication act on the marts rebuilt since the last
publication, not only in this run (a run whose publication was blocked is not forgotten).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from revops.config import PROJECT_DIR

TABLE = "raw_meta.build_state"
DDL = f"""create table if not exists {TABLE} (
    built_at timestamp,
    loaded_until timestamp,
    as_of_date varchar,
    manifest_sha varchar,
    window_start date,
    window_end date,
    selection varchar,
    rebuilt_marts varchar[],
    published_at timestamp)"""
AS_OF_MODEL = "int_as_of_date"
META_SOURCE = "meta"
MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class BuildState:
    """The facts of one successful build."""

    loaded_until: datetime | None  # max(loaded_at) of raw_meta.load_log when it was built
    as_of_date: str  # the run's as_of_date setting ("" = from the data)
    manifest_sha: str


@dataclass(frozen=True)
class BuildPlan:
    """The dbt selection of a run: select empty and whole = the whole project; neither =
    nothing to build."""

    reason: str
    whole: bool = False
    select: list[str] = field(default_factory=list)
    # rebuild the incremental models from scratch too: their old rows were built by other code
    full_refresh: bool = False

    @property
    def nothing(self) -> bool:
        return not self.whole and not self.select


def manifest_fingerprint(manifest: Mapping[str, Any]) -> str:
    """A hash of what a build depends on in the dbt project: every node's file checksum,
    config, contract and dependencies, the SQL of the project's macros and dbt_project.yml
    (its vars: the manifest does not hold them). Unlike the manifest file it ignores parse
    times and invocation ids."""
    parts: dict[str, Any] = {}
    for kind in ("nodes", "sources", "seeds", "snapshots"):
        for key, node in (manifest.get(kind) or {}).items():
            parts[key] = [
                (node.get("checksum") or {}).get("checksum"),
                node.get("config"),
                (node.get("depends_on") or {}).get("nodes"),
                node.get("columns") and sorted(node["columns"]),
                (node.get("contract") or {}).get("checksum"),
            ]
    project = (manifest.get("metadata") or {}).get("project_name")
    for key, macro in (manifest.get("macros") or {}).items():
        if macro.get("package_name") == project:
            parts[key] = macro.get("macro_sql")
    project_file = PROJECT_DIR / "dbt_project.yml"
    parts["dbt_project.yml"] = project_file.read_text() if project_file.exists() else None
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def source_selectors(manifest: Mapping[str, Any]) -> dict[str, str]:
    """raw table as load_log names it (`raw_crm.opportunity`) -> dbt source selector
    (`source:crm.opportunity`)."""
    out = {}
    for source in (manifest.get("sources") or {}).values():
        table = source.get("identifier") or source["name"]
        out[f"{source['schema']}.{table}"] = f"source:{source['source_name']}.{source['name']}"
    return out


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw_meta")
    con.execute(DDL)


def _has_table(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def last_build(con: duckdb.DuckDBPyConnection) -> BuildState | None:
    """The state of the latest successful build (None: no build recorded)."""
    if not _has_table(con, TABLE):
        return None
    row = con.execute(
        f"select loaded_until, as_of_date, manifest_sha from {TABLE} order by built_at desc limit 1"
    ).fetchone()
    return BuildState(row[0], row[1] or "", row[2]) if row else None


def loaded_until(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The load log's high-water mark: its latest loaded_at."""
    if not _has_table(con, "raw_meta.load_log"):
        return None
    return con.execute("select max(loaded_at) from raw_meta.load_log").fetchone()[0]


def loaded_since(con: duckdb.DuckDBPyConnection, since: datetime | None) -> tuple[list[str], bool]:
    """(raw tables that got rows after `since`, whether the load log got any row after it)."""
    if not _has_table(con, "raw_meta.load_log"):
        return [], False
    where = "loaded_at > ?" if since is not None else "true"
    params = [since] if since is not None else []
    tables = con.execute(
        f'select distinct "table" from raw_meta.load_log where {where} '
        "and status = 'loaded' and rows_loaded > 0 order by 1",
        params,
    ).fetchall()
    logged = con.execute(f"select count(*) from raw_meta.load_log where {where}", params)
    return [t for (t,) in tables], logged.fetchone()[0] > 0


def plan_build(
    last: BuildState | None,
    current: BuildState,
    changed_tables: Iterable[str],
    log_changed: bool,
    sources: Mapping[str, str],
    full_refresh: bool = False,
) -> BuildPlan:
    """What to build, from the last build's state and what changed since (see the module)."""
    if full_refresh:
        return BuildPlan("full refresh: the whole project", whole=True, full_refresh=True)
    if last is None:
        return BuildPlan("no earlier build recorded: the whole project", whole=True)
    # A project change (a model, macro, seed, var) reaches the rows incremental models built
    # before it, e.g. a new channel mapping the touches of past months: a plain build would
    # apply it to the window's rows only, so the whole project is rebuilt from scratch.
    if last.manifest_sha != current.manifest_sha:
        return BuildPlan(
            "the dbt project changed since the last build: the whole, from scratch",
            whole=True,
            full_refresh=True,
        )
    select = [f"{sources[t]}+" for t in changed_tables if t in sources]
    reasons = [f"rows landed in {', '.join(changed_tables)}"] if select else []
    if log_changed:
        select.append(f"source:{META_SOURCE}+")
        if not reasons:
            reasons.append("the load log changed (files rejected or failed)")
    if current.as_of_date != last.as_of_date:
        select.append(f"{AS_OF_MODEL}+")
        old, new = last.as_of_date or "from the data", current.as_of_date or "from the data"
        reasons.append(f"as_of_date moved ({old} -> {new})")
    if not select:
        return BuildPlan(
            "nothing new: no file loaded since the last build, as_of_date and the dbt "
            "project unchanged"
        )
    return BuildPlan("; ".join(reasons), select=select)


def plan_for(
    con: duckdb.DuckDBPyConnection | None,
    manifest: Mapping[str, Any],
    as_of_date: str,
    full_refresh: bool = False,
) -> tuple[BuildPlan, BuildState]:
    """What a run must build now, and the state to record once it is built (con: the working
    warehouse, None when it does not exist yet)."""
    fingerprint = manifest_fingerprint(manifest)
    if con is None:
        state = BuildState(None, as_of_date, fingerprint)
        return plan_build(None, state, [], False, {}, full_refresh), state
    last = last_build(con)
    state = BuildState(loaded_until(con), as_of_date, fingerprint)
    changed, log_changed = loaded_since(con, last.loaded_until if last else None)
    plan = plan_build(last, state, changed, log_changed, source_selectors(manifest), full_refresh)
    return plan, state


def planned_nodes(plan: BuildPlan, manifest: Mapping[str, Any]) -> set[str]:
    """The unique ids the plan's selectors reach (they and their descendants in the manifest's
    child_map; every node for a whole plan)."""
    nodes = manifest.get("nodes", {})
    if plan.whole:
        return set(nodes)
    starts: list[str] = []
    for selector in plan.select:
        name = selector.rstrip("+")
        if name.startswith("source:"):
            wanted = name.removeprefix("source:")
            starts += [
                key
                for key, s in (manifest.get("sources") or {}).items()
                if wanted in (s["source_name"], f"{s['source_name']}.{s['name']}")
            ]
        else:
            starts += [key for key, n in nodes.items() if n.get("name") == name]
    children = manifest.get("child_map", {})
    seen, todo = set(starts), list(starts)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def planned_marts(plan: BuildPlan, manifest: Mapping[str, Any]) -> set[str]:
    """The marts the plan rebuilds, known before dbt starts."""
    nodes = manifest.get("nodes", {})
    return {
        nodes[key]["name"]
        for key in planned_nodes(plan, manifest)
        if nodes.get(key, {}).get("resource_type") == "model"
        and nodes[key].get("schema") == MARTS_SCHEMA
    }


def rebuilt_marts(run_results: Mapping[str, Any], manifest: Mapping[str, Any]) -> set[str]:
    """The marts (models of schema marts) a dbt invocation built, from its run_results."""
    nodes = manifest.get("nodes", {})
    return {
        nodes[r["unique_id"]]["name"]
        for r in run_results.get("results", [])
        if r.get("status") == "success"
        and nodes.get(r["unique_id"], {}).get("resource_type") == "model"
        and nodes[r["unique_id"]].get("schema") == MARTS_SCHEMA
    }


def record_build(
    con: duckdb.DuckDBPyConnection,
    state: BuildState,
    built_at: datetime,
    window: tuple[Any, Any] | None,
    plan: BuildPlan | None,
    rebuilt_marts: Iterable[str],
) -> None:
    """Append the state of a build (plan None: a partial one, see revops.stages.record_build);
    built_at is stored in UTC."""
    if built_at.tzinfo is not None:
        built_at = built_at.astimezone(UTC).replace(tzinfo=None)
    ensure_table(con)
    con.execute(
        f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, null)",
        [
            built_at,
            state.loaded_until,
            state.as_of_date,
            state.manifest_sha,
            window[0] if window else None,
            window[1] if window else None,
            "partial" if plan is None else "all" if plan.whole else " ".join(plan.select),
            sorted(rebuilt_marts),
        ],
    )


def unpublished_marts(con: duckdb.DuckDBPyConnection) -> set[str] | None:
    """The marts rebuilt by the builds not published yet; None when no build is recorded
    (then every mart counts as changed)."""
    if not _has_table(con, TABLE):
        return None
    if not con.execute(f"select count(*) from {TABLE}").fetchone()[0]:
        return None
    rows = con.execute(
        f"select distinct unnest(rebuilt_marts) from {TABLE} where published_at is null"
    ).fetchall()
    return {r[0] for r in rows}


def latest_build_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the latest recorded build ran (None: none recorded)."""
    if not _has_table(con, TABLE):
        return None
    return con.execute(f"select max(built_at) from {TABLE}").fetchone()[0]


def mark_published(con: duckdb.DuckDBPyConnection, at: datetime, until: datetime) -> None:
    """Mark the builds up to `until` (the latest one a publication read) as published."""
    if _has_table(con, TABLE):
        con.execute(
            f"update {TABLE} set published_at = ? where published_at is null and built_at <= ?",
            [at, until],
        )
