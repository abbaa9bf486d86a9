"""Deterministic, vectorised sample data for the eleven raw tables of the contract.

Why: the marts need input whose numbers look like a real contact centre (AHT of
6-7 minutes, service level near 80 %, FCR near 70 %, NPS +20..+40) and whose
dirt is known row by row, so staging and the quality checks can be tested
against ``manifest.json`` instead of against eyeballed output.

Sizing: customers initiate about ``CONTACTS_PER_CUSTOMER_PER_30D`` = 0.35
contacts per customer per 30 days, repeat contacts included, so

    contacts ~= customers x days / 30 x 0.35

The default 20,000 customers x 91 days give ~21,000 contacts; 1,000,000
contacts over 91 days need ~950,000 customers. Phone contacts are call chains
(``calls``), the others are helpdesk tickets with a full ``ticket_events`` log.

Everything is numpy arrays, one draw per column rather than a Python loop per
row. The clean data come from ``default_rng(seed)`` alone and the dirt from a
second stream ``default_rng([seed, 1])``, so a dirty sample is exactly the clean
sample of the same seed plus the dirt the manifest lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cx_metrics import contract

DAY = 86_400
HOUR = 3_600
MINUTE = 60

# ---------------------------------------------------------------- volumes
CONTACTS_PER_CUSTOMER_PER_30D = 0.35
# all contacts / first contacts (repeats add ~22 %); first contacts = target / this
REPEAT_MULTIPLIER = 1.22
ORDER_TRIGGERED_SHARE = 0.30  # first contacts asking for help with a recent order
UNKNOWN_CUSTOMER_SHARE = 0.025  # of first contacts; ~2 % of all
CUSTOMERS_PER_AGENT = 400
MIN_AGENTS = 12
CUSTOMER_HISTORY_DAYS = 4 * 365
CUSTOMERS_NEW_IN_PERIOD = 0.08
INSTALLED_BASE_DAYS = 365
ORDERS_PER_YEAR = np.array([0.45, 1.5, 4.0])  # by segment
EXTRA_UNITS_MEAN = np.array([0.12, 0.8, 3.0])  # quantity = 1 + Poisson(this), by segment
DISCOUNT_PERCENT = np.array([0, 10, 20])
DISCOUNT_MIX = (0.80, 0.15, 0.05)
SOCIAL_MENTIONS_PER_CUSTOMER_PER_30D = 1 / 20
OUTBOUND_SHARE_OF_LEGS = 0.08

# ---------------------------------------------------------------- reference data
SEGMENTS = contract.ENUMS["segment"]
SEGMENT_MIX = (0.80, 0.15, 0.05)
ENTERPRISE = SEGMENTS.index("enterprise")
COUNTRIES = ("US", "GB", "DE", "FR", "NL", "ES", "IT", "CA", "AU", "SE", "IE", "BE")
COUNTRY_MIX = (0.33, 0.12, 0.12, 0.08, 0.05, 0.06, 0.05, 0.07, 0.05, 0.03, 0.02, 0.02)
# name, category, list price in cents, launched days before the period, sales share
PRODUCTS = (
    ("Lumo Mini", "smart_speaker", 3_900, 1_400, 0.16),
    ("Lumo One", "smart_speaker", 9_900, 1_100, 0.12),
    ("Lumo Max", "smart_speaker", 19_900, 700, 0.05),
    ("Vigil Indoor Cam", "camera", 5_900, 1_200, 0.11),
    ("Vigil Outdoor Cam", "camera", 14_900, 900, 0.08),
    ("Vigil Doorbell", "camera", 17_900, 600, 0.07),
    ("Therma Smart", "thermostat", 12_900, 1_300, 0.09),
    ("Therma Pro", "thermostat", 24_900, 800, 0.05),
    ("Therma Room Sensor", "thermostat", 2_900, 1_000, 0.10),
    ("Nexus Hub", "hub", 8_900, 1_500, 0.07),
    ("Nexus Hub Pro", "hub", 34_900, 500, 0.03),
    ("Nexus Bridge", "hub", 4_900, 450, 0.07),
)
PRODUCT_SHARE = np.array([p[4] for p in PRODUCTS]) / sum(p[4] for p in PRODUCTS)
TEAMS = ("tier1", "tier2", "billing", "social")
TIER1, TIER2, BILLING_TEAM, SOCIAL_TEAM = range(4)
TEAM_SHARE = (0.50, 0.22, 0.16, 0.12)
SITES = ("lisbon", "manila", "austin")
SITE_MIX = (0.40, 0.35, 0.25)
SITE_HOURLY_COST = np.array([36.0, 27.0, 48.0])
TEAM_COST_PREMIUM = np.array([0.0, 7.0, 3.0, 1.0])
AGENTS_HIRED_IN_PERIOD = 0.08
AGENTS_TERMINATED_IN_PERIOD = 0.05
CORE_AGENTS_PER_TEAM = 2  # employed throughout, so every team can always answer
FIRST_NAMES = (
    "Ana", "Ben", "Carla", "David", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jon",
    "Kiri", "Luis", "Maya", "Nils", "Olga", "Paulo", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Marco", "Joy", "Rafael", "Lena",
)
LAST_NAMES = (
    "Silva", "Reyes", "Okafor", "Müller", "Santos", "Dubois", "Novak", "Costa", "Smith",
    "Garcia", "Lind", "Tanaka", "Cruz", "Rossi", "Bauer", "Walsh", "Mendoza", "Ferreira",
    "Khan", "Larsen", "Bautista", "Nguyen", "Moreau", "Kowalski", "Evans", "Pereira",
)

# ---------------------------------------------------------------- contacts
CHANNELS = ("phone", "email", "chat", "web", "social")
PHONE, EMAIL, CHAT, WEB, SOCIAL = range(5)
CHANNEL_MIX = (0.45, 0.25, 0.20, 0.07, 0.03)
CATEGORIES = contract.ENUMS["category"]  # setup, connectivity, billing, returns, account, other
CATEGORY_MIX = (0.26, 0.20, 0.16, 0.08, 0.12, 0.18)
TRIGGERED_CATEGORY_MIX = (0.50, 0.25, 0.05, 0.10, 0.00, 0.10)
PRODUCT_CATEGORY = np.array([True, True, False, True, False, False])  # issue is about a device
PRODUCT_NAMED_P = np.where(PRODUCT_CATEGORY, 0.85, 0.20)
# UTC arrivals by hour: peaks late morning and early afternoon, quiet nights
HOURLY_PROFILE = np.array([
    0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.40, 0.70, 1.00, 1.30, 1.50, 1.45,
    1.20, 1.35, 1.45, 1.30, 1.10, 0.90, 0.75, 0.60, 0.50, 0.40, 0.30, 0.20,
])
HOURLY_P = HOURLY_PROFILE / HOURLY_PROFILE.sum()
# queue load an arrival meets, 1 on average: busy hours wait longer
HOURLY_LOAD = np.clip(HOURLY_PROFILE / (HOURLY_PROFILE @ HOURLY_P), 0.4, 1.8)
WEEKEND_WEIGHT = 0.4

# contact outcomes (the first three equal the disposition codes)
RESOLVED, FOLLOW_UP, ESCALATED, ABANDONED, REOPENED, UNSOLVED = range(6)
DISPOSITIONS = contract.ENUMS["disposition"]
DISPOSITION_MIX = (0.75, 0.18, 0.07)
TICKET_OUTCOMES = np.array([RESOLVED, REOPENED, UNSOLVED])
TICKET_OUTCOME_MIX = (0.80, 0.105, 0.095)
# probability that a contact brings the same customer back about the same category
REPEAT_PROB = np.array([0.06, 0.65, 0.70, 0.70, 0.65, 0.60])
REPEAT_WINDOW = 7 * DAY
SAME_CHANNEL_P = 0.60
ABANDON_SAME_CHANNEL_P = 0.85
ABANDON_CALLBACK_MEDIAN = 40 * MINUTE
UNRESOLVED_REPEAT_MEDIAN = 30 * HOUR
MAX_REPEAT_GENERATIONS = 8

# ---------------------------------------------------------------- phone
QUEUES = ("general", "billing", "technical", "vip")
GENERAL, BILLING_Q, TECHNICAL, VIP = range(4)
# the lead's seed `queue_categories`: general->other, billing->billing, technical->setup, vip->account
QUEUE_DEFAULT_CATEGORY = np.array([CATEGORIES.index(c) for c in ("other", "billing", "setup", "account")])
CATEGORY_QUEUE = np.array([TECHNICAL, TECHNICAL, BILLING_Q, BILLING_Q, GENERAL, GENERAL])
QUEUE_TEAM = np.array([TIER1, BILLING_TEAM, TIER2, TIER2])
TRANSFER_QUEUE_MIX = (0.10, 0.30, 0.45, 0.15)
OUTBOUND_QUEUE_MIX = (0.50, 0.20, 0.30)  # general, billing, technical
VIP_SHARE = 0.70  # enterprise callers routed to the vip queue
FAST_ANSWER_SHARE = 0.80  # answered within 1-15 s at average load
FAST_ANSWER_LOAD_SLOPE = 0.15
SLOW_WAIT_MEDIAN = 30.0
SLOW_WAIT_SIGMA = 1.0
PATIENCE_MEAN = 300.0  # seconds a caller waits before hanging up (exponential)
SHORT_ABANDON_SHARE = 0.015  # hang up within 5 s (misdials)
TRANSFER_P = 0.10
SECOND_TRANSFER_P = 0.05
TRANSFERRED_ABANDON_P = 0.04
CASE_SHARE = 0.60  # handled chains whose agent attaches a ticket
CASE_ON_LATER_LEG_P = 0.5
TALK_MEDIAN = 240.0
TALK_SIGMA = 0.7
CATEGORY_TALK_FACTOR = np.array([1.25, 1.20, 0.85, 0.90, 0.90, 0.95])
TRANSFERRED_TALK_FACTOR = 0.5
UNRESOLVED_TALK_FACTOR = 1.15
HOLD_SHARE = 0.35
HOLD_MEDIAN = 40.0
HOLD_SIGMA = 0.7
ACW_MEDIAN = 60.0
ACW_SIGMA = 0.5

# ---------------------------------------------------------------- helpdesk
EVENT_TYPES = contract.ENUMS["event_type"]
CREATED, AGENT_REPLY, CUSTOMER_REPLY, INTERNAL_NOTE, STATUS_CHANGE, ASSIGNED = range(6)
STATUSES = contract.ENUMS["ticket_status"]
NEW, OPEN, PENDING, SOLVED, CLOSED = range(5)
PRIORITIES = contract.ENUMS["priority"]
PRIORITY_MIX = (0.22, 0.60, 0.14, 0.04)
ENTERPRISE_PRIORITY_MIX = (0.05, 0.50, 0.30, 0.15)
# per channel (phone, email, chat, web, social), seconds
ASSIGN_DELAY_MEDIAN = np.array([60, 600, 20, 600, 300])
FIRST_REPLY_MEDIAN = np.array([600, 9_000, 90, 9_000, 2_400])
AGENT_DELAY_MEDIAN = np.array([3_600, 10_800, 60, 10_800, 1_800])
CUSTOMER_DELAY_MEDIAN = np.array([3_600, 18_000, 60, 21_600, 5_400])
DELAY_SIGMA = np.array([0.8, 1.0, 0.6, 1.0, 0.9])
REPLY_WORK_MEDIAN = np.array([330, 330, 120, 330, 240])
ROUND_PROBS = np.array([
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
    [0.15, 0.25, 0.25, 0.18, 0.10, 0.07],
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
    [0.45, 0.30, 0.15, 0.10, 0.00, 0.00],
])
NOTE_P = 0.25
NOTE_WORK_MEDIAN = 90
REOPEN_DELAY_MEDIAN = 20 * HOUR
CLOSE_AFTER = 4 * DAY
FOLLOW_UP_MEDIAN = 20 * HOUR
FOLLOW_UP_SOLVE_P = 0.80
ESCALATION_SOLVE_P = 0.70
UNSOLVED_CUSTOMER_REPLY_P = 0.5

# ---------------------------------------------------------------- experience
SURVEY_TYPES = contract.ENUMS["survey_type"]  # nps, csat, ces
SURVEY_TYPE_MIX = (0.15, 0.70, 0.15)
TRANSACTIONAL_SURVEY_SHARE = 0.15
RELATIONSHIP_NPS_SHARE_PER_30D = 0.05
RESPONSE_DELAY_MEDIAN = 3 * HOUR
# a latent satisfaction z ~ N(mu, 1) is mapped onto each scale
MU_RESOLVED = 1.35
MU_UNRESOLVED = -0.25
WAIT_PENALTY = 0.3  # per log1p(wait minutes)
RELATIONSHIP_MU = 0.55
RELATIONSHIP_SIGMA = 1.1
CSAT_CUTS = np.array([-1.2, -0.6, 0.0, 0.9])
NPS_CENTER, NPS_SPREAD = 7.2, 1.7
CES_CENTER, CES_SPREAD = 4.3, 1.0
COMMENT_P = 0.35
COMMENTS = (
    ("Slow and I had to explain everything twice.", "Still not fixed.",
     "Nobody called me back.", "The wait was far too long."),
    ("It was okay.", "Took a while but it works now.", "Fine, nothing special."),
    ("Quick and friendly help.", "Solved on the first try, thanks!",
     "The agent knew exactly what to do.", "Great service."),
)
QA_SHARE = 0.03
EMPATHY_MIX = (0.03, 0.07, 0.25, 0.40, 0.25)
COMPLIANCE_P = 0.90

# ---------------------------------------------------------------- commerce and social
RETURN_REASONS = contract.ENUMS["return_reason"]  # defective, could_not_set_up, changed_mind, other
NO_FAULT_RETURN_P = (0.06, 0.03)  # could_not_set_up: orders without / with a contact soon after
OTHER_RETURN_P = (0.020, 0.012, 0.003)  # defective, changed_mind, other
RETURN_WINDOW = 30 * DAY
RETURN_DELAY_MEDIAN = np.array([14 * DAY, 6 * DAY, 10 * DAY, 12 * DAY])
CHANGED_MIND_REFUND_SHARE = 0.85
PLATFORMS = ("twitter", "facebook", "instagram", "reviews")
PLATFORM_MIX = (0.40, 0.25, 0.20, 0.15)
SENTIMENTS = contract.ENUMS["sentiment"]  # positive, neutral, negative
SENTIMENT_MIX = (0.40, 0.35, 0.25)
RECOMMENDATION_P = np.array([0.45, 0.10, 0.35])
SOCIAL_MATCHED_SHARE = 0.10

# ---------------------------------------------------------------- dirt
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
    "calls": ("ended_before_queued", "negative_durations", "orphan_customers", "misspelt_enums",
              "duplicates"),
    "survey_responses": ("late_rows", "orphan_customers", "out_of_scale_scores", "misspelt_enums",
                         "duplicates"),
    "qa_evaluations": ("out_of_scale_scores", "duplicates"),
    "social_mentions": ("misspelt_enums", "duplicates"),
}
OUT_OF_SCALE = {"nps": (-1, 11), "csat": (0, 6), "ces": (0, 8)}
MAX_DIRTY_RATE = 0.15

Columns = dict[str, np.ndarray]


# ====================================================================== public API
def generate(
    out_dir: str | Path,
    customers: int = 20_000,
    days: int = 91,
    start: date = date(2026, 6, 1),
    seed: int = 42,
    dirty_rate: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the eleven contract tables as ``<table>.parquet`` plus ``manifest.json``.

    The period is ``[start, start + days)`` UTC; orders also cover the 365 days
    before it, so an installed base exists. ``dirty_rate`` > 0 adds, per table
    and dirt class, ``round(dirty_rate x clean rows)`` dirty rows, each listed in
    the returned manifest with what staging is expected to do with it.
    """
    if customers < 1 or days < 1:
        raise ValueError("customers and days must be at least 1")
    if not 0.0 <= dirty_rate <= MAX_DIRTY_RATE:
        raise ValueError(f"dirty_rate must be within 0..{MAX_DIRTY_RATE}")
    say = progress or _quiet
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    period = _Period(_epoch_seconds(start), _epoch_seconds(start) + days * DAY, days, customers)

    tables, side = _clean_tables(np.random.default_rng(seed), period, say)
    dirt: dict[str, dict] = {name: {} for name in tables}
    if dirty_rate > 0:
        tables, dirt = _inject_dirt(np.random.default_rng([seed, DIRT_STREAM]), tables, side,
                                    dirty_rate, period)
    manifest = {
        "generator": "cx_metrics.generate",
        "seed": seed,
        "dirty_rate": dirty_rate,
        "start": start.isoformat(),
        "days": days,
        "customers": customers,
        "tables": {name: {"rows": tables[name].num_rows, "dirt": dirt[name]} for name in tables},
    }
    with ThreadPoolExecutor(max_workers=2) as pool:  # pyarrow releases the GIL while encoding
        written = [pool.submit(_write, table, out / f"{name}.parquet") for name, table in tables.items()]
        for name, job in zip(tables, written, strict=True):
            job.result()
            say(f"{name}: {tables[name].num_rows:,} rows")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


# ====================================================================== plumbing
@dataclass(frozen=True)
class _Period:
    """The reporting period [start_s, end_s) in epoch seconds, and the requested size."""

    start_s: int
    end_s: int
    days: int
    customers: int

    @property
    def first_day(self) -> int:
        return self.start_s // DAY


def _write(table: pa.Table, path: Path) -> None:
    """Parquet, zstd; dictionary pages for every column but the (unique) primary key."""
    key = contract.TABLES[path.stem].primary_key
    pq.write_table(table, path, compression="zstd", compression_level=1,
                   use_dictionary=[c for c in table.column_names if c != key])


def _quiet(_: str) -> None:
    """Default progress sink: the library never prints."""


def _epoch_seconds(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def _loaded(latest_s: np.ndarray) -> np.ndarray:
    """_loaded_at of a daily extract: 02:00 UTC on the day after the row's latest timestamp."""
    return (latest_s // DAY + 1) * DAY + 2 * HOUR


def _lognormal(rng: np.random.Generator, median, sigma, size: int, lo: float, hi: float) -> np.ndarray:
    """Whole seconds from a clipped lognormal: durations and delays are right-skewed."""
    return np.clip(rng.lognormal(np.log(median), sigma, size), lo, hi).astype(np.int64)


def _time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight UTC following the intraday arrival profile."""
    return rng.choice(24, size=n, p=HOURLY_P) * HOUR + rng.integers(0, HOUR, n)


def _weekday(day: np.ndarray) -> np.ndarray:
    """Monday = 0 for days since 1970-01-01 (a Thursday)."""
    return (day + 3) % 7


def _sample_times(rng: np.random.Generator, n: int, first_day: int, n_days: int) -> np.ndarray:
    """Arrival instants over whole days with weekday and intraday seasonality."""
    days = first_day + np.arange(n_days)
    weight = np.where(_weekday(days) >= 5, WEEKEND_WEIGHT, 1.0)
    return rng.choice(days, size=n, p=weight / weight.sum()) * DAY + _time_of_day(rng, n)


def _existing_customer(rng: np.random.Generator, created: np.ndarray, t: np.ndarray) -> np.ndarray:
    """A uniformly chosen customer created before each instant (-1 if none yet)."""
    k = np.searchsorted(created, t, side="right")
    return np.where(k > 0, (rng.random(len(t)) * k).astype(np.int64), -1)


def _concat(parts: list[Columns]) -> Columns:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _take(cols: Columns, idx: np.ndarray) -> Columns:
    return {k: v[idx] for k, v in cols.items()}


def _group_max(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Max per contiguous group starting at ``first`` (every group non-empty)."""
    if len(first) == 0:
        return np.zeros(0, values.dtype)
    return np.maximum.reduceat(values, first)


# ---------------------------------------------------------------- arrow columns
def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(max(n, 1))))


def _ids(prefix: str, nums: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    """Zero-padded ids such as ``C-0000042``, built as one byte buffer (no per-row strings)."""
    nums = np.asarray(nums, np.int64)
    n, head = len(nums), np.frombuffer(prefix.encode(), np.uint8)
    size = len(head) + width
    cols = np.empty((size, n), np.uint8)  # one contiguous row per character position
    cols[: len(head)] = head[:, None]
    rest = np.where(nums < 0, 0, nums)
    for pos in range(size - 1, len(head) - 1, -1):
        rest, digit = np.divmod(rest, 10)
        np.add(digit, 48, out=cols[pos], casting="unsafe")
    buf = np.ascontiguousarray(cols.T)
    offsets = pa.py_buffer(np.arange(n + 1, dtype=np.int32) * np.int32(size))
    if valid is None or valid.all():
        return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(buf))
    bitmap = pa.array(valid, pa.bool_()).buffers()[1]
    return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(buf), bitmap, int((~valid).sum()))


def _cat(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Strings from small-integer codes; a negative code is null."""
    codes = np.asarray(codes, np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(codes, mask=codes < 0))


def _ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Timestamp (microsecond, tz-naive, UTC values) from epoch seconds."""
    micros = np.asarray(seconds, np.int64) * 1_000_000
    mask = None if valid is None else ~valid
    return pa.array(micros, pa.int64(), mask=mask).cast(pa.timestamp("us"))


def _date(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(np.asarray(days, np.int32), pa.int32(), mask=mask).cast(pa.date32())


def _int(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(np.asarray(values, np.int64), pa.int64(), mask=mask)


def _dec(cents: np.ndarray, precision: int, scale: int = 2) -> pa.Array:
    """decimal128 from integer cents, written straight into the 16-byte little-endian words."""
    cents = np.asarray(cents, np.int64)
    words = np.empty((len(cents), 2), np.int64)
    words[:, 0], words[:, 1] = cents, cents >> 63
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(cents), [None, pa.py_buffer(words)])


def _arrow_type(contract_type: str) -> pa.DataType:
    if contract_type.startswith("decimal("):
        precision, scale = contract_type[len("decimal("):-1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return {
        "text": pa.string(), "timestamp": pa.timestamp("us"), "date": pa.date32(),
        "integer": pa.int64(), "boolean": pa.bool_(),
    }[contract_type]


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet/Arrow schema of a raw table, derived from ``contract.TABLES``."""
    return pa.schema([(c, _arrow_type(t)) for c, t in contract.TABLES[table].columns.items()])


def _build(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    schema = arrow_schema(name)
    return pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)


# ====================================================================== the clean sample
def _clean_tables(rng: np.random.Generator, period: _Period, say: Callable[[str], None]
                  ) -> tuple[dict[str, pa.Table], dict]:
    """Every table in dependency order; ``side`` keeps arrays the dirt step needs."""
    products, prices = _products(period)
    cust, customers = _customers(rng, period)
    ag, agents = _agents(rng, period)
    orders = _orders(rng, period, cust, prices)
    say(f"orders: {len(orders['t']):,}")
    con = _contacts(rng, period, cust, orders)
    say(f"contacts: {len(con['start']):,}")
    legs, chains = _inbound_legs(rng, period, con, ag)
    outbound = _outbound_legs(rng, period, int(legs["kept"].sum()), cust, ag)
    tk = _tickets(rng, period, con, legs, chains, ag, cust)
    say(f"ticket events: {tk['events'].num_rows:,}")
    calls, leg_row, keys = _calls_table(con, legs, chains, outbound, tk, cust, ag)
    handled = _handled_contacts(con, legs, chains, tk, leg_row)
    surveys, rated_calls = _surveys(rng, period, handled, cust, keys)
    qa, qa_calls = _qa(rng, period, handled, keys, ag)
    tables = {
        "customers": customers,
        "products": products,
        "orders": _orders_table(orders, cust),
        "returns": _returns(rng, period, orders, handled),
        "agents": agents,
        "tickets": tk["table"],
        "ticket_events": tk["events"],
        "calls": calls,
        "survey_responses": surveys,
        "qa_evaluations": qa,
        "social_mentions": _social(rng, period, cust),
    }
    referenced = np.zeros(calls.num_rows, bool)
    referenced[np.concatenate([rated_calls, qa_calls])] = True
    side = {"event_ticket_row": tk["event_ticket_row"], "event_at": tk["event_at"],
            "event_status": tk["event_status"], "call_referenced": referenced}
    return tables, side


# ---------------------------------------------------------------- commerce
def _products(period: _Period) -> tuple[pa.Table, np.ndarray]:
    """The fixed catalogue: a dozen devices in four categories, all launched before the base year."""
    n = len(PRODUCTS)
    launched = period.first_day - np.array([p[3] for p in PRODUCTS])
    prices = np.array([p[2] for p in PRODUCTS], np.int64)
    table = _build("products", {
        "product_id": _ids("P-", np.arange(1, n + 1), 3),
        "product_name": pa.array([p[0] for p in PRODUCTS], pa.string()),
        "product_category": pa.array([p[1] for p in PRODUCTS], pa.string()),
        "unit_price": _dec(prices, 12),
        "launched_at": _date(launched),
        "_loaded_at": _ts(_loaded(launched * DAY)),
    })
    return table, prices


@dataclass(frozen=True)
class _Customers:
    created: np.ndarray  # ascending: customer i is the (i+1)-th to sign up
    segment: np.ndarray
    width: int

    def ids(self, idx: np.ndarray) -> pa.Array:
        idx = np.asarray(idx, np.int64)
        return _ids("C-", idx + 1, self.width, idx >= 0)


def _customers(rng: np.random.Generator, period: _Period) -> tuple[_Customers, pa.Table]:
    """Customers signed up over four years (more recently more often), a few during the period."""
    n = period.customers
    new = rng.random(n) < CUSTOMERS_NEW_IN_PERIOD
    before = period.start_s - 1 - (rng.random(n) ** 1.6 * CUSTOMER_HISTORY_DAYS * DAY).astype(np.int64)
    during = period.start_s + (rng.random(n) * (period.end_s - period.start_s)).astype(np.int64)
    created = np.sort(np.where(new, during, before))
    segment = rng.choice(len(SEGMENTS), n, p=SEGMENT_MIX)
    country = rng.choice(len(COUNTRIES), n, p=COUNTRY_MIX)
    cust = _Customers(created, segment, _width(n, 7))
    table = _build("customers", {
        "customer_id": cust.ids(np.arange(n)),
        "created_at": _ts(created),
        "segment": _cat(SEGMENTS, segment),
        "country": _cat(COUNTRIES, country),
        "_loaded_at": _ts(_loaded(created)),
    })
    return cust, table


def _orders(rng: np.random.Generator, period: _Period, cust: _Customers, prices: np.ndarray) -> Columns:
    """A sign-up order per customer who joined in the base year, then Poisson repeat orders."""
    base_start = period.start_s - INSTALLED_BASE_DAYS * DAY
    joined = np.flatnonzero(cust.created >= base_start)
    first_t = cust.created[joined] + rng.integers(60, 900, len(joined))
    lo = np.maximum(cust.created, base_start)
    years = (period.end_s - lo) / (365 * DAY)
    repeat_c = np.repeat(np.arange(len(lo)), rng.poisson(ORDERS_PER_YEAR[cust.segment] * years))
    t = lo[repeat_c] + (rng.random(len(repeat_c)) * (period.end_s - lo[repeat_c])).astype(np.int64)
    t = t // DAY * DAY + _time_of_day(rng, len(t))
    c = np.concatenate([joined, repeat_c])
    t = np.concatenate([first_t, t])
    keep = (t > cust.created[c]) & (t >= base_start) & (t < period.end_s)
    c, t = c[keep], t[keep]
    order = np.lexsort((c, t))
    c, t = c[order], t[order]
    n = len(t)
    product = rng.choice(len(PRODUCTS), n, p=PRODUCT_SHARE)
    qty = 1 + rng.poisson(EXTRA_UNITS_MEAN[cust.segment[c]])
    discount = DISCOUNT_PERCENT[rng.choice(len(DISCOUNT_PERCENT), n, p=DISCOUNT_MIX)]
    amount = (qty * prices[product] * (100 - discount) + 50) // 100
    return {"cust": c, "t": t, "product": product, "qty": qty, "amount": amount}


def _orders_table(orders: Columns, cust: _Customers) -> pa.Table:
    n = len(orders["t"])
    return _build("orders", {
        "order_id": _ids("O-", np.arange(1, n + 1), _width(n, 8)),
        "customer_id": cust.ids(orders["cust"]),
        "product_id": _ids("P-", orders["product"] + 1, 3),
        "ordered_at": _ts(orders["t"]),
        "quantity": _int(orders["qty"]),
        "amount": _dec(orders["amount"], 12),
        "_loaded_at": _ts(_loaded(orders["t"])),
    })


# ---------------------------------------------------------------- agents
@dataclass(frozen=True)
class _Agents:
    team: np.ndarray
    hired_day: np.ndarray
    end_day: np.ndarray  # first day no longer employed (huge if still employed)
    by_team: np.ndarray
    team_start: np.ndarray
    team_size: np.ndarray
    core_by_team: np.ndarray
    core_start: np.ndarray
    core_size: np.ndarray
    width: int

    def ids(self, idx: np.ndarray) -> pa.Array:
        idx = np.asarray(idx, np.int64)
        return _ids("A-", idx + 1, self.width, idx >= 0)


def _team_index(team: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members grouped by team, with each team's start offset and size, for O(1) picks."""
    order = members[np.argsort(team[members], kind="stable")]
    size = np.bincount(team[members], minlength=len(TEAMS))
    return order, np.cumsum(size) - size, size


def _agents(rng: np.random.Generator, period: _Period) -> tuple[_Agents, pa.Table]:
    """About one agent per 400 customers in four teams over three sites; a few join or leave."""
    n = max(MIN_AGENTS, round(period.customers / CUSTOMERS_PER_AGENT))
    counts = [max(3, round(n * s)) for s in TEAM_SHARE[1:]]
    counts = [n - sum(counts), *counts]
    team = np.repeat(np.arange(len(TEAMS)), counts)
    core = (np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)) < CORE_AGENTS_PER_TEAM
    perm = rng.permutation(n)  # ids do not reveal the team
    team, core = team[perm], core[perm]
    hired = period.first_day - rng.integers(60, 2_000, n)
    joins = ~core & (rng.random(n) < AGENTS_HIRED_IN_PERIOD)
    hired = np.where(joins, period.first_day + rng.integers(0, max(1, period.days * 2 // 3), n), hired)
    leaves = ~core & ~joins & (rng.random(n) < AGENTS_TERMINATED_IN_PERIOD) & (period.days > 7)
    term = period.first_day + rng.integers(5, max(6, period.days - 1), n)
    site = rng.choice(len(SITES), n, p=SITE_MIX)
    cost = SITE_HOURLY_COST[site] + TEAM_COST_PREMIUM[team] + rng.uniform(-4, 4, n)
    cents = np.clip(np.round(cost * 100), 2_500, 6_000).astype(np.int64)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    names = [f"{FIRST_NAMES[f]} {LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)]
    by_team, team_start, team_size = _team_index(team, np.arange(n))
    core_by_team, core_start, core_size = _team_index(team, np.flatnonzero(core))
    ag = _Agents(team, hired, np.where(leaves, term, np.iinfo(np.int64).max), by_team, team_start,
                 team_size, core_by_team, core_start, core_size, _width(n, 4))
    latest = np.where(leaves, term, hired)
    table = _build("agents", {
        "agent_id": ag.ids(np.arange(n)),
        "agent_name": pa.array(names, pa.string()),
        "team": _cat(TEAMS, team),
        "site": _cat(SITES, site),
        "hourly_cost": _dec(cents, 10),
        "hired_at": _date(hired),
        "terminated_at": _date(term, leaves),
        "_loaded_at": _ts(_loaded(latest * DAY)),
    })
    return ag, table


def _pick_agents(rng: np.random.Generator, ag: _Agents, team: np.ndarray, t: np.ndarray,
                 exclude: np.ndarray | None = None) -> np.ndarray:
    """A random agent of each team employed on the day of ``t`` (and not ``exclude``)."""
    day = t // DAY
    out = np.full(len(team), -1, np.int64)
    todo = np.arange(len(team))
    for _ in range(6):  # rejection sampling; few agents are ever off the payroll
        tm = team[todo]
        cand = ag.by_team[ag.team_start[tm] + (rng.random(len(todo)) * ag.team_size[tm]).astype(np.int64)]
        ok = (ag.hired_day[cand] <= day[todo]) & (day[todo] < ag.end_day[cand])
        if exclude is not None:
            ok &= cand != exclude[todo]
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
        if not len(todo):
            return out
    tm = team[todo]  # fall back on the always-employed core of the team
    k = (rng.random(len(todo)) * ag.core_size[tm]).astype(np.int64)
    cand = ag.core_by_team[ag.core_start[tm] + k]
    if exclude is not None:
        clash = cand == exclude[todo]
        cand[clash] = ag.core_by_team[ag.core_start[tm[clash]] + (k[clash] + 1) % ag.core_size[tm[clash]]]
    out[todo] = cand
    return out


# ---------------------------------------------------------------- contacts
def _contacts(rng: np.random.Generator, period: _Period, cust: _Customers, orders: Columns) -> Columns:
    """First contacts (background and order-triggered), then generations of repeat contacts.

    Each contact's outcome is drawn up front because it decides whether the
    customer comes back: unresolved contacts return 60-70 % of the time.
    """
    target = round(period.customers * period.days / 30 * CONTACTS_PER_CUSTOMER_PER_30D)
    n_first = round(target / REPEAT_MULTIPLIER)
    triggered = _order_triggered(rng, period, orders, round(n_first * ORDER_TRIGGERED_SHARE))
    background = _background(rng, period, cust, n_first - len(triggered["start"]))
    first = _concat([triggered, background])
    n = len(first["start"])
    first["cust"] = np.where(rng.random(n) < UNKNOWN_CUSTOMER_SHARE, -1, first["cust"])
    first["channel"] = rng.choice(len(CHANNELS), n, p=CHANNEL_MIX)
    generations = [_with_outcomes(rng, first, cust)]
    for _ in range(MAX_REPEAT_GENERATIONS):
        child = _repeat_contacts(rng, period, generations[-1], cust)
        if not len(child["start"]):
            break
        generations.append(child)
    return _concat(generations)


def _background(rng: np.random.Generator, period: _Period, cust: _Customers, n: int) -> Columns:
    """Contacts from any existing customer about any category, on the arrival profile."""
    n = max(n, 0)
    start = _sample_times(rng, n, period.first_day, period.days)
    category = rng.choice(len(CATEGORIES), n, p=CATEGORY_MIX)
    named = rng.random(n) < PRODUCT_NAMED_P[category]
    product = np.where(named, rng.choice(len(PRODUCTS), n, p=PRODUCT_SHARE), -1)
    return {"cust": _existing_customer(rng, cust.created, start), "start": start,
            "category": category, "product": product}


def _order_triggered(rng: np.random.Generator, period: _Period, orders: Columns, n: int) -> Columns:
    """Contacts a few days after an order, about that product (mostly setup and connectivity)."""
    pool = np.flatnonzero((orders["t"] >= period.start_s - 21 * DAY) & (orders["t"] < period.end_s))
    if n <= 0 or not len(pool):
        empty = np.zeros(0, np.int64)
        return {"cust": empty, "start": empty, "category": empty, "product": empty}
    pick = pool[rng.integers(0, len(pool), 3 * n)]  # oversample, keep the first n that fit
    t_order = orders["t"][pick]
    start = (t_order // DAY + rng.exponential(3.0, len(pick)).astype(np.int64)) * DAY
    start += _time_of_day(rng, len(pick))
    start = np.where(start <= t_order, start + DAY, start)
    fits = (start >= period.start_s) & (start < period.end_s)
    fits &= (_weekday(start // DAY) < 5) | (rng.random(len(pick)) < WEEKEND_WEIGHT)
    keep = np.flatnonzero(fits)[:n]
    return {"cust": orders["cust"][pick[keep]], "start": start[keep],
            "category": rng.choice(len(CATEGORIES), len(keep), p=TRIGGERED_CATEGORY_MIX),
            "product": orders["product"][pick[keep]]}


def _potential_wait(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Seconds until an agent would answer: most within 15 s, a lognormal tail at busy hours."""
    n = len(t)
    load = HOURLY_LOAD[(t % DAY) // HOUR]
    fast = rng.random(n) < np.clip(FAST_ANSWER_SHARE - FAST_ANSWER_LOAD_SLOPE * (load - 1), 0.5, 0.97)
    slow = 8 + rng.lognormal(np.log(SLOW_WAIT_MEDIAN * load), SLOW_WAIT_SIGMA, n)
    return np.where(fast, rng.uniform(1, 15, n), slow)


def _with_outcomes(rng: np.random.Generator, c: Columns, cust: _Customers) -> Columns:
    """Draw routing and outcome: phone waits decide abandons (a caller's patience
    runs out before an agent answers), so long waits abandon more often."""
    n = len(c["start"])
    phone = c["channel"] == PHONE
    enterprise = (c["cust"] >= 0) & (cust.segment[np.maximum(c["cust"], 0)] == ENTERPRISE)
    queue = np.where(enterprise & (rng.random(n) < VIP_SHARE), VIP, CATEGORY_QUEUE[c["category"]])
    potential = _potential_wait(rng, c["start"])
    short = rng.random(n) < SHORT_ABANDON_SHARE
    patience = np.where(short, rng.uniform(0.3, 4.9, n), rng.exponential(PATIENCE_MEAN, n))
    abandoned = patience < potential
    wait = np.floor(np.where(abandoned, patience, potential)).astype(np.int64)
    transfer = ~abandoned & (rng.random(n) < TRANSFER_P)
    second = transfer & (rng.random(n) < SECOND_TRANSFER_P)
    last_abandoned = transfer & (rng.random(n) < TRANSFERRED_ABANDON_P)
    disposition = rng.choice(len(DISPOSITIONS), n, p=DISPOSITION_MIX)
    phone_outcome = np.where(abandoned, ABANDONED, np.where(last_abandoned, ESCALATED, disposition))
    ticket_outcome = TICKET_OUTCOMES[rng.choice(len(TICKET_OUTCOMES), n, p=TICKET_OUTCOME_MIX)]
    return {**c,
            "queue": np.where(phone, queue, -1),
            "wait": np.where(phone, wait, 0),
            "legs": np.where(phone, 1 + transfer.astype(np.int64) + second, 0),
            "last_abandoned": phone & last_abandoned,
            "outcome": np.where(phone, phone_outcome, ticket_outcome)}


def _repeat_contacts(rng: np.random.Generator, period: _Period, parents: Columns, cust: _Customers
                     ) -> Columns:
    """Same customer, same category, within 7 days; abandoned callers ring back within hours."""
    n = len(parents["start"])
    p = REPEAT_PROB[parents["outcome"]] * (parents["cust"] >= 0)
    sel = np.flatnonzero(rng.random(n) < p)
    outcome = parents["outcome"][sel]
    m = len(sel)
    callback = 120 + _lognormal(rng, ABANDON_CALLBACK_MEDIAN, 1.0, m, 0, REPEAT_WINDOW)
    slow = 30 * MINUTE + _lognormal(rng, UNRESOLVED_REPEAT_MEDIAN, 0.9, m, 0, REPEAT_WINDOW)
    anytime = rng.integers(30 * MINUTE, REPEAT_WINDOW - MINUTE, m)
    delay = np.where(outcome == ABANDONED, callback, np.where(outcome == RESOLVED, anytime, slow))
    start = parents["start"][sel] + np.minimum(delay, REPEAT_WINDOW - MINUTE)
    keep = start < period.end_s
    sel, start, outcome = sel[keep], start[keep], outcome[keep]
    m = len(sel)
    same = rng.random(m) < np.where(outcome == ABANDONED, ABANDON_SAME_CHANNEL_P, SAME_CHANNEL_P)
    channel = np.where(same, parents["channel"][sel], rng.choice(len(CHANNELS), m, p=CHANNEL_MIX))
    child = {"cust": parents["cust"][sel], "start": start, "category": parents["category"][sel],
             "product": parents["product"][sel], "channel": channel}
    return _with_outcomes(rng, child, cust)


# ---------------------------------------------------------------- calls
def _handle_times(rng: np.random.Generator, category: np.ndarray, transferred: np.ndarray,
                  unresolved: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lognormal talk (median ~4 min), hold (often 0, else ~40 s) and after-call work (~60 s)."""
    n = len(category)
    median = (TALK_MEDIAN * CATEGORY_TALK_FACTOR[category]
              * np.where(transferred, TRANSFERRED_TALK_FACTOR, 1.0)
              * np.where(unresolved, UNRESOLVED_TALK_FACTOR, 1.0))
    talk = _lognormal(rng, median, TALK_SIGMA, n, 15, 4 * HOUR)
    held = rng.random(n) < HOLD_SHARE
    hold = np.where(held, _lognormal(rng, HOLD_MEDIAN, HOLD_SIGMA, n, 3, 30 * MINUTE), 0)
    acw = _lognormal(rng, ACW_MEDIAN, ACW_SIGMA, n, 5, 20 * MINUTE)
    return talk, hold, acw


def _transfer_queue(rng: np.random.Generator, parent: np.ndarray, category: np.ndarray) -> np.ndarray:
    """The queue the call is transferred to: the category's own queue, never the same queue."""
    n = len(parent)
    target = CATEGORY_QUEUE[category]
    queue = np.where(target != parent, target, rng.choice(len(QUEUES), n, p=TRANSFER_QUEUE_MIX))
    clash = queue == parent
    queue[clash] = (parent[clash] + 1 + rng.integers(0, len(QUEUES) - 1, int(clash.sum()))) % len(QUEUES)
    return queue


def _inbound_legs(rng: np.random.Generator, period: _Period, con: Columns, ag: _Agents
                  ) -> tuple[Columns, Columns]:
    """Call legs of every phone contact, built depth by depth (a child leg is queued when
    its parent ends), plus per-chain facts: handled, last answered leg, end, case."""
    ph = np.flatnonzero(con["channel"] == PHONE)
    n_legs = con["legs"][ph].astype(np.int64)
    chain = np.repeat(np.arange(len(ph)), n_legs)
    first = np.cumsum(n_legs) - n_legs
    depth = np.arange(len(chain)) - first[chain]
    last = depth == n_legs[chain] - 1
    contact = ph[chain]
    size = len(chain)
    queue, queued, wait, ended = (np.zeros(size, np.int64) for _ in range(4))
    talk, hold, acw = (np.zeros(size, np.int64) for _ in range(3))
    agent = np.full(size, -1, np.int64)
    answered = np.zeros(size, bool)
    for d in range(int(n_legs.max(initial=0))):
        idx = np.flatnonzero(depth == d)
        c = contact[idx]
        if d == 0:
            queue[idx], queued[idx] = con["queue"][c], con["start"][c]
            w, gone, exclude = con["wait"][c], con["outcome"][c] == ABANDONED, None
        else:
            parent = idx - 1
            queue[idx] = _transfer_queue(rng, queue[parent], con["category"][c])
            queued[idx] = ended[parent]
            gone = last[idx] & con["last_abandoned"][c]
            gave_up = 20 + rng.exponential(90, len(idx))
            w = np.floor(np.where(gone, gave_up, _potential_wait(rng, queued[idx]))).astype(np.int64)
            exclude = agent[parent][~gone]
        wait[idx] = w
        ans = idx[~gone]
        answered[ans] = True
        agent[ans] = _pick_agents(rng, ag, QUEUE_TEAM[queue[ans]], queued[ans] + wait[ans], exclude)
        talk[ans], hold[ans], acw[ans] = _handle_times(
            rng, con["category"][contact[ans]], ~last[ans], con["outcome"][contact[ans]] != RESOLVED)
        ended[idx] = queued[idx] + wait[idx] + talk[idx] + hold[idx]
    disposition = np.full(size, -1, np.int64)
    closing = answered & last
    disposition[closing] = con["outcome"][contact[closing]]
    disposition[~last] = ESCALATED  # a transfer hands the caller on
    kept = ended < period.end_s  # legs still in progress at the extract are not exported yet

    handled_chain = con["outcome"][ph] != ABANDONED
    forced = (QUEUE_DEFAULT_CATEGORY[con["queue"][ph]] != con["category"][ph]) | (n_legs > 1)
    forced_share = forced[handled_chain].mean() if handled_chain.any() else 0.0
    p_rest = np.clip((CASE_SHARE - forced_share) / max(1e-9, 1 - forced_share), 0, 1)
    exists = kept[first] if len(first) else np.zeros(0, bool)
    case = handled_chain & exists & (forced | (rng.random(len(ph)) < p_rest))
    on_leg = case[chain] & ((depth == 0) | (answered & (rng.random(size) < CASE_ON_LATER_LEG_P)))

    last_answer = _group_max(np.where(answered & kept, np.arange(size), -1), first)
    legs = {"chain": chain, "depth": depth, "queue": queue, "queued": queued, "wait": wait,
            "answered": answered, "ended": ended, "agent": agent, "talk": talk, "hold": hold,
            "acw": acw, "transferred": ~last, "disposition": disposition, "kept": kept,
            "case": on_leg}
    chains = {"contact": ph, "first": first, "exists": exists, "case": case,
              "last_answer": last_answer, "handled": last_answer >= 0,
              "end": _group_max(np.where(kept, ended, -1), first)}
    return legs, chains


def _outbound_legs(rng: np.random.Generator, period: _Period, n_inbound: int, cust: _Customers,
                   ag: _Agents) -> Columns:
    """Agent-initiated calls (callbacks, follow-ups): answered, not contacts, ~8 % of legs."""
    n = round(n_inbound * OUTBOUND_SHARE_OF_LEGS / (1 - OUTBOUND_SHARE_OF_LEGS))
    queued = _sample_times(rng, n, period.first_day, period.days)
    customer = _existing_customer(rng, cust.created, queued)
    queue = rng.choice(len(OUTBOUND_QUEUE_MIX), n, p=OUTBOUND_QUEUE_MIX)
    ring = rng.integers(5, 25, n)
    agent = _pick_agents(rng, ag, QUEUE_TEAM[queue], queued + ring)
    talk = _lognormal(rng, 150, 0.6, n, 10, 2 * HOUR)
    hold = np.where(rng.random(n) < 0.2, _lognormal(rng, 30, 0.6, n, 3, 900), 0)
    acw = _lognormal(rng, 45, 0.5, n, 5, 600)
    ended = queued + ring + talk + hold
    disposition = rng.choice(2, n, p=(0.8, 0.2))
    keep = ended < period.end_s
    return _take({"cust": customer, "queue": queue, "queued": queued, "wait": ring, "agent": agent,
                  "talk": talk, "hold": hold, "acw": acw, "ended": ended,
                  "disposition": disposition}, keep)


@dataclass(frozen=True)
class _Keys:
    """Id formats shared by every table that names a ticket or a call."""

    ticket_width: int
    call_width: int

    def ticket(self, number: np.ndarray) -> pa.Array:
        """``T-<number>``; number 0 or less is null."""
        return _ids("T-", number, self.ticket_width, np.asarray(number) > 0)

    def call(self, row: np.ndarray) -> pa.Array:
        """``CL-<row + 1>``; row -1 is null."""
        return _ids("CL-", np.asarray(row) + 1, self.call_width, np.asarray(row) >= 0)


def _calls_table(con: Columns, legs: Columns, chains: Columns, outbound: Columns, tk: dict,
                 cust: _Customers, ag: _Agents) -> tuple[pa.Table, np.ndarray, _Keys]:
    """Every exported leg, inbound and outbound, numbered in queued order.

    Returns the table, each inbound leg's row in it (-1 if not exported) and the id formats.
    """
    kept = np.flatnonzero(legs["kept"])
    n_in, n_out = len(kept), len(outbound["queued"])
    n = n_in + n_out
    chain = legs["chain"][kept]
    queued = np.concatenate([legs["queued"][kept], outbound["queued"]])
    group = np.concatenate([chain, len(chains["first"]) + np.arange(n_out)])
    depth = np.concatenate([legs["depth"][kept], np.zeros(n_out, np.int64)])
    order = np.lexsort((depth, group, queued))
    row_of = np.empty(n, np.int64)
    row_of[order] = np.arange(n)
    leg_row = np.full(len(legs["chain"]), -1, np.int64)
    leg_row[kept] = row_of[:n_in]
    none = np.full(n_out, -1, np.int64)

    def both(inbound: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Inbound and outbound values of one column, in table order."""
        return np.concatenate([inbound, out])[order]

    parent = both(np.where(legs["depth"][kept] > 0, leg_row[np.maximum(kept - 1, 0)], -1), none)
    case_pre = np.cumsum(chains["case"]) - 1  # phone case tickets are tickets 0..k-1 before numbering
    case = both(np.where(legs["case"][kept], tk["number_of"][case_pre[chain]], -1), none)
    answered = both(legs["answered"][kept], np.ones(n_out, bool))
    queued = queued[order]
    ended = both(legs["ended"][kept], outbound["ended"])
    keys = _Keys(tk["width"], _width(n, 8))
    table = _build("calls", {
        "call_id": keys.call(np.arange(n)),
        "parent_call_id": keys.call(parent),
        "direction": _cat(contract.ENUMS["direction"],
                          both(np.zeros(n_in, np.int64), np.ones(n_out, np.int64))),
        "customer_id": cust.ids(both(con["cust"][chains["contact"][chain]], outbound["cust"])),
        "ticket_id": keys.ticket(case),
        "queue": _cat(QUEUES, both(legs["queue"][kept], outbound["queue"])),
        "queued_at": _ts(queued),
        "answered_at": _ts(queued + both(legs["wait"][kept], outbound["wait"]), answered),
        "ended_at": _ts(ended),
        "agent_id": ag.ids(both(legs["agent"][kept], outbound["agent"])),
        "talk_seconds": _int(both(legs["talk"][kept], outbound["talk"])),
        "hold_seconds": _int(both(legs["hold"][kept], outbound["hold"])),
        "acw_seconds": _int(both(legs["acw"][kept], outbound["acw"])),
        "transferred": pa.array(both(legs["transferred"][kept], np.zeros(n_out, bool))),
        "disposition": _cat(DISPOSITIONS, both(legs["disposition"][kept], outbound["disposition"])),
        "_loaded_at": _ts(_loaded(ended)),
    })
    return table, leg_row, keys


# ---------------------------------------------------------------- helpdesk
class _EventLog:
    """Ticket events gathered block by block (one block = one kind of step for many
    tickets at once); the block number breaks ties between events at the same second."""

    FIELDS: ClassVar[dict[str, type]] = {
        "ticket": np.int64, "at": np.int64, "type": np.int8, "agent": np.int32,
        "status": np.int8, "spent": np.int32, "block": np.int8,
    }

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, ticket: np.ndarray, at: np.ndarray, event_type: int, agent: np.ndarray | None = None,
            status: np.ndarray | int | None = None, spent: np.ndarray | None = None) -> None:
        n = len(ticket)

        def col(values: np.ndarray | int | None) -> np.ndarray:
            if values is None:
                return np.full(n, -1, np.int64)
            return np.broadcast_to(np.asarray(values, np.int64), (n,))

        self._parts.append((np.asarray(ticket, np.int64), np.asarray(at, np.int64), col(event_type),
                            col(agent), col(status), col(spent), col(len(self._parts))))

    def arrays(self) -> Columns:
        return {f: np.concatenate([p[i] for p in self._parts], dtype=dtype, casting="unsafe")
                for i, (f, dtype) in enumerate(self.FIELDS.items())}


def _delays(rng: np.random.Generator, medians: np.ndarray, channel: np.ndarray, lo: int, hi: int
            ) -> np.ndarray:
    return _lognormal(rng, medians[channel], DELAY_SIGMA[channel], len(channel), lo, hi)


def _contact_ticket_events(rng: np.random.Generator, log: _EventLog, tix: np.ndarray, created: np.ndarray,
                           channel: np.ndarray, outcome: np.ndarray, agent: np.ndarray) -> None:
    """The log of a ticket contact: created, assigned, rounds of (customer reply,) agent reply and
    status change, a solve (or not), maybe a reopen, then auto-close.

    Rounds are laid out with ``np.repeat`` and their times with a cumulative sum per ticket.
    """
    n = len(tix)
    assign_at = created + _delays(rng, ASSIGN_DELAY_MEDIAN, channel, 1, 2 * DAY)
    log.add(tix, created, CREATED)
    log.add(tix, assign_at, ASSIGNED, agent)
    log.add(tix, assign_at + 1, STATUS_CHANGE, agent, OPEN)

    cum = ROUND_PROBS[channel].cumsum(axis=1)
    rounds = 1 + (rng.random(n)[:, None] > cum).sum(axis=1)
    rt = np.repeat(np.arange(n), rounds)
    first = np.cumsum(rounds) - rounds
    j = np.arange(len(rt)) - first[rt]
    ch = channel[rt]
    agent_delay = np.where(j == 0, _delays(rng, FIRST_REPLY_MEDIAN, ch, 5, 5 * DAY),
                           _delays(rng, AGENT_DELAY_MEDIAN, ch, 5, 5 * DAY))
    customer_delay = _delays(rng, CUSTOMER_DELAY_MEDIAN, ch, 5, 5 * DAY)
    step = np.where(j == 0, assign_at[rt] + 1 + agent_delay, 2 + customer_delay + agent_delay)
    total = np.cumsum(step)
    before = np.where(first > 0, total[first - 1], 0) if len(total) else np.zeros(n, np.int64)
    reply_at = total - before[rt]
    customer_at = reply_at - 1 - agent_delay
    later = j > 0
    log.add(tix[rt[later]], customer_at[later], CUSTOMER_REPLY)
    log.add(tix[rt[later]], customer_at[later] + 1, STATUS_CHANGE, None, OPEN)
    prev = np.where(later, customer_at + 1, assign_at[rt] + 1)
    note = rng.random(len(rt)) < NOTE_P
    note_at = prev + ((reply_at - prev) * rng.uniform(0.3, 0.9, len(rt))).astype(np.int64)
    log.add(tix[rt[note]], note_at[note], INTERNAL_NOTE, agent[rt[note]],
            spent=_lognormal(rng, NOTE_WORK_MEDIAN, 0.5, int(note.sum()), 15, 1_800))
    log.add(tix[rt], reply_at, AGENT_REPLY, agent[rt],
            spent=_lognormal(rng, REPLY_WORK_MEDIAN[ch], 0.35, len(rt), 30, 3_600))
    is_last = j == rounds[rt] - 1
    solves = is_last & (outcome[rt] != UNSOLVED)
    log.add(tix[rt], reply_at + 1, STATUS_CHANGE, agent[rt], np.where(solves, SOLVED, PENDING))

    last_reply = reply_at[is_last]  # one per ticket, in ticket order
    solve_at = last_reply + 1
    ro = np.flatnonzero(outcome == REOPENED)
    back = solve_at[ro] + _lognormal(rng, REOPEN_DELAY_MEDIAN, 1.0, len(ro), 10 * MINUTE, 6 * DAY)
    log.add(tix[ro], back, CUSTOMER_REPLY)
    log.add(tix[ro], back + 1, STATUS_CHANGE, None, OPEN)
    again = back + 2 + _delays(rng, AGENT_DELAY_MEDIAN, channel[ro], 5, 5 * DAY)
    log.add(tix[ro], again, AGENT_REPLY, agent[ro],
            spent=_lognormal(rng, REPLY_WORK_MEDIAN[channel[ro]], 0.35, len(ro), 30, 3_600))
    log.add(tix[ro], again + 1, STATUS_CHANGE, agent[ro], SOLVED)
    solve_at[ro] = again + 1
    waiting = np.flatnonzero((outcome == UNSOLVED) & (rng.random(n) < UNSOLVED_CUSTOMER_REPLY_P))
    answer = last_reply[waiting] + 2 + _delays(rng, CUSTOMER_DELAY_MEDIAN, channel[waiting], 5, 5 * DAY)
    log.add(tix[waiting], answer, CUSTOMER_REPLY)
    log.add(tix[waiting], answer + 1, STATUS_CHANGE, None, OPEN)
    solved = np.flatnonzero(outcome != UNSOLVED)
    log.add(tix[solved], solve_at[solved] + CLOSE_AFTER + rng.integers(0, 2 * HOUR, len(solved)),
            STATUS_CHANGE, None, CLOSED)


def _phone_case_events(rng: np.random.Generator, log: _EventLog, tix: np.ndarray, created: np.ndarray,
                       answered: np.ndarray, agent: np.ndarray, chain_end: np.ndarray,
                       last_agent: np.ndarray, disposition: np.ndarray) -> None:
    """The log of a case an agent opened during a call: solved at the call's end when resolved,
    else pending (follow-up by email) or open (escalated, worked on later)."""
    n = len(tix)
    log.add(tix, created, CREATED, agent)
    log.add(tix, answered, ASSIGNED, agent)
    log.add(tix, answered + 1, STATUS_CHANGE, agent, OPEN)
    log.add(tix, chain_end, INTERNAL_NOTE, last_agent)  # call notes: their time is the call's ACW
    resolved, follow_up, escalated = (disposition == d for d in (RESOLVED, FOLLOW_UP, ESCALATED))
    log.add(tix[resolved], chain_end[resolved] + 1, STATUS_CHANGE, last_agent[resolved], SOLVED)
    log.add(tix[follow_up], chain_end[follow_up] + 1, STATUS_CHANGE, last_agent[follow_up], PENDING)
    work = _lognormal(rng, FOLLOW_UP_MEDIAN, 0.8, n, 10 * MINUTE, 6 * DAY)
    note_at = chain_end + 2 + work
    log.add(tix[escalated], note_at[escalated], INTERNAL_NOTE, last_agent[escalated],
            spent=_lognormal(rng, 300, 0.5, int(escalated.sum()), 30, 3_600))
    reply_at = np.where(escalated, note_at + _lognormal(rng, 6 * HOUR, 0.8, n, 60, 3 * DAY),
                        chain_end + 2 + work)
    replies = follow_up | escalated
    log.add(tix[replies], reply_at[replies], AGENT_REPLY, last_agent[replies],
            spent=_lognormal(rng, 330, 0.35, int(replies.sum()), 30, 3_600))
    later = replies & (rng.random(n) < np.where(follow_up, FOLLOW_UP_SOLVE_P, ESCALATION_SOLVE_P))
    log.add(tix[later], reply_at[later] + 1, STATUS_CHANGE, last_agent[later], SOLVED)
    solve_at = np.where(resolved, chain_end + 1, reply_at + 1)
    closing = resolved | later
    log.add(tix[closing], solve_at[closing] + CLOSE_AFTER + rng.integers(0, 2 * HOUR, int(closing.sum())),
            STATUS_CHANGE, None, CLOSED)


def _ticket_team(rng: np.random.Generator, channel: np.ndarray, category: np.ndarray) -> np.ndarray:
    """Social cases go to the social team, billing to billing, a share of device issues to tier 2."""
    n = len(channel)
    device = (category == CATEGORIES.index("setup")) | (category == CATEGORIES.index("connectivity"))
    team = np.where(device & (rng.random(n) < 0.3), TIER2, TIER1)
    team = np.where(category == CATEGORIES.index("billing"), BILLING_TEAM, team)
    return np.where(channel == SOCIAL, SOCIAL_TEAM, team)


def _time_order(offset: np.ndarray, ticket_number: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Events by time, then ticket, then block, via one int64 key (a 3-key lexsort is 4x slower)."""
    t_bits = int(ticket_number.max(initial=1)).bit_length()
    o_bits = int(max(offset.max(initial=1) - offset.min(initial=0), 1)).bit_length()
    if o_bits + t_bits + 6 > 62:
        return np.lexsort((block, ticket_number, offset))
    key = (((offset - offset.min(initial=0)) << t_bits | ticket_number) << 6) | block
    return np.argsort(key, kind="stable")


def _per_ticket(n: int, ticket: np.ndarray, values: np.ndarray, fill: int, ufunc: np.ufunc) -> np.ndarray:
    out = np.full(n, fill, np.int64)
    ufunc.at(out, ticket, values)
    return out


def _tickets(rng: np.random.Generator, period: _Period, con: Columns, legs: Columns, chains: Columns,
             ag: _Agents, cust: _Customers) -> dict:
    """Phone case tickets and ticket contacts with their event logs, cut at the period end;
    status, solved_at and updated_at are then read off the surviving log."""
    log = _EventLog()
    cj = np.flatnonzero(chains["case"])
    first, last = chains["first"][cj], chains["last_answer"][cj]
    _phone_case_events(rng, log, np.arange(len(cj)), con["start"][chains["contact"][cj]],
                       legs["queued"][first] + legs["wait"][first], legs["agent"][first],
                       chains["end"][cj], legs["agent"][last], legs["disposition"][last])
    ct = np.flatnonzero(con["channel"] != PHONE)
    agent_ct = _pick_agents(rng, ag, _ticket_team(rng, con["channel"][ct], con["category"][ct]),
                            con["start"][ct])
    _contact_ticket_events(rng, log, len(cj) + np.arange(len(ct)), con["start"][ct], con["channel"][ct],
                           con["outcome"][ct], agent_ct)

    contact = np.concatenate([chains["contact"][cj], ct])
    nt = len(contact)
    created = con["start"][contact]
    assignee = np.concatenate([legs["agent"][first], agent_ct])
    order = np.lexsort((np.arange(nt), created))
    number_of = np.empty(nt, np.int64)
    number_of[order] = np.arange(1, nt + 1)
    ev = log.arrays()
    keep = np.flatnonzero(ev["at"] < period.end_s)  # the extract cannot see the future
    keep = keep[_time_order(ev["at"][keep] - period.start_s, number_of[ev["ticket"][keep]],
                            ev["block"][keep])]
    ev = _take(ev, keep)
    t = ev["ticket"]
    status_ev = ev["type"] == STATUS_CHANGE
    last_change = _per_ticket(nt, t[status_ev], np.flatnonzero(status_ev), -1, np.maximum)
    status = np.where(last_change < 0, NEW, ev["status"][np.maximum(last_change, 0)])
    solve_ev = status_ev & (ev["status"] == SOLVED)
    last_solve = _per_ticket(nt, t[solve_ev], ev["at"][solve_ev], -1, np.maximum)
    first_solve = _per_ticket(nt, t[solve_ev], ev["at"][solve_ev], np.iinfo(np.int64).max, np.minimum)
    back_ev = status_ev & ((ev["status"] == OPEN) | (ev["status"] == PENDING))
    last_back = _per_ticket(nt, t[back_ev], ev["at"][back_ev], -1, np.maximum)
    reply_ev = ev["type"] == AGENT_REPLY
    last_reply = _per_ticket(nt, t[reply_ev], ev["at"][reply_ev], -1, np.maximum)
    updated = _per_ticket(nt, t, ev["at"], -1, np.maximum)
    is_assigned = np.zeros(nt, bool)
    is_assigned[t[ev["type"] == ASSIGNED]] = True
    solved_state = (status == SOLVED) | (status == CLOSED)
    width = _width(nt, 8)
    segment = cust.segment[np.maximum(con["cust"][contact], 0)]
    enterprise = (con["cust"][contact] >= 0) & (segment == ENTERPRISE)
    priority = np.where(enterprise, rng.choice(4, nt, p=ENTERPRISE_PRIORITY_MIX),
                        rng.choice(4, nt, p=PRIORITY_MIX))
    channel_names = tuple(CHANNELS)

    def o(values: np.ndarray) -> np.ndarray:
        return values[order]

    table = _build("tickets", {
        "ticket_id": _ids("T-", np.arange(1, nt + 1), width),
        "customer_id": cust.ids(o(con["cust"][contact])),
        "channel": _cat(channel_names, o(con["channel"][contact])),
        "category": _cat(CATEGORIES, o(con["category"][contact])),
        "product_id": _ids("P-", o(con["product"][contact]) + 1, 3, o(con["product"][contact]) >= 0),
        "priority": _cat(PRIORITIES, o(priority)),
        "status": _cat(STATUSES, o(status)),
        "assignee_agent_id": ag.ids(o(np.where(is_assigned, assignee, -1))),
        "created_at": _ts(o(created)),
        "solved_at": _ts(o(last_solve), o(solved_state)),
        "updated_at": _ts(o(updated)),
        "_loaded_at": _ts(_loaded(o(updated))),
    })

    ne = len(ev["at"])
    row = number_of[ev["ticket"]] - 1
    spent = ev["spent"]
    events = _build("ticket_events", {
        "event_id": _ids("EV-", np.arange(1, ne + 1), _width(ne, 9)),
        "ticket_id": _ids("T-", row + 1, width),
        "event_at": _ts(ev["at"]),
        "event_type": _cat(EVENT_TYPES, ev["type"]),
        "agent_id": ag.ids(ev["agent"]),
        "new_status": _cat(STATUSES, ev["status"]),
        "time_spent_seconds": _int(spent, spent >= 0),
        "_loaded_at": _ts(_loaded(ev["at"])),
    })
    n_ph = len(cj)
    reopened = (first_solve < np.iinfo(np.int64).max) & (last_back > first_solve)
    contact_tickets = {
        "contact": ct, "number": number_of[n_ph:], "agent": np.where(is_assigned, assignee, -1)[n_ph:],
        "handled": last_reply[n_ph:] >= 0,
        "end": np.where(solved_state, first_solve, last_reply)[n_ph:],
        "resolved": (solved_state & ~reopened)[n_ph:],
    }
    return {"table": table, "events": events, "number_of": number_of, "width": width,
            "contact_tickets": contact_tickets, "event_ticket_row": row, "event_at": ev["at"],
            "event_status": np.where(ev["type"] == STATUS_CHANGE, ev["status"], -1)}


# ---------------------------------------------------------------- experience
def _handled_contacts(con: Columns, legs: Columns, chains: Columns, tk: dict, leg_row: np.ndarray
                      ) -> Columns:
    """One row per exported contact, with what surveys, QA and returns need to know about it."""
    ex = np.flatnonzero(chains["exists"])
    last = chains["last_answer"][ex]
    first = chains["first"][ex]
    ct = tk["contact_tickets"]
    c_ph, c_tk = chains["contact"][ex], ct["contact"]
    return {
        "is_call": np.concatenate([np.ones(len(ex), bool), np.zeros(len(c_tk), bool)]),
        "cust": np.concatenate([con["cust"][c_ph], con["cust"][c_tk]]),
        "start": np.concatenate([con["start"][c_ph], con["start"][c_tk]]),
        "handled": np.concatenate([chains["handled"][ex], ct["handled"]]),
        "end": np.concatenate([chains["end"][ex], ct["end"]]),
        "resolved": np.concatenate([legs["disposition"][np.maximum(last, 0)] == RESOLVED, ct["resolved"]]),
        "wait": np.concatenate([legs["wait"][first], np.zeros(len(c_tk), np.int64)]),
        "agent": np.concatenate([legs["agent"][np.maximum(last, 0)], ct["agent"]]),
        "rated_call": np.concatenate([leg_row[first], np.full(len(c_tk), -1)]),
        "handling_call": np.concatenate([leg_row[np.maximum(last, 0)], np.full(len(c_tk), -1)]),
        "ticket": np.concatenate([np.full(len(ex), -1), ct["number"]]),
    }


def _scores(survey_type: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Map a latent satisfaction onto each survey's own scale."""
    csat = 1 + (z[:, None] > CSAT_CUTS).sum(axis=1)
    nps = np.clip(np.rint(NPS_CENTER + NPS_SPREAD * z), 0, 10)
    ces = np.clip(np.rint(CES_CENTER + CES_SPREAD * z), 1, 7)
    return np.choose(survey_type, [nps, csat, ces]).astype(np.int64)


def _comments(rng: np.random.Generator, z: np.ndarray) -> pa.Array:
    """An optional free-text comment whose tone follows the score."""
    n = len(z)
    band = np.where(z < -0.3, 0, np.where(z > 0.8, 2, 1))
    sizes = np.array([len(b) for b in COMMENTS])
    offsets = np.cumsum(sizes) - sizes
    code = offsets[band] + (rng.random(n) * sizes[band]).astype(np.int64)
    code = np.where(rng.random(n) < COMMENT_P, code, -1)
    return _cat(tuple(c for b in COMMENTS for c in b), code)


def _relationship_surveys(rng: np.random.Generator, period: _Period, cust: _Customers) -> Columns:
    """NPS sent to ~5 % of the customers existing at the start of each 30-day block."""
    parts = []
    for b_start in range(0, period.days, 30):
        b_len = min(30, period.days - b_start)
        t0 = period.start_s + b_start * DAY
        existing = int(np.searchsorted(cust.created, t0))
        k = min(existing, round(existing * RELATIONSHIP_NPS_SHARE_PER_30D * b_len / 30))
        who = np.sort(rng.choice(existing, k, replace=False)) if k else np.zeros(0, np.int64)
        parts.append({"cust": who, "sent": _sample_times(rng, k, period.first_day + b_start, b_len)})
    out = _concat(parts)
    n = len(out["cust"])
    out["z"] = rng.normal(RELATIONSHIP_MU, RELATIONSHIP_SIGMA, n)
    return out


def _surveys(rng: np.random.Generator, period: _Period, h: Columns, cust: _Customers, keys: _Keys
             ) -> tuple[pa.Table, np.ndarray]:
    """Transactional surveys on ~15 % of handled contacts (scores follow resolution and wait)
    and relationship NPS; only responses that arrived before the period end are exported."""
    pick = np.flatnonzero(h["handled"] & (h["cust"] >= 0)
                          & (rng.random(len(h["cust"])) < TRANSACTIONAL_SURVEY_SHARE))
    m = len(pick)
    z = (np.where(h["resolved"][pick], MU_RESOLVED, MU_UNRESOLVED)
         - WAIT_PENALTY * np.log1p(h["wait"][pick] / 60) + rng.standard_normal(m))
    kind = rng.choice(len(SURVEY_TYPES), m, p=SURVEY_TYPE_MIX)
    rel = _relationship_surveys(rng, period, cust)
    nr = len(rel["cust"])
    sent = np.concatenate([h["end"][pick] + rng.integers(MINUTE, 30 * MINUTE, m), rel["sent"]])
    n = m + nr
    responded = sent + _lognormal(rng, RESPONSE_DELAY_MEDIAN, 1.2, n, MINUTE, 3 * DAY)
    cols = {
        "cust": np.concatenate([h["cust"][pick], rel["cust"]]),
        "ticket": np.concatenate([h["ticket"][pick], np.full(nr, -1)]),
        "call": np.concatenate([h["rated_call"][pick], np.full(nr, -1)]),
        "type": np.concatenate([kind, np.zeros(nr, np.int64)]),
        "z": np.concatenate([z, rel["z"]]),
        "sent": sent, "responded": responded,
    }
    cols = _take(cols, np.flatnonzero(responded < period.end_s))
    cols = _take(cols, np.lexsort((cols["cust"], cols["sent"])))
    k = len(cols["sent"])
    table = _build("survey_responses", {
        "response_id": _ids("SR-", np.arange(1, k + 1), _width(k, 7)),
        "survey_type": _cat(SURVEY_TYPES, cols["type"]),
        "customer_id": cust.ids(cols["cust"]),
        "ticket_id": keys.ticket(cols["ticket"]),
        "call_id": keys.call(cols["call"]),
        "sent_at": _ts(cols["sent"]),
        "responded_at": _ts(cols["responded"]),
        "score": _int(_scores(cols["type"], cols["z"])),
        "comment": _comments(rng, cols["z"]),
        "_loaded_at": _ts(_loaded(cols["responded"])),
    })
    return table, cols["call"][cols["call"] >= 0]


def _qa(rng: np.random.Generator, period: _Period, h: Columns, keys: _Keys, ag: _Agents
        ) -> tuple[pa.Table, np.ndarray]:
    """Quality reviews of ~3 % of handled contacts, 1-5 days after the contact ended."""
    pick = np.flatnonzero(h["handled"] & (h["agent"] >= 0) & (rng.random(len(h["cust"])) < QA_SHARE))
    at = h["end"][pick] + rng.integers(DAY, 5 * DAY, len(pick))
    pick, at = pick[at < period.end_s], at[at < period.end_s]
    order = np.lexsort((pick, at))
    pick, at = pick[order], at[order]
    n = len(pick)
    call = np.where(h["is_call"][pick], h["handling_call"][pick], -1)
    table = _build("qa_evaluations", {
        "evaluation_id": _ids("QA-", np.arange(1, n + 1), _width(n, 6)),
        "agent_id": ag.ids(h["agent"][pick]),
        "call_id": keys.call(call),
        "ticket_id": keys.ticket(np.where(h["is_call"][pick], -1, h["ticket"][pick])),
        "evaluated_at": _ts(at),
        "empathy_score": _int(1 + rng.choice(len(EMPATHY_MIX), n, p=EMPATHY_MIX)),
        "compliance_passed": pa.array(rng.random(n) < COMPLIANCE_P),
        "_loaded_at": _ts(_loaded(at)),
    })
    return table, call[call >= 0]


# ---------------------------------------------------------------- returns and social
def _contact_within(orders: Columns, h: Columns, period: _Period) -> np.ndarray:
    """Whether each order's customer had a handled contact in the 30 days after ordering
    (one sorted key customer<<32 | seconds, two binary searches per order)."""
    base = period.start_s - 2 * INSTALLED_BASE_DAYS * DAY
    known = h["handled"] & (h["cust"] >= 0)
    keys = np.sort((h["cust"][known] << 32) + (h["start"][known] - base))
    lo = (orders["cust"] << 32) + (orders["t"] - base)
    return np.searchsorted(keys, lo + RETURN_WINDOW, side="right") > np.searchsorted(keys, lo, side="left")


def _returns(rng: np.random.Generator, period: _Period, orders: Columns, h: Columns) -> pa.Table:
    """~8 % of orders come back; no-fault (could_not_set_up) returns are half as likely
    when the customer got help within 30 days of ordering."""
    n = len(orders["t"])
    no_fault = np.where(_contact_within(orders, h, period), NO_FAULT_RETURN_P[1], NO_FAULT_RETURN_P[0])
    thresholds = np.stack([no_fault + sum(OTHER_RETURN_P[:k]) for k in range(4)], axis=1)
    u = rng.random(n)
    # 0 no-fault, 1 defective, 2 changed mind, 3 other, 4 kept
    bucket = (u[:, None] >= thresholds).sum(axis=1)
    reason_of_bucket = np.array([RETURN_REASONS.index(r) for r in
                                 ("could_not_set_up", "defective", "changed_mind", "other")] + [-1])
    reason = reason_of_bucket[bucket]
    delay = _lognormal(rng, RETURN_DELAY_MEDIAN[np.maximum(reason, 0)], 0.6, n, HOUR, 60 * DAY)
    delay = np.where(reason == RETURN_REASONS.index("could_not_set_up"), np.minimum(delay, 30 * DAY), delay)
    returned = orders["t"] + delay
    pick = np.flatnonzero((reason >= 0) & (returned < period.end_s))
    pick = pick[np.lexsort((pick, returned[pick]))]
    k = len(pick)
    share = np.where(reason[pick] == RETURN_REASONS.index("changed_mind"), CHANGED_MIND_REFUND_SHARE, 1.0)
    return _build("returns", {
        "return_id": _ids("R-", np.arange(1, k + 1), _width(k, 7)),
        "order_id": _ids("O-", pick + 1, _width(n, 8)),
        "returned_at": _ts(returned[pick]),
        "reason": _cat(RETURN_REASONS, reason[pick]),
        "refund_amount": _dec(np.rint(orders["amount"][pick] * share).astype(np.int64), 12),
        "_loaded_at": _ts(_loaded(returned[pick])),
    })


def _social(rng: np.random.Generator, period: _Period, cust: _Customers) -> pa.Table:
    """Mentions from the listening tool: ~customers/20 per 30 days, a few matched to a customer."""
    n = round(period.customers * SOCIAL_MENTIONS_PER_CUSTOMER_PER_30D * period.days / 30)
    posted = np.sort(_sample_times(rng, n, period.first_day, period.days))
    sentiment = rng.choice(len(SENTIMENTS), n, p=SENTIMENT_MIX)
    matched = rng.random(n) < SOCIAL_MATCHED_SHARE
    customer = np.where(matched, _existing_customer(rng, cust.created, posted), -1)
    return _build("social_mentions", {
        "mention_id": _ids("SM-", np.arange(1, n + 1), _width(n, 7)),
        "platform": _cat(PLATFORMS, rng.choice(len(PLATFORMS), n, p=PLATFORM_MIX)),
        "customer_id": cust.ids(customer),
        "posted_at": _ts(posted),
        "sentiment": _cat(SENTIMENTS, sentiment),
        "is_recommendation": pa.array(rng.random(n) < RECOMMENDATION_P[sentiment]),
        "_loaded_at": _ts(_loaded(posted)),
    })


# ====================================================================== dirt
def _secs(table: pa.Table, column: str) -> np.ndarray:
    """Epoch seconds of a timestamp column; null is -1."""
    micros = pc.cast(table.column(column), pa.int64()).fill_null(-1_000_000)
    return micros.to_numpy() // 1_000_000


def _nums(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).fill_null(0).to_numpy()


def _is_true(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).fill_null(False).to_numpy()


def _valid(table: pa.Table, column: str) -> np.ndarray:
    return pc.is_valid(table.column(column)).to_numpy()


def _is(table: pa.Table, column: str, value: str) -> np.ndarray:
    return pc.equal(table.column(column), value).fill_null(False).to_numpy()


def _set(table: pa.Table, column: str, rows: np.ndarray, values: pa.Array | list) -> pa.Table:
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


def _first_replies(events: pa.Table, side: dict) -> np.ndarray:
    """Each ticket's first agent_reply: left alone so dirt never makes a handled ticket unhandled."""
    idx = np.flatnonzero(_is(events, "event_type", "agent_reply"))
    _, first = np.unique(side["event_ticket_row"][idx], return_index=True)
    out = np.zeros(events.num_rows, bool)
    out[idx[first]] = True
    return out


def _eligible(name: str, cls: str, t: pa.Table, side: dict, period: _Period) -> np.ndarray:
    """Per row: 0 = preferred for this dirt class, 1 = fallback, -1 = not eligible.

    Quarantine classes avoid rows others depend on (a call that names a ticket or is
    rated, a ticket's first reply), so a quarantined row cascades into nothing else.
    """
    if cls in ("misspelt_enums", "unknown_enums", "out_of_scale_scores"):
        return np.zeros(t.num_rows, np.int64)
    if cls == "duplicates":
        if name != "tickets":
            return np.zeros(t.num_rows, np.int64)
        # the day-earlier extract must have seen the ticket, but not its last event
        earlier = _secs(t, "_loaded_at") - DAY
        return _tier((_secs(t, "created_at") < earlier) & (_secs(t, "updated_at") >= earlier))
    if cls == "orphan_customers":
        ok = _valid(t, "customer_id")
        if name == "calls":
            ok &= ~_valid(t, "parent_call_id") & _is(t, "direction", "inbound")
        return _tier(ok)
    if cls == "ended_before_queued":
        return _tier(~_valid(t, "answered_at"))
    if cls == "negative_durations" and name == "calls":
        return _tier(_valid(t, "answered_at") & ~_is_true(t, "transferred") & ~_valid(t, "ticket_id")
                     & ~side["call_referenced"])
    if cls == "late_rows" and name == "survey_responses":
        return _tier(_secs(t, "sent_at") + 4 * DAY + HOUR < period.end_s)
    if cls == "late_rows":
        solved = side["ticket_solved"][side["event_ticket_row"]]
        return _tier((solved >= 0) & (side["event_at"] <= solved))
    later_reply = _is(t, "event_type", "agent_reply") & ~_first_replies(t, side)
    if cls == "negative_durations":
        spent = _valid(t, "time_spent_seconds")
        note = spent & _is(t, "event_type", "internal_note")
        return np.where(note, 0, np.where(spent & later_reply, 1, -1))
    if cls == "events_before_ticket":
        prefer = _is(t, "event_type", "customer_reply") | _is(t, "event_type", "assigned")
        return np.where(prefer, 0, np.where(_is(t, "event_type", "internal_note") | later_reply, 1, -1))
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


def _misspell(rng: np.random.Generator, name: str, t: pa.Table, rows: np.ndarray, **_: object) -> pa.Table:
    if name == "tickets":  # the category where it has a known variant half the time, else the channel
        spellable = set(contract.ENUM_VARIANTS["category"].values())
        category = t.column("category").take(rows).to_pylist()
        on_category = np.array([c in spellable for c in category], bool) & (rng.random(len(rows)) < 0.5)
        columns = (("channel", rows[~on_category]), ("category", rows[on_category]))
    else:
        column = {"calls": "direction", "survey_responses": "survey_type",
                  "social_mentions": "sentiment"}[name]
        columns = ((column, rows),)
    for column, r in columns:
        enum = contract.ENUM_COLUMNS[(name, column)]
        t = _set(t, column, r, _variants(rng, enum, t.column(column).take(r).to_pylist()))
    return t


def _unknown_enum(rng: np.random.Generator, t: pa.Table, rows: np.ndarray, **_: object) -> pa.Table:
    on_category = rng.random(len(rows)) < 0.5
    for column, r in (("channel", rows[~on_category]), ("category", rows[on_category])):
        values = contract.UNKNOWN_ENUM_VALUES[contract.ENUM_COLUMNS[("tickets", column)]]
        t = _set(t, column, r, [values[i] for i in rng.integers(0, len(values), len(r))])
    return t


def _negative_duration(rng: np.random.Generator, name: str, t: pa.Table, rows: np.ndarray, **_: object
                       ) -> pa.Table:
    if name == "ticket_events":
        spent = _nums(t, "time_spent_seconds")[rows]
        return _set(t, "time_spent_seconds", rows, pa.array(-np.maximum(spent, 1)))
    which = rng.integers(0, 3, len(rows))
    for k, column in enumerate(("talk_seconds", "hold_seconds", "acw_seconds")):
        r = rows[which == k]
        v = _nums(t, column)[r]
        t = _set(t, column, r, pa.array(-np.where(v > 0, v, rng.integers(1, 60, len(r)))))
    return t


def _ended_before_queued(rng: np.random.Generator, t: pa.Table, rows: np.ndarray, **_: object) -> pa.Table:
    return _set(t, "ended_at", rows, _ts(_secs(t, "queued_at")[rows] - rng.integers(1, 600, len(rows))))


def _out_of_scale(rng: np.random.Generator, name: str, t: pa.Table, rows: np.ndarray, **_: object
                  ) -> pa.Table:
    high = rng.random(len(rows)) < 0.5
    if name == "qa_evaluations":
        return _set(t, "empathy_score", rows, pa.array(np.where(high, 6, 0)))
    kinds = t.column("survey_type").take(rows).to_pylist()
    return _set(t, "score", rows, [OUT_OF_SCALE[k][int(h)] for k, h in zip(kinds, high, strict=True)])


def _orphan(t: pa.Table, rows: np.ndarray, orphans: list[int], **_: object) -> pa.Table:
    ids = [f"C-ORPHAN-{orphans[0] + i:06d}" for i in range(len(rows))]
    orphans[0] += len(rows)
    return _set(t, "customer_id", rows, ids)


def _event_before_ticket(rng: np.random.Generator, t: pa.Table, rows: np.ndarray, side: dict, **_: object
                         ) -> pa.Table:
    created = side["ticket_created"][side["event_ticket_row"][rows]]
    return _set(t, "event_at", rows, _ts(created - rng.integers(HOUR, 3 * DAY + 1, len(rows))))


def _late(rng: np.random.Generator, name: str, t: pa.Table, rows: np.ndarray, side: dict, period: _Period,
          **_: object) -> pa.Table:
    if name == "ticket_events":  # loaded 3-10 days after the ticket was solved
        solved = side["ticket_solved"][side["event_ticket_row"][rows]]
        loaded = (solved // DAY + rng.integers(4, 10, len(rows))) * DAY + 2 * HOUR
        return _set(t, "_loaded_at", rows, _ts(loaded))
    sent = _secs(t, "sent_at")[rows]  # answered 4-14 days after sending, still before the period end
    room = np.minimum(14 * DAY, period.end_s - 1 - sent)
    responded = sent + 4 * DAY + (rng.random(len(rows)) * (room - 4 * DAY)).astype(np.int64)
    t = _set(t, "responded_at", rows, _ts(responded))
    return _set(t, "_loaded_at", rows, _ts(_loaded(responded)))


_APPLY: dict[str, Callable[..., pa.Table]] = {
    "misspelt_enums": _misspell,
    "unknown_enums": _unknown_enum,
    "negative_durations": _negative_duration,
    "ended_before_queued": _ended_before_queued,
    "out_of_scale_scores": _out_of_scale,
    "orphan_customers": _orphan,
    "events_before_ticket": _event_before_ticket,
    "late_rows": _late,
}


def _snapshot(copy: pa.Table, rows: np.ndarray, side: dict) -> pa.Table:
    """A ticket as the previous day's extract saw it: only the events before that extract."""
    n = len(side["ticket_created"])
    cutoff = np.full(n, -1, np.int64)
    cutoff[rows] = _secs(copy, "_loaded_at")
    er, at, st = side["event_ticket_row"], side["event_at"], side["event_status"]
    seen = at < cutoff[er]
    updated = _per_ticket(n, er[seen], at[seen], -1, np.maximum)[rows]
    changes = seen & (st >= 0)
    last_change = _per_ticket(n, er[changes], np.flatnonzero(changes), -1, np.maximum)[rows]
    status = np.where(last_change >= 0, st[np.maximum(last_change, 0)], NEW)
    solves = seen & (st == SOLVED)
    solved = _per_ticket(n, er[solves], at[solves], -1, np.maximum)[rows]
    everything = np.arange(len(rows))
    copy = _set(copy, "updated_at", everything, _ts(updated))
    copy = _set(copy, "status", everything, _cat(STATUSES, status))
    return _set(copy, "solved_at", everything, _ts(solved, (status == SOLVED) | (status == CLOSED)))


def _duplicate(name: str, clean: pa.Table, rows: np.ndarray, side: dict) -> pa.Table:
    """Copies of clean rows as extracted one day earlier: the original supersedes them."""
    copy = clean.take(rows)
    copy = _set(copy, "_loaded_at", np.arange(len(rows)), _ts(_secs(copy, "_loaded_at") - DAY))
    return _snapshot(copy, rows, side) if name == "tickets" else copy


def _inject_dirt(rng: np.random.Generator, tables: dict[str, pa.Table], side: dict, rate: float,
                 period: _Period) -> tuple[dict[str, pa.Table], dict[str, dict]]:
    """Per table and class, round(rate x clean rows) dirty rows, each row dirtied once;
    duplicates copy untouched clean rows and are appended at the end. The manifest lists
    a class only when it dirtied at least one row."""
    tickets = tables["tickets"]
    side = {**side, "ticket_created": _secs(tickets, "created_at"),
            "ticket_solved": _secs(tickets, "solved_at")}
    orphans = [1]
    dirty: dict[str, pa.Table] = {}
    manifest: dict[str, dict] = {}
    for name, clean in tables.items():
        key = clean.column(contract.TABLES[name].primary_key)
        used = np.zeros(clean.num_rows, bool)
        table, copies, entries = clean, [], {}
        for cls in DIRT_PLAN[name]:
            tiers = _eligible(name, cls, clean, side, period)
            rows = _pick_rows(rng, tiers, used, round(rate * clean.num_rows))
            used[rows] = True
            if cls == "duplicates":
                copies.append(_duplicate(name, clean, rows, side))
            else:
                table = _APPLY[cls](rng=rng, name=name, t=table, rows=rows, side=side, period=period,
                                    orphans=orphans)
            if len(rows):  # a class too rare for a small table is left out, not listed as 0
                entries[cls] = {"count": len(rows), "expected": DIRT_EXPECTED[cls],
                                "keys": sorted(key.take(rows).to_pylist())}
        dirty[name] = pa.concat_tables([table, *copies])
        manifest[name] = entries
    return dirty, manifest
