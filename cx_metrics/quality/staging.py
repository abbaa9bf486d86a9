"""The staging suite: what staging promises once quarantine and dedupe have run.

Blocking: unique, non-null keys on every `stg_` model; no impossible value left
(negative durations and amounts, out-of-scale scores, timestamps out of order,
non-canonical enums); raw = staged + quarantined + superseded per table
(audit.audit__row_reconciliation). Warning: foreign keys that do not resolve
(orphans are kept by design, so they are counted, not blocked).

In an incremental build (cx_metrics/incremental.py) the checks of a `stg_` model read
only the rows the build staged again (`staged_this_build`: their `_staged_by_build` is
the build's), as the dbt tests of the staged rows do. A scoped build stages again
every row it changes: every copy of a key the new loads carry, ranked again together
(so a duplicate key is among the rows read), and an event whose ticket was loaded
again. Every other row is as the published build left it, and its checks passed.
The rows staged again sit at the end of the base table, so DuckDB's zone maps skip
the rest. The warning for calls naming a missing ticket counts the calls staged
again only (docs/quality.md).
"""

from __future__ import annotations

from pathlib import Path

from cx_metrics.contract import ENUM_COLUMNS, ENUMS, STAGED_BY_BUILD, SURVEY_SCALES, TABLES
from cx_metrics.quality.raw import ORDERINGS, RANGES
from cx_metrics.quality.runner import BLOCKING, WARNING, Batch, Check
from cx_metrics.sources import absent_note

# Raw column -> staged column where staging renames it.
RENAMED: dict[tuple[str, str], str] = {("calls", "transferred"): "is_transferred"}


def relation(table: str) -> str:
    """staging.stg_<source>__<table> for a contract table."""
    return f"staging.stg_{TABLES[table].source}__{table}"


def staged_this_build(new_loads_from: int) -> str:
    """The row filter of a stg_ model in an incremental build: the rows this build staged
    (the dbt macro of the same name). Until 2026-12-08 it was the rows whose key a raw row of
    the new loads carries: a semi-join of the 85M-row event log at ten million contacts."""
    return f"{STAGED_BY_BUILD} = {int(new_loads_from)}"


def model_batch(table_name: str, new_loads_from: int | None = None) -> Batch:
    """Keys, ranges, orderings and canonical enums of one stg_ model; in an incremental build
    (`new_loads_from`: the lowest unbuilt load_seq), of the rows it staged again."""
    rel, key = relation(table_name), TABLES[table_name].primary_key
    checks = [
        Check(rel, key, "ExpectColumnValuesToNotBeNull", {"column": key}, BLOCKING, "key present"),
        Check(rel, key, "ExpectColumnValuesToBeUnique", {"column": key}, BLOCKING, "one row per key"),
    ]
    columns: set[str] = {key}
    for t, column, low, high, reason in RANGES:
        if t == table_name:
            columns.add(column)
            checks.append(
                Check(
                    rel,
                    column,
                    "ExpectColumnValuesToBeBetween",
                    {"column": column, "min_value": low, "max_value": high},
                    BLOCKING,
                    f"no {reason} left",
                )
            )
    for t, later, earlier in ORDERINGS:
        if t == table_name:
            columns |= {later, earlier}
            checks.append(
                Check(
                    rel,
                    later,
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    {
                        "column_A": later,
                        "column_B": earlier,
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                    BLOCKING,
                    f"{later} >= {earlier}",
                )
            )
    for (t, column), enum in ENUM_COLUMNS.items():
        if t == table_name:
            columns.add(column)
            checks.append(
                Check(
                    rel,
                    column,
                    "ExpectColumnValuesToBeInSet",
                    {"column": column, "value_set": sorted({*ENUMS[enum], "other"})},
                    BLOCKING,
                    f"canonical {enum}",
                )
            )
    derived = {}
    if table_name == "survey_responses":
        columns |= {"score", "survey_type"}
        for survey, (low, high) in SURVEY_SCALES.items():
            checks.append(
                Check(
                    rel,
                    "score",
                    "ExpectColumnValuesToBeBetween",
                    {
                        "column": "score",
                        "min_value": low,
                        "max_value": high,
                        "row_condition": f'survey_type=="{survey}"',
                        "condition_parser": "pandas",
                    },
                    BLOCKING,
                    f"{survey} score within {low}..{high}",
                )
            )
    if table_name == "calls":
        derived["unresolved_ticket_id"] = (
            "case when ticket_id is not null and not exists (select 1 from "
            f"{relation('tickets')} as t where t.ticket_id = stg_telephony__calls.ticket_id) then ticket_id end",
            ("ticket_id",),
        )
        checks.append(
            Check(
                rel,
                "ticket_id",
                "ExpectColumnValuesToBeNull",
                {"column": "unresolved_ticket_id"},
                WARNING,
                "ticket named by a call exists (else counted as orphan)",
            )
        )
    where = "" if new_loads_from is None else staged_this_build(new_loads_from)
    return Batch(rel.split(".")[1], rel, checks, columns=tuple(sorted(columns)), derived=derived, where=where)


def reconciliation_batch() -> Batch:
    """raw rows = staged + quarantined + superseded, per table (blocking)."""
    rel = "audit.audit__row_reconciliation"
    label = (
        "case when raw_rows <> staged_rows + quarantined_rows + superseded_rows then "
        "source_table || ': raw ' || raw_rows || ' <> staged ' || staged_rows || ' + quarantined ' "
        "|| quarantined_rows || ' + superseded ' || superseded_rows end"
    )
    needs = ("source_table", "raw_rows", "staged_rows", "quarantined_rows", "superseded_rows")
    checks = [
        Check(
            rel,
            None,
            "ExpectTableRowCountToEqual",
            {"value": len(TABLES)},
            BLOCKING,
            "one reconciliation row per raw table",
        ),
        Check(
            rel,
            "raw_rows",
            "ExpectColumnValuesToBeNull",
            {"column": "unreconciled"},
            BLOCKING,
            "raw = staged + quarantined + superseded",
        ),
    ]
    return Batch(
        "row_reconciliation", rel, checks, columns=("source_table",), derived={"unreconciled": (label, needs)}
    )


def orphans_batch() -> Batch:
    """Activity naming a customer that customers lacks: kept, counted (warning)."""
    rel = "audit.audit__orphan_customers"
    derived = {"orphan": ("source_table || ': ' || customer_id", ("source_table", "customer_id"))}
    checks = [
        Check(
            rel,
            "customer_id",
            "ExpectColumnValuesToBeNull",
            {"column": "orphan"},
            WARNING,
            "customer_id resolves to customers (orphans are kept and counted)",
        )
    ]
    return Batch("orphan_customers", rel, checks, derived=derived)


def suite(database: Path, present: list[str] | None = None, new_loads_from: int | None = None) -> list[Batch]:
    """Every staging batch; an absent table's model checks are skipped (its model is empty).

    The database argument keeps the suite signatures alike. `present`: None = all tables.
    `new_loads_from`: in an incremental build, the lowest load_seq it covers (the stg_
    models' checks read the rows it staged again; the audit tables are read whole).
    """
    del database
    batches = []
    for table in TABLES:
        batch = model_batch(table, new_loads_from)
        if present is not None and table not in present:
            batch.skip_note = absent_note(table)
        batches.append(batch)
    return batches + [reconciliation_batch(), orphans_batch()]
