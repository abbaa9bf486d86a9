"""Whether a guarded build on DuckDB is incremental, and what it tells dbt (issue 16).

A build adds to the published tables (dbt's incremental models, the rows of what the
unbuilt loads affect: macros/incremental/incremental.sql) only when all of these hold:

- the warehouse holds a published build (a built load in the ledger) that recorded its
  state in `build_scope.cx_build_state` (this module writes it when the build publishes);
- every unbuilt load appended (a replace load rewrote a raw table: rebuild);
- the project (models, macros, seeds, dbt_project.yml), the vars and the present sources
  are the ones that build used (their fingerprint): new code, another reporting zone or
  a source turning present changes rows no new load touches;
- the build was not asked for --full-refresh.

Then dbt's process gets CX_NEW_LOADS_FROM (the lowest unbuilt load_seq) and
CX_PREVIOUS_AS_OF (the published build's as_of), read by the models while dbt runs them
(macros/incremental/incremental.sql); otherwise both empty and `--full-refresh`. Not
--vars: a var that changes every day makes dbt parse the whole project again. The reason
is said either way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cx_metrics.dbt import merged_vars, project_dir
from cx_metrics.ledger import LedgerState

SCOPE_SCHEMA = "build_scope"
BUILD_STATE = "cx_build_state"
# what a build's rows depend on besides the data: any change means a full rebuild
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds")
# what a scoped build tells dbt, as environment variables (macros/incremental/incremental.sql)
SCOPE_ENV = ("CX_NEW_LOADS_FROM", "CX_PREVIOUS_AS_OF")


@dataclass(frozen=True)
class Plan:
    """How a build runs: incremental (with the vars dbt gets) or a full refresh, and why."""

    incremental: bool
    reason: str
    fingerprint: str
    new_loads_from: int | None = None
    previous_as_of: str | None = None

    def dbt_env(self) -> dict[str, str]:
        """The environment variables of dbt's process that scope the build (empty: a full one)."""
        if not self.incremental:
            return dict.fromkeys(SCOPE_ENV, "")
        values = (self.new_loads_from, self.previous_as_of)
        return {
            name: "" if value is None else str(value) for name, value in zip(SCOPE_ENV, values, strict=True)
        }

    def dbt_args(self) -> list[str]:
        return [] if self.incremental else ["--full-refresh"]

    def message(self) -> str:
        if self.incremental:
            return (
                f"incremental build: the rows loads {self.new_loads_from}+ affect "
                f"(previous as_of {self.previous_as_of})"
            )
        return f"full build: {self.reason}"


def fingerprint(vars_text: str | None, present: list[str], root: Path | None = None) -> str:
    """sha256 of the project's model, macro and seed files, the vars and the present sources."""
    root = root or project_dir()
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        path = root / name
        if not path.exists():
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    digest.update(merged_vars(vars_text, {}).encode() + b"\0" + ",".join(present).encode())
    return digest.hexdigest()


def _previous(con) -> tuple[str, str | None] | None:
    """(fingerprint, as_of) the published build recorded, or None."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [SCOPE_SCHEMA, BUILD_STATE],
    ).fetchall()[0][0]
    if not found:
        return None
    rows = con.execute(f"select fingerprint, as_of from {SCOPE_SCHEMA}.{BUILD_STATE}").fetchall()
    if len(rows) != 1:
        return None
    as_of = rows[0][1]
    return rows[0][0], None if as_of is None else as_of.isoformat(sep=" ")


def plan(con, state: LedgerState | None, current: str, full_refresh: bool) -> Plan:
    """The plan for a build of the warehouse behind `con` (read-only is enough)."""

    def full(reason: str) -> Plan:
        return Plan(False, reason, current)

    if full_refresh:
        return full("--full-refresh")
    if state is None or state.last_build is None:
        return full("the first build of this warehouse")
    replaced = sorted({table for _, table, mode in state.unbuilt_files if mode == "replace"})
    if replaced:
        return full(f"a replace load since the last build ({', '.join(replaced)})")
    previous = _previous(con)
    if previous is None:
        return full(f"the last build did not record its state ({SCOPE_SCHEMA}.{BUILD_STATE})")
    if previous[0] != current:
        return full("the project, its vars or the present sources changed since the last build")
    # nothing unbuilt (a scheduled run with no new files): the loads after the last one
    new_loads_from = min(state.unbuilt) if state.unbuilt else (state.last_seq or 0) + 1
    return Plan(True, "", current, new_loads_from, previous[1])


def unchanged(con, current: str) -> bool:
    """The published build recorded this fingerprint (same project, vars and present sources)."""
    previous = _previous(con)
    return previous is not None and previous[0] == current


def record(con, fingerprint_value: str, run_id: str) -> None:
    """Write the state of this build (called on the build file before it is published)."""
    as_of = con.execute("select max(as_of) from intermediate.int_as_of").fetchall()[0][0]
    con.execute(f"create schema if not exists {SCOPE_SCHEMA}")
    con.execute(
        f"create or replace table {SCOPE_SCHEMA}.{BUILD_STATE} "
        "(fingerprint varchar, as_of timestamp, built_by varchar, built_at timestamp)"
    )
    con.execute(
        f"insert into {SCOPE_SCHEMA}.{BUILD_STATE} values (?, ?, ?, ?)",
        [fingerprint_value, as_of, run_id, datetime.now(UTC).replace(tzinfo=None, microsecond=0)],
    )
