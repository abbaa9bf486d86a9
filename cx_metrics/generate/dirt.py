"""Dirt: known faults injected into the clean sample, row by row, from a second random
stream, each listed in ``manifest.json`` with what staging is expected to do with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cx_metrics import contract
from cx_metrics.generate.arrow import categorical, timestamps
from cx_metrics.generate.common import Period, loaded_at
from cx_metrics.generate.helpdesk import per_ticket
from cx_metrics.generate.params import CLOSED, DAY, HOUR, NEW, SOLVED, STATUSES

DIRT_STREAM = 1
DIRT_EXPECTED = {
    "duplicates": "superseded",
    "misspelt_enums": "normalised",
    "unknown_enums": "mapped_to_other",
    "negative_durations": "quarantine:negative_duration",
    "ended_before_queued": "quarantine:ended_before_queued",
    "out_of_scale_scores": "quarantine:score_out_of_scale",
    "orphan_customers": "kept_orphan",
    "events_before_ticket": "quarantine:event_before_ticket",
    "late_rows": "kept_late",
}
# per table, in the order rows are allotted: scarce eligibility first, duplicates last
DIRT_PLAN: dict[str, tuple[str, ...]] = {
    "customers": ("duplicates",),
    "products": ("duplicates",),
    "orders": ("duplicates",),
    "returns": ("duplicates",),
    "agents": ("duplicates",),
    "tickets": ("misspelt_enums", "unknown_enums", "orphan_customers", "duplicates"),
    "ticket_events": ("negative_durations", "events_before_ticket", "late_rows", "duplicates"),
    "calls": (
        "ended_before_queued",
        "negative_durations",
        "orphan_customers",
        "misspelt_enums",
        "duplicates",
    ),
    "survey_responses": (
        "late_rows",
        "orphan_customers",
        "out_of_scale_scores",
        "misspelt_enums",
        "duplicates",
    ),
    "qa_evaluations": ("out_of_scale_scores", "duplicates"),
    "social_mentions": ("misspelt_enums", "duplicates"),
}
OUT_OF_SCALE = {"nps": (-1, 11), "csat": (0, 6), "ces": (0, 8)}
MAX_DIRTY_RATE = 0.15


@dataclass(frozen=True)
class CleanFacts:
    """What the clean build knows that the tables alone do not say plainly."""

    event_ticket_row: np.ndarray  # per ticket_events row, its ticket's row in tickets
    event_at: np.ndarray  # per ticket_events row, epoch seconds
    event_status: np.ndarray  # per ticket_events row, the new status code of a status_change, else -1
    call_referenced: np.ndarray  # per calls row, a survey or QA evaluation names it


@dataclass
class DirtContext:
    """The clean facts, the tickets' own times and the period, shared by every dirt class."""

    event_ticket_row: np.ndarray
    event_at: np.ndarray
    event_status: np.ndarray
    call_referenced: np.ndarray
    ticket_created: np.ndarray  # per tickets row, epoch seconds
    ticket_solved: np.ndarray  # per tickets row, epoch seconds, -1 if not solved
    period: Period
    next_orphan: int = 1  # number of the next C-ORPHAN-<n> customer id


def _seconds(table: pa.Table, column: str) -> np.ndarray:
    """Epoch seconds of a timestamp column; null is -1."""
    micros = pc.cast(table.column(column), pa.int64()).fill_null(-1_000_000)
    return micros.to_numpy() // 1_000_000


def _numbers(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).fill_null(0).to_numpy()


def _is_true(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).fill_null(False).to_numpy()


def _is_valid(table: pa.Table, column: str) -> np.ndarray:
    return pc.is_valid(table.column(column)).to_numpy()


def _equals(table: pa.Table, column: str, value: str) -> np.ndarray:
    return pc.equal(table.column(column), value).fill_null(False).to_numpy()


def _replace_rows(table: pa.Table, column: str, rows: np.ndarray, values: pa.Array | list) -> pa.Table:
    """Replace ``column`` at the (ascending) ``rows`` with ``values``."""
    if not len(rows):
        return table
    i = table.schema.get_field_index(column)
    mask = np.zeros(table.num_rows, bool)
    mask[rows] = True
    col = table.column(i).combine_chunks()
    values = pa.array(values, col.type) if isinstance(values, list) else values.cast(col.type)
    return table.set_column(i, column, pc.replace_with_mask(col, pa.array(mask), values))


def _tier(ok: np.ndarray) -> np.ndarray:
    return np.where(ok, 0, -1)


def _first_replies(events: pa.Table, ctx: DirtContext) -> np.ndarray:
    """Each ticket's first agent_reply: left alone so dirt never makes a handled ticket unhandled."""
    idx = np.flatnonzero(_equals(events, "event_type", "agent_reply"))
    _, first = np.unique(ctx.event_ticket_row[idx], return_index=True)
    out = np.zeros(events.num_rows, bool)
    out[idx[first]] = True
    return out


def _eligible(name: str, cls: str, table: pa.Table, ctx: DirtContext) -> np.ndarray:
    """Per row: 0 = preferred for this dirt class, 1 = fallback, -1 = not eligible.

    Quarantine classes avoid rows others depend on (a call that names a ticket or is
    rated, a ticket's first reply), so a quarantined row cascades into nothing else.
    """
    if cls in ("misspelt_enums", "unknown_enums", "out_of_scale_scores"):
        return np.zeros(table.num_rows, np.int64)
    if cls == "duplicates":
        if name != "tickets":
            return np.zeros(table.num_rows, np.int64)
        # the day-earlier extract must have seen the ticket, but not its last event
        earlier = _seconds(table, "_loaded_at") - DAY
        return _tier((_seconds(table, "created_at") < earlier) & (_seconds(table, "updated_at") >= earlier))
    if cls == "orphan_customers":
        ok = _is_valid(table, "customer_id")
        if name == "calls":
            ok &= ~_is_valid(table, "parent_call_id") & _equals(table, "direction", "inbound")
        return _tier(ok)
    if cls == "ended_before_queued":
        return _tier(~_is_valid(table, "answered_at"))
    if cls == "negative_durations" and name == "calls":
        return _tier(
            _is_valid(table, "answered_at")
            & ~_is_true(table, "transferred")
            & ~_is_valid(table, "ticket_id")
            & ~ctx.call_referenced
        )
    if cls == "late_rows" and name == "survey_responses":
        return _tier(_seconds(table, "sent_at") + 4 * DAY + HOUR < ctx.period.end_s)
    if cls == "late_rows":
        solved = ctx.ticket_solved[ctx.event_ticket_row]
        return _tier((solved >= 0) & (ctx.event_at <= solved))
    later_reply = _equals(table, "event_type", "agent_reply") & ~_first_replies(table, ctx)
    if cls == "negative_durations":
        spent = _is_valid(table, "time_spent_seconds")
        note = spent & _equals(table, "event_type", "internal_note")
        return np.where(note, 0, np.where(spent & later_reply, 1, -1))
    if cls == "events_before_ticket":
        prefer = _equals(table, "event_type", "customer_reply") | _equals(table, "event_type", "assigned")
        return np.where(
            prefer, 0, np.where(_equals(table, "event_type", "internal_note") | later_reply, 1, -1)
        )
    raise ValueError(f"no dirt class {cls} for {name}")


def _pick_rows(rng: np.random.Generator, tiers: np.ndarray, used: np.ndarray, want: int) -> np.ndarray:
    """Up to ``want`` distinct unused rows, preferred tier first, in ascending order."""
    chosen: list[np.ndarray] = []
    for tier in (0, 1):
        pool = np.flatnonzero((tiers == tier) & ~used)
        k = min(want - sum(len(c) for c in chosen), len(pool))
        if k > 0:
            chosen.append(rng.choice(pool, k, replace=False))
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64)


def _variants(rng: np.random.Generator, enum: str, canonical: list[str]) -> list[str]:
    """A known misspelling of each canonical value (contract.ENUM_VARIANTS)."""
    options: dict[str, list[str]] = {}
    for raw, canon in contract.ENUM_VARIANTS[enum].items():
        options.setdefault(canon, []).append(raw)
    u = rng.random(len(canonical))
    return [options[c][int(x * len(options[c]))] for c, x in zip(canonical, u, strict=True)]


def _misspell(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    if name == "tickets":  # the category where it has a known variant half the time, else the channel
        spellable = set(contract.ENUM_VARIANTS["category"].values())
        category = table.column("category").take(rows).to_pylist()
        on_category = np.array([c in spellable for c in category], bool) & (rng.random(len(rows)) < 0.5)
        columns = (("channel", rows[~on_category]), ("category", rows[on_category]))
    else:
        column = {"calls": "direction", "survey_responses": "survey_type", "social_mentions": "sentiment"}[
            name
        ]
        columns = ((column, rows),)
    for column, r in columns:
        enum = contract.ENUM_COLUMNS[(name, column)]
        table = _replace_rows(
            table, column, r, _variants(rng, enum, table.column(column).take(r).to_pylist())
        )
    return table


def _unknown_enum(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    on_category = rng.random(len(rows)) < 0.5
    for column, r in (("channel", rows[~on_category]), ("category", rows[on_category])):
        values = contract.UNKNOWN_ENUM_VALUES[contract.ENUM_COLUMNS[("tickets", column)]]
        table = _replace_rows(table, column, r, [values[i] for i in rng.integers(0, len(values), len(r))])
    return table


def _negative_duration(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    if name == "ticket_events":
        spent = _numbers(table, "time_spent_seconds")[rows]
        return _replace_rows(table, "time_spent_seconds", rows, pa.array(-np.maximum(spent, 1)))
    which = rng.integers(0, 3, len(rows))
    for k, column in enumerate(("talk_seconds", "hold_seconds", "acw_seconds")):
        r = rows[which == k]
        v = _numbers(table, column)[r]
        table = _replace_rows(table, column, r, pa.array(-np.where(v > 0, v, rng.integers(1, 60, len(r)))))
    return table


def _ended_before_queued(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    return _replace_rows(
        table,
        "ended_at",
        rows,
        timestamps(_seconds(table, "queued_at")[rows] - rng.integers(1, 600, len(rows))),
    )


def _out_of_scale(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    high = rng.random(len(rows)) < 0.5
    if name == "qa_evaluations":
        return _replace_rows(table, "empathy_score", rows, pa.array(np.where(high, 6, 0)))
    kinds = table.column("survey_type").take(rows).to_pylist()
    return _replace_rows(
        table, "score", rows, [OUT_OF_SCALE[k][int(h)] for k, h in zip(kinds, high, strict=True)]
    )


def _orphan(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    ids = [f"C-ORPHAN-{ctx.next_orphan + i:06d}" for i in range(len(rows))]
    ctx.next_orphan += len(rows)
    return _replace_rows(table, "customer_id", rows, ids)


def _event_before_ticket(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    created = ctx.ticket_created[ctx.event_ticket_row[rows]]
    return _replace_rows(
        table, "event_at", rows, timestamps(created - rng.integers(HOUR, 3 * DAY + 1, len(rows)))
    )


def _late(
    rng: np.random.Generator, name: str, table: pa.Table, rows: np.ndarray, ctx: DirtContext
) -> pa.Table:
    if name == "ticket_events":  # loaded 3-10 days after the ticket was solved
        solved = ctx.ticket_solved[ctx.event_ticket_row[rows]]
        loaded = (solved // DAY + rng.integers(4, 10, len(rows))) * DAY + 2 * HOUR
        return _replace_rows(table, "_loaded_at", rows, timestamps(loaded))
    sent = _seconds(table, "sent_at")[rows]  # answered 4-14 days after sending, still before the period end
    room = np.minimum(14 * DAY, ctx.period.end_s - 1 - sent)
    responded = sent + 4 * DAY + (rng.random(len(rows)) * (room - 4 * DAY)).astype(np.int64)
    table = _replace_rows(table, "responded_at", rows, timestamps(responded))
    return _replace_rows(table, "_loaded_at", rows, timestamps(loaded_at(responded)))


# (rng, table name, table, rows to dirty, context) -> the table with those rows dirtied
DirtClass = Callable[[np.random.Generator, str, pa.Table, np.ndarray, DirtContext], pa.Table]
_APPLY: dict[str, DirtClass] = {
    "misspelt_enums": _misspell,
    "unknown_enums": _unknown_enum,
    "negative_durations": _negative_duration,
    "ended_before_queued": _ended_before_queued,
    "out_of_scale_scores": _out_of_scale,
    "orphan_customers": _orphan,
    "events_before_ticket": _event_before_ticket,
    "late_rows": _late,
}


def _snapshot(copy: pa.Table, rows: np.ndarray, ctx: DirtContext) -> pa.Table:
    """A ticket as the previous day's extract saw it: only the events before that extract."""
    n = len(ctx.ticket_created)
    cutoff = np.full(n, -1, np.int64)
    cutoff[rows] = _seconds(copy, "_loaded_at")
    ticket_of, event_at, new_status = ctx.event_ticket_row, ctx.event_at, ctx.event_status
    seen = event_at < cutoff[ticket_of]
    updated = per_ticket(n, ticket_of[seen], event_at[seen], -1, np.maximum)[rows]
    changes = seen & (new_status >= 0)
    last_change = per_ticket(n, ticket_of[changes], np.flatnonzero(changes), -1, np.maximum)[rows]
    status = np.where(last_change >= 0, new_status[np.maximum(last_change, 0)], NEW)
    solves = seen & (new_status == SOLVED)
    solved = per_ticket(n, ticket_of[solves], event_at[solves], -1, np.maximum)[rows]
    everything = np.arange(len(rows))
    copy = _replace_rows(copy, "updated_at", everything, timestamps(updated))
    copy = _replace_rows(copy, "status", everything, categorical(STATUSES, status))
    return _replace_rows(
        copy, "solved_at", everything, timestamps(solved, (status == SOLVED) | (status == CLOSED))
    )


def _duplicate(name: str, clean: pa.Table, rows: np.ndarray, ctx: DirtContext) -> pa.Table:
    """Copies of clean rows as extracted one day earlier: the original supersedes them."""
    copy = clean.take(rows)
    copy = _replace_rows(
        copy, "_loaded_at", np.arange(len(rows)), timestamps(_seconds(copy, "_loaded_at") - DAY)
    )
    return _snapshot(copy, rows, ctx) if name == "tickets" else copy


def inject_dirt(
    rng: np.random.Generator, tables: dict[str, pa.Table], facts: CleanFacts, rate: float, period: Period
) -> tuple[dict[str, pa.Table], dict[str, dict]]:
    """Per table and class, round(rate x clean rows) dirty rows, each row dirtied once;
    duplicates copy untouched clean rows and are appended at the end. The manifest lists
    a class only when it dirtied at least one row."""
    tickets = tables["tickets"]
    ctx = DirtContext(
        **vars(facts),
        ticket_created=_seconds(tickets, "created_at"),
        ticket_solved=_seconds(tickets, "solved_at"),
        period=period,
    )
    dirty: dict[str, pa.Table] = {}
    manifest: dict[str, dict] = {}
    for name, clean in tables.items():
        key = clean.column(contract.TABLES[name].primary_key)
        used = np.zeros(clean.num_rows, bool)
        table, copies, entries = clean, [], {}
        for cls in DIRT_PLAN[name]:
            tiers = _eligible(name, cls, clean, ctx)
            rows = _pick_rows(rng, tiers, used, round(rate * clean.num_rows))
            used[rows] = True
            if cls == "duplicates":
                copies.append(_duplicate(name, clean, rows, ctx))
            else:
                table = _APPLY[cls](rng, name, table, rows, ctx)
            if len(rows):  # a class too rare for a small table is left out, not listed as 0
                entries[cls] = {
                    "count": len(rows),
                    "expected": DIRT_EXPECTED[cls],
                    "keys": sorted(key.take(rows).to_pylist()),
                }
        dirty[name] = pa.concat_tables([table, *copies])
        manifest[name] = entries
    return dirty, manifest
