"""The raw suite: the contract (cx_metrics.contract) holds in schema `raw`.

Blocking: a contract column exists with its type, a table has rows. Dirt
(what staging is built to quarantine: missing or duplicate keys, unknown enum
spellings, negative durations and amounts, out-of-scale scores, timestamps out of
order, events before their ticket): a warning with its observed share, blocking
above the dirt threshold through GX's `mostly`. Freshness: a warning.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from cx_metrics.contract import (
    BUSINESS_TIMESTAMPS,
    DUCKDB_TYPES,
    ENUM_COLUMNS,
    LOAD_SEQ,
    QUARANTINE_REASONS,
    SURVEY_SCALES,
    TABLES,
)
from cx_metrics.quality.runner import (
    BLOCKING,
    DIRT,
    SCHEMA_LABEL,
    WARNING,
    Batch,
    Check,
    connect_read_only,
    relations_in_schema,
)
from cx_metrics.sources import absent_note

DEFAULT_FRESHNESS_HOURS = 48

# (table, column, min, max, reason): value ranges, checked when staging quarantines them.
RANGES: list[tuple[str, str, float | None, float | None, str]] = [
    ("products", "unit_price", 0, None, "negative_amount"),
    ("orders", "quantity", 1, None, "non_positive_quantity"),
    ("orders", "amount", 0, None, "negative_amount"),
    ("returns", "refund_amount", 0, None, "negative_amount"),
    ("agents", "hourly_cost", 0, None, "negative_amount"),
    ("ticket_events", "time_spent_seconds", 0, None, "negative_duration"),
    ("calls", "talk_seconds", 0, None, "negative_duration"),
    ("calls", "hold_seconds", 0, None, "negative_duration"),
    ("calls", "acw_seconds", 0, None, "negative_duration"),
    ("qa_evaluations", "empathy_score", 1, 5, "score_out_of_scale"),
]

# (table, later column, earlier column): later >= earlier where both are present.
ORDERINGS: list[tuple[str, str, str]] = [
    ("tickets", "solved_at", "created_at"),
    ("calls", "ended_at", "queued_at"),
    ("calls", "answered_at", "queued_at"),
    ("calls", "ended_at", "answered_at"),
    ("survey_responses", "responded_at", "sent_at"),
]


def known_spellings(seed: Path) -> dict[str, set[str]]:
    """Enum name -> every lower-case spelling staging maps (the seed `enum_mappings`)."""
    out: dict[str, set[str]] = {}
    with seed.open(newline="") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["enum_name"], set()).update({row["raw_value"], row["canonical_value"]})
    return out


def latest_business_timestamp(database: Path, present: list[str] | None = None) -> datetime | None:
    """as_of when none is given: the latest business timestamp over the present raw tables
    (all when `present` is None), never the wall clock."""
    con = connect_read_only(database)
    try:
        columns = relations_in_schema(con, "raw")
        parts = [
            f"select max({c}) as t from raw.{t}"
            for t, c in BUSINESS_TIMESTAMPS
            if c in columns.get(f"raw.{t}", {}) and (present is None or t in present)
        ]
        if not parts:
            return None
        return con.execute(f"select max(t) from ({' union all '.join(parts)}) as business_times").fetchone()[
            0
        ]
    finally:
        con.close()


def schema_batch(database: Path, present: list[str] | None = None) -> Batch:
    """One row per contract column: "<column>: <actual DuckDB type>" (or "missing").

    Checking the schema as a DataFrame keeps 'required column present with its
    type' a GX expectation per table without reading any data; the failing
    labels name the columns.
    """
    con = connect_read_only(database)
    try:
        columns = relations_in_schema(con, "raw")
        actual = {t: columns.get(f"raw.{t}", {}) for t in TABLES}
    finally:
        con.close()
    rows, checks = schema_checks(actual, DUCKDB_TYPES, present)
    return Batch("schema", None, checks, frame=pd.DataFrame(rows))


def schema_checks(
    actual: dict[str, dict[str, str]], types: dict[str, str], present: list[str] | None = None
) -> tuple[list[dict[str, str]], list[Check]]:
    """The schema batch's rows ("<column>: <actual type>" or "missing") and one check per present
    table against the contract's types in the engine's spelling (`types`: contract kind -> type)."""
    rows, checks = [], []
    for table in TABLES.values():
        if present is not None and table.name not in present:
            continue  # reported as skipped by its table batch
        expected = [f"{c}: {types[k].upper()}" for c, k in table.columns.items()]
        for column in table.columns:
            found = actual.get(table.name, {}).get(column)
            rows.append(
                {"table_name": table.name, SCHEMA_LABEL: f"{column}: {found.upper() if found else 'missing'}"}
            )
        checks.append(
            Check(
                f"raw.{table.name}",
                None,
                "ExpectColumnValuesToBeInSet",
                {
                    "column": SCHEMA_LABEL,
                    "value_set": expected,
                    "row_condition": f'table_name=="{table.name}"',
                    "condition_parser": "pandas",
                },
                BLOCKING,
                "every contract column present with its contract type",
            )
        )
    return rows, checks


def _dirt(table: str, reported: str, expectation: str, mostly: float, description: str, **kwargs) -> Check:
    """A dirt check: GX `mostly` = 1 - threshold, so a share above the threshold blocks."""
    return Check(f"raw.{table}", reported, expectation, {**kwargs, "mostly": mostly}, DIRT, description)


def table_batch(
    table_name: str,
    mostly: float,
    spellings: dict[str, set[str]],
    fresh_after: datetime | None,
    is_present: bool = True,
) -> Batch:
    """Row count, keys, enums, ranges, orderings and freshness of one raw table."""
    table = TABLES[table_name]
    rel, key = f"raw.{table_name}", table.primary_key
    reasons = QUARANTINE_REASONS[table_name]
    checks = [
        Check(rel, None, "ExpectTableRowCountToBeBetween", {"min_value": 1}, BLOCKING, "table has rows"),
        _dirt(table_name, key, "ExpectColumnValuesToNotBeNull", mostly, "primary key present", column=key),
        _dirt(
            table_name,
            key,
            "ExpectColumnValuesToBeUnique",
            mostly,
            "re-extracted keys (staging keeps the latest copy)",
            column=key,
        ),
    ]
    columns, derived = {key, "_loaded_at"}, {}
    for (t, column), enum in ENUM_COLUMNS.items():
        if t == table_name:
            derived[f"{column}__key"] = (f'lower(trim("{column}"))', (column,))
            checks.append(
                _dirt(
                    table_name,
                    column,
                    "ExpectColumnValuesToBeInSet",
                    mostly,
                    f"known {enum} spelling (seed enum_mappings, after lower/trim)",
                    column=f"{column}__key",
                    value_set=sorted(spellings.get(enum, ())),
                )
            )
    for t, column, low, high, reason in RANGES:
        if t == table_name and reason in reasons:
            columns.add(column)
            checks.append(
                _dirt(
                    table_name,
                    column,
                    "ExpectColumnValuesToBeBetween",
                    mostly,
                    reason,
                    column=column,
                    min_value=low,
                    max_value=high,
                )
            )
    for t, later, earlier in ORDERINGS:
        if t == table_name:
            columns |= {later, earlier}
            checks.append(
                _dirt(
                    table_name,
                    later,
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    mostly,
                    f"{later} >= {earlier}",
                    column_A=later,
                    column_B=earlier,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            )
    if table_name == "survey_responses":
        columns.add("score")
        derived["survey_type__key"] = ('lower(trim("survey_type"))', ("survey_type",))
        for survey, (low, high) in SURVEY_SCALES.items():
            checks.append(
                _dirt(
                    table_name,
                    "score",
                    "ExpectColumnValuesToBeBetween",
                    mostly,
                    f"{survey} score within {low}..{high}",
                    column="score",
                    min_value=low,
                    max_value=high,
                    row_condition=f'survey_type__key=="{survey}"',
                    condition_parser="pandas",
                )
            )
    if table_name == "ticket_events":
        columns.add("event_at")
        derived["ticket_created_at"] = (
            "(select min(t.created_at) from raw.tickets as t where t.ticket_id = ticket_events.ticket_id)",
            ("ticket_id",),
        )
        checks.append(
            _dirt(
                table_name,
                "event_at",
                "ExpectColumnPairValuesAToBeGreaterThanB",
                mostly,
                "event not before its ticket",
                column_A="event_at",
                column_B="ticket_created_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    if fresh_after is not None:
        checks.append(
            Check(
                rel,
                "_loaded_at",
                "ExpectColumnMaxToBeBetween",
                {"column": "_loaded_at", "min_value": fresh_after},
                WARNING,
                "freshness: latest extraction close to as_of",
            )
        )
    return Batch(
        table_name,
        rel,
        checks,
        columns=tuple(sorted(columns)),
        derived=derived,
        skip_note="" if is_present else absent_note(table_name),
    )


def suite(
    database: Path,
    project: Path,
    dirt_threshold: float,
    as_of: datetime | None = None,
    freshness_hours: float = DEFAULT_FRESHNESS_HOURS,
    present: list[str] | None = None,
    scope: dict[str, tuple[int, ...] | None] | None = None,
) -> list[Batch]:
    """Every raw batch; as_of defaults to the latest business timestamp in raw.

    `present`: the present tables (cx_metrics.sources.present_tables); None = all.
    `scope`: the rows to check (cx_metrics.ledger.raw_scope): None = every row of every
    table; else table -> the load_seq of its unbuilt loads (their rows only, `_load_seq`)
    or None (the whole table); a table not in it has no unbuilt load and is skipped.
    The schema batch and as_of always look at the whole tables.
    """
    as_of = as_of or latest_business_timestamp(database, present)
    fresh_after = as_of - timedelta(hours=freshness_hours) if as_of else None
    spellings = known_spellings(project / "seeds" / "enum_mappings.csv")
    mostly = max(0.0, 1.0 - dirt_threshold)
    batches = [
        table_batch(t, mostly, spellings, fresh_after, present is None or t in present) for t in TABLES
    ]
    return [schema_batch(database, present)] + [_scoped(b, scope) for b in batches]


def _scoped(batch: Batch, scope: dict[str, tuple[int, ...] | None] | None) -> Batch:
    """The batch restricted to the rows of the unbuilt loads (see suite)."""
    if scope is None or batch.skip_note:
        return batch
    if batch.name not in scope:
        return dataclasses.replace(batch, skip_note=NOTHING_NEW_NOTE)
    seqs = scope[batch.name]
    if seqs is None:
        return batch
    listed = ", ".join(str(int(s)) for s in seqs)
    # "table has rows" is the whole table's (it is present: cx_loaded_tables); an appended
    # header-only file adds none and is no failure
    checks = [c for c in batch.checks if c.expectation != "ExpectTableRowCountToBeBetween"]
    return dataclasses.replace(batch, checks=checks, where=f"{LOAD_SEQ} in ({listed})")


NOTHING_NEW_NOTE = "no unbuilt load of this table: its rows were checked by the build that covered them"
