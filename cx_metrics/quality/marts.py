"""The marts suite: generic by naming convention, so it grows as marts land.

Every relation in schema `marts` is discovered from information_schema; rules
follow column names (`*_rate` and `service_level` in 0..1, `nps` in -100..100,
`ixs` in 0..100, `*_seconds*`, `*_minutes*`, `*_cost*` >= 0) and every mart must
have rows. Known totals reconcile with the facts when both models exist; a
missing model is skipped, not failed. A mart whose rows come only from absent
sources (ROWS_FROM, cx_metrics.sources) may be empty: its row-count check is
skipped, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cx_metrics.quality.runner import BLOCKING, WARNING, Batch, Check, connect_read_only, relations_in_schema
from cx_metrics.sources import absent_note

NUMERIC = re.compile(
    r"^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|BIGINT|INTEGER|HUGEINT|SMALLINT|TINYINT|UBIGINT|UINTEGER)"
)


def column_rule(column: str) -> tuple[float | None, float | None, str] | None:
    """(min, max, why) for a column by its name, or None when no convention applies."""
    if column.endswith("_rate") or column == "service_level":
        return 0, 1, "a rate lies in 0..1"
    if column == "nps" or column.endswith("_nps"):
        return -100, 100, "NPS lies in -100..100"
    if column == "ixs" or column.endswith("_ixs"):
        return 0, 100, "IXS lies in 0..100"
    if re.search(r"(_seconds|_minutes|_cost)(_|$)", column):
        return 0, None, "durations and costs are never negative"
    return None


# mart -> the raw tables its rows come from (any one present gives it rows). A mart
# not listed has rows whatever is present (e.g. dim_dates) or is a warning only.
ROWS_FROM: dict[str, tuple[str, ...]] = {
    "marts.dim_agents": ("agents",),
    "marts.dim_customers": ("customers",),
    "marts.dim_products": ("products",),
    "marts.fct_call_legs": ("calls",),
    "marts.fct_contacts": ("tickets", "calls"),
    "marts.fct_contact_outcomes": ("tickets", "calls"),
    "marts.fct_tickets": ("tickets",),
    "marts.fct_survey_responses": ("survey_responses",),
    "marts.mart_queue_daily": ("calls",),
    "marts.mart_ticket_daily": ("tickets",),
}


def relation_batch(relation: str, columns: dict[str, str]) -> Batch:
    """Row count plus the naming-convention ranges of one mart relation."""
    name = relation.split(".")[1]
    core = name.startswith(("fct_", "dim_")) or relation in COVERAGE_MARTS
    checks = [
        Check(
            relation,
            None,
            "ExpectTableRowCountToBeBetween",
            {"min_value": 1},
            BLOCKING if core else WARNING,
            "no empty mart when the period has data"
            if core
            else "empty mart (may be right: e.g. no qualifying events in the period)",
        )
    ]
    needed = []
    for column, kind in columns.items():
        rule = column_rule(column)
        if rule and NUMERIC.match(kind.upper()):
            low, high, why = rule
            needed.append(column)
            checks.append(
                Check(
                    relation,
                    column,
                    "ExpectColumnValuesToBeBetween",
                    {"column": column, "min_value": low, "max_value": high},
                    BLOCKING,
                    why,
                )
            )
    return Batch(relation.split(".")[1], relation, checks, columns=tuple(needed))


@dataclass(frozen=True)
class Total:
    """A mart total that must equal a count or sum over a fact."""

    name: str
    mart: str
    mart_sql: str
    fact: str
    fact_sql: str
    needs: tuple[tuple[str, str], ...]  # (relation, column) that must exist


TOTALS: list[Total] = [
    Total(
        "answered inbound legs",
        "marts.mart_queue_daily",
        "sum(answered_legs)",
        "marts.fct_call_legs",
        "count(*) filter (where is_inbound and is_answered)",
        (("marts.mart_queue_daily", "answered_legs"), ("marts.fct_call_legs", "is_answered")),
    ),
    Total(
        "offered legs",
        "marts.mart_queue_daily",
        "sum(offered_legs)",
        "marts.fct_call_legs",
        "count(*) filter (where is_offered)",
        (("marts.mart_queue_daily", "offered_legs"), ("marts.fct_call_legs", "is_offered")),
    ),
    Total(
        "tickets created",
        "marts.mart_ticket_daily",
        "sum(tickets_created)",
        "marts.fct_tickets",
        "count(*)",
        (("marts.mart_ticket_daily", "tickets_created"), ("marts.fct_tickets", "ticket_id")),
    ),
]


# mart -> (its day column, the fact, the fact's day column, rows of the fact that must appear):
# every day on which the fact has such rows must have a row in the mart.
COVERAGE: list[tuple[str, str, str, str, str]] = [
    ("marts.mart_queue_daily", "date_day", "marts.fct_call_legs", "queued_date", "is_offered"),
    ("marts.mart_ticket_daily", "date_day", "marts.fct_tickets", "created_date", "true"),
]
COVERAGE_MARTS = {c[0] for c in COVERAGE}


def coverage_batch(relations: dict[str, dict[str, str]]) -> Batch | None:
    """Days with fact data that a daily mart lacks (blocking): no empty mart for a period with data."""
    usable = [c for c in COVERAGE if c[1] in relations.get(c[0], {}) and c[3] in relations.get(c[2], {})]
    if not usable:
        return None
    selects = [
        f"select distinct '{mart}: ' || cast(f.{fact_day} as varchar) as missing_day "
        f"from {fact} as f where {condition} and f.{fact_day} is not null and not exists "
        f"(select 1 from {mart} as m where m.{mart_day} = f.{fact_day})"
        for mart, mart_day, fact, fact_day, condition in usable
    ]
    sql = f"select cast(null as varchar) as missing_day union all {' union all '.join(selects)}"
    check = Check(
        "marts (coverage)",
        "date_day",
        "ExpectColumnValuesToBeNull",
        {"column": "missing_day"},
        BLOCKING,
        "every day with fact data has mart rows",
    )
    return Batch("coverage", None, [check], sql=sql)


def totals_batch(relations: dict[str, dict[str, str]]) -> Batch | None:
    """One row per applicable total: a label when mart and fact disagree (blocking)."""
    usable = [t for t in TOTALS if all(c in relations.get(r, {}) for r, c in t.needs)]
    if not usable:
        return None
    selects = [
        f"select '{t.name}' as total_name, '{t.mart}' as mart, "
        f"(select coalesce({t.mart_sql}, 0) from {t.mart}) as mart_total, "
        f"(select coalesce({t.fact_sql}, 0) from {t.fact}) as fact_total"
        for t in usable
    ]
    sql = (
        f"select *, case when mart_total <> fact_total then mart || ' ' || total_name || ': mart ' "
        f"|| mart_total || ' <> facts ' || fact_total end as mismatch "
        f"from ({' union all '.join(selects)}) as totals"
    )
    check = Check(
        "marts (totals)",
        "mismatch",
        "ExpectColumnValuesToBeNull",
        {"column": "mismatch"},
        BLOCKING,
        "mart totals reconcile with the facts",
    )
    return Batch("totals", None, [check], sql=sql)


def suite(database: Path, present: list[str] | None = None) -> list[Batch]:
    """A batch per discovered mart relation, plus the totals that apply (`present`: None = all)."""
    con = connect_read_only(database)
    try:
        relations = relations_in_schema(con, "marts")
    finally:
        con.close()
    batches = []
    for rel, cols in sorted(relations.items()):
        batch = relation_batch(rel, cols)
        sources = ROWS_FROM.get(rel, ())
        if present is not None and sources and not any(t in present for t in sources):
            rows_check, batch.checks = batch.checks[0], batch.checks[1:]
            batches.append(Batch(f"{batch.name}_rows", rel, [rows_check], skip_note=absent_note(sources[0])))
        batches.append(batch)
    totals = [b for b in (totals_batch(relations), coverage_batch(relations)) if b is not None]
    if not relations:
        batches.append(
            Batch(
                "marts",
                None,
                [
                    Check(
                        "marts",
                        None,
                        "ExpectTableRowCountToBeBetween",
                        {"min_value": 1},
                        BLOCKING,
                        "schema marts has relations",
                    )
                ],
                sql="select table_name from information_schema.tables where table_schema = 'marts'",
            )
        )
    return batches + totals
