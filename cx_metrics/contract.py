"""The raw input contract (docs/raw_sources.md) as data.

One definition serves the generator (what it writes), the loader (what it
accepts and how it casts) and the quality checks (what they expect), so the
three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

# Contract type -> DuckDB type used by the loader for the `raw` schema.
DUCKDB_TYPES: dict[str, str] = {
    "text": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "integer": "bigint",
    "boolean": "boolean",
    "decimal(12,2)": "decimal(12,2)",
    "decimal(10,2)": "decimal(10,2)",
}


@dataclass(frozen=True)
class Table:
    """One raw table: its primary key and ordered columns (name -> contract type)."""

    name: str
    source: str
    primary_key: str
    columns: dict[str, str]


def _t(name: str, source: str, primary_key: str, **columns: str) -> Table:
    return Table(name, source, primary_key, {**columns, "_loaded_at": "timestamp"})


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _t(
            "customers",
            "commerce",
            "customer_id",
            customer_id="text",
            created_at="timestamp",
            segment="text",
            country="text",
        ),
        _t(
            "products",
            "commerce",
            "product_id",
            product_id="text",
            product_name="text",
            product_category="text",
            unit_price="decimal(12,2)",
            launched_at="date",
        ),
        _t(
            "orders",
            "commerce",
            "order_id",
            order_id="text",
            customer_id="text",
            product_id="text",
            ordered_at="timestamp",
            quantity="integer",
            amount="decimal(12,2)",
        ),
        _t(
            "returns",
            "commerce",
            "return_id",
            return_id="text",
            order_id="text",
            returned_at="timestamp",
            reason="text",
            refund_amount="decimal(12,2)",
        ),
        _t(
            "agents",
            "workforce",
            "agent_id",
            agent_id="text",
            agent_name="text",
            team="text",
            site="text",
            hourly_cost="decimal(10,2)",
            hired_at="date",
            terminated_at="date",
        ),
        _t(
            "tickets",
            "helpdesk",
            "ticket_id",
            ticket_id="text",
            customer_id="text",
            channel="text",
            category="text",
            product_id="text",
            priority="text",
            status="text",
            assignee_agent_id="text",
            created_at="timestamp",
            solved_at="timestamp",
            updated_at="timestamp",
        ),
        _t(
            "ticket_events",
            "helpdesk",
            "event_id",
            event_id="text",
            ticket_id="text",
            event_at="timestamp",
            event_type="text",
            agent_id="text",
            new_status="text",
            time_spent_seconds="integer",
        ),
        _t(
            "calls",
            "telephony",
            "call_id",
            call_id="text",
            parent_call_id="text",
            direction="text",
            customer_id="text",
            ticket_id="text",
            queue="text",
            queued_at="timestamp",
            answered_at="timestamp",
            ended_at="timestamp",
            agent_id="text",
            talk_seconds="integer",
            hold_seconds="integer",
            acw_seconds="integer",
            transferred="boolean",
            disposition="text",
        ),
        _t(
            "survey_responses",
            "surveys",
            "response_id",
            response_id="text",
            survey_type="text",
            customer_id="text",
            ticket_id="text",
            call_id="text",
            sent_at="timestamp",
            responded_at="timestamp",
            score="integer",
            comment="text",
        ),
        _t(
            "qa_evaluations",
            "quality",
            "evaluation_id",
            evaluation_id="text",
            agent_id="text",
            call_id="text",
            ticket_id="text",
            evaluated_at="timestamp",
            empathy_score="integer",
            compliance_passed="boolean",
        ),
        _t(
            "social_mentions",
            "social",
            "mention_id",
            mention_id="text",
            platform="text",
            customer_id="text",
            posted_at="timestamp",
            sentiment="text",
            is_recommendation="boolean",
        ),
    ]
}

# The loader's record of which contract tables are loaded (schema raw): one row per
# table, read by dbt (macro source_present) and the quality suites.
LOAD_RECORD = "cx_loaded_tables"
# The load ledger (schema raw): one row per file loaded (cx_metrics.load, README "Append loads").
LOAD_LEDGER = "cx_load_ledger"
# Written by the loader on every raw row, never by the source: the ledger sequence of the
# file the row came from (docs/raw_sources.md). Not a contract column: files need not carry it,
# and a value a file carries is overwritten.
LOAD_SEQ = "_load_seq"
# Written by dbt on every base_ row and shown by every stg_ view: the build that staged the
# row, named by the lowest load_seq it covered (0: a full build). A scoped build stages again
# every row it changes, so its rows are the ones with its number (macros/incremental/incremental.sql).
STAGED_BY_BUILD = "_staged_by_build"

# The business timestamps that define as_of, (table, column): the latest of them over the
# present tables. dbt's list is the macro as_of_timestamps() (macros/sources/as_of_timestamps.sql,
# read by int_as_of); tests/python/test_as_of_timestamp_lists.py fails when the two disagree.
BUSINESS_TIMESTAMPS: list[tuple[str, str]] = [
    ("calls", "ended_at"),
    ("tickets", "updated_at"),
    ("tickets", "solved_at"),
    ("ticket_events", "event_at"),
    ("survey_responses", "responded_at"),
    ("qa_evaluations", "evaluated_at"),
    ("social_mentions", "posted_at"),
    ("orders", "ordered_at"),
    ("returns", "returned_at"),
]

# Canonical enum values (what staging normalises to). Unknown spellings map to "other".
ENUMS: dict[str, tuple[str, ...]] = {
    "channel": ("email", "web", "chat", "phone", "social", "other"),
    "category": ("setup", "connectivity", "billing", "returns", "account", "other"),
    "priority": ("low", "normal", "high", "urgent"),
    "ticket_status": ("new", "open", "pending", "solved", "closed"),
    "event_type": (
        "created",
        "agent_reply",
        "customer_reply",
        "internal_note",
        "status_change",
        "assigned",
    ),
    "direction": ("inbound", "outbound"),
    "disposition": ("resolved", "follow_up", "escalated"),
    "survey_type": ("nps", "csat", "ces"),
    "segment": ("consumer", "small_business", "enterprise"),
    "return_reason": ("defective", "could_not_set_up", "changed_mind", "other"),
    "sentiment": ("positive", "neutral", "negative"),
}

# Survey scales (inclusive); a score outside is quarantined.
SURVEY_SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

# Known non-canonical spellings seen in source systems, by enum: raw spelling -> canonical.
# Staging normalises with lower(trim(value)) and the seed `enum_mappings`; every spelling
# here must resolve there (a pytest checks it). The generator's "misspelt enum" dirt uses
# only these; its "unknown enum" dirt uses UNKNOWN_ENUM_VALUES, which map to `other`.
ENUM_VARIANTS: dict[str, dict[str, str]] = {
    "channel": {
        "E-mail": "email",
        "Email ": "email",
        "EMAIL": "email",
        "e-mail": "email",
        "web_form": "web",
        "Web Form": "web",
        "webform": "web",
        "Chat": "chat",
        "live_chat": "chat",
        "Live Chat": "chat",
        "voice": "phone",
        "Phone": "phone",
        "telephone": "phone",
        "twitter": "social",
        "facebook": "social",
        "Social": "social",
    },
    "category": {"Setup": "setup", "set-up": "setup", "Billing ": "billing", "Connectivity": "connectivity"},
    "direction": {"Inbound": "inbound", "INBOUND": "inbound", "Outbound": "outbound"},
    "survey_type": {"NPS": "nps", "CSAT": "csat", "CES": "ces", "Nps ": "nps"},
    "sentiment": {"Positive": "positive", "NEGATIVE": "negative", "Neutral ": "neutral"},
}
UNKNOWN_ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "channel": ("fax", "carrier_pigeon", "sms"),
    "category": ("warranty_claim", "feedback"),
}

# Which raw column carries which enum (table, column) -> enum name. dbt's list is the macro
# enum_columns() (macros/staging/enums.sql, read by audit__unmapped_enum_values) and the base
# models normalise the same columns; tests/python/test_enum_column_lists.py fails when they disagree.
ENUM_COLUMNS: dict[tuple[str, str], str] = {
    ("tickets", "channel"): "channel",
    ("tickets", "category"): "category",
    ("tickets", "priority"): "priority",
    ("tickets", "status"): "ticket_status",
    ("ticket_events", "event_type"): "event_type",
    ("ticket_events", "new_status"): "ticket_status",
    ("calls", "direction"): "direction",
    ("calls", "disposition"): "disposition",
    ("survey_responses", "survey_type"): "survey_type",
    ("customers", "segment"): "segment",
    ("returns", "reason"): "return_reason",
    ("social_mentions", "sentiment"): "sentiment",
}

# Quarantine reason codes, in precedence order per table (the first that applies wins).
QUARANTINE_REASONS: dict[str, tuple[str, ...]] = {
    "customers": ("missing_key",),
    "products": ("missing_key", "negative_amount"),
    "orders": ("missing_key", "non_positive_quantity", "negative_amount"),
    "returns": ("missing_key", "negative_amount"),
    "agents": ("missing_key", "negative_amount"),
    "tickets": ("missing_key", "solved_before_created"),
    "ticket_events": ("missing_key", "ticket_not_found", "negative_duration", "event_before_ticket"),
    "calls": ("missing_key", "negative_duration", "ended_before_queued", "answered_outside_call"),
    "survey_responses": ("missing_key", "score_out_of_scale", "responded_before_sent"),
    "qa_evaluations": ("missing_key", "score_out_of_scale"),
    "social_mentions": ("missing_key",),
}
