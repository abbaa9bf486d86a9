"""The load ledger as the build reads and marks it (raw.cx_load_ledger, written by cx_metrics.load).

A build starts from the ledger's unbuilt rows: none (and a ledger with rows) means
nothing new since the last published build, and the build changes nothing. A published
build marks the rows it covered built (`is_built`, `built_by` = its run id, `built_at`),
in the published warehouse itself: on DuckDB in the build file before the atomic
replace, on Postgres in the swap's transaction. A build that stops or is killed marks
nothing, so the next build covers its loads again.

For incremental models (issue 16 part 2) the unbuilt rows say what is new: their
`load_seq` (the raw rows carrying it as `_load_seq`, hence their keys), their table and
their event-time range (`event_time_min`, `event_time_max`).

Connections: anything with DuckDB's `execute(sql, params).fetchall()` and `?`
placeholders (a DuckDB connection, or cx_metrics.quality.postgres.ReadOnlyConnection).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cx_metrics.contract import LOAD_LEDGER


@dataclass(frozen=True)
class LedgerState:
    """What the ledger says before a build."""

    files: int  # ledger rows
    unbuilt: tuple[int, ...]  # load_seq of the rows no published build covered yet
    unbuilt_files: tuple[tuple[int, str, str], ...]  # (load_seq, table_name, load_mode) of those
    last_build: str | None  # built_by of the latest built row
    last_built_at: datetime | None
    last_seq: int | None = None  # the highest load_seq in the ledger

    @property
    def nothing_new(self) -> bool:
        return self.files > 0 and not self.unbuilt


def read_state(con) -> LedgerState | None:
    """The ledger's state, or None when the warehouse has no ledger (loaded before it existed)."""
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
        [LOAD_LEDGER],
    ).fetchall()[0][0]
    if not found:
        return None
    rows = con.execute(
        f"select load_seq, is_built, built_by, built_at, table_name, load_mode from raw.{LOAD_LEDGER} "
        "order by load_seq"
    ).fetchall()
    built = sorted((r for r in rows if r[1]), key=lambda r: (r[3] is not None, r[3], r[0]))
    last = built[-1] if built else None
    return LedgerState(
        files=len(rows),
        unbuilt=tuple(r[0] for r in rows if not r[1]),
        unbuilt_files=tuple((r[0], r[4], r[5]) for r in rows if not r[1]),
        last_build=last[2] if last else None,
        last_built_at=last[3] if last else None,
        last_seq=max((r[0] for r in rows), default=None),
    )


def raw_scope(state: LedgerState | None, full_refresh: bool) -> dict[str, tuple[int, ...] | None] | None:
    """Which raw rows the raw checks read (cx_metrics.quality.raw.suite's `scope`).

    Everything (None) on --full-refresh or without a ledger; else, per table with unbuilt
    loads, their load_seq, or None (the whole table) when one of them replaced the table.
    Tables without unbuilt loads are left out (their rows were checked when built)."""
    if full_refresh or state is None:
        return None
    scope: dict[str, tuple[int, ...] | None] = {}
    for seq, table, mode in state.unbuilt_files:
        if mode == "replace" or scope.get(table, ()) is None:
            scope[table] = None
        else:
            scope[table] = (*scope.get(table, ()), seq)
    return scope


def mark_built_sql(seqs: tuple[int, ...], placeholder: str = "?") -> str:
    """The update marking the given ledger rows built (params: built_by, built_at)."""
    listed = ", ".join(str(int(s)) for s in seqs)
    return (
        f"update raw.{LOAD_LEDGER} set is_built = true, built_by = {placeholder}, built_at = {placeholder} "
        f"where load_seq in ({listed})"
    )


def mark_built(cur, seqs: tuple[int, ...], run_id: str, placeholder: str = "?") -> None:
    """Mark the ledger rows a build covered (those unbuilt when it started); nothing when none."""
    if not seqs:
        return
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    cur.execute(mark_built_sql(seqs, placeholder), (run_id, now))


def nothing_new_message(state: LedgerState) -> str:
    """What a build with nothing to do says."""
    when = f" at {state.last_built_at:%Y-%m-%d %H:%M:%S} UTC" if state.last_built_at else ""
    return (
        f"nothing new since build {state.last_build}{when}: every load in the ledger is built; "
        "nothing changed (use --full-refresh to rebuild anyway)"
    )
