"""Commerce: the product catalogue, customers, orders (with a year of history for the
installed base) and returns, which are rarer when the customer got help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from cx_metrics.generate.arrow import (
    build_table,
    categorical,
    dates,
    decimals,
    id_width,
    integers,
    padded_ids,
    timestamps,
)
from cx_metrics.generate.common import Period, Rows, loaded_at, lognormal, time_of_day
from cx_metrics.generate.params import (
    CHANGED_MIND_REFUND_SHARE,
    COUNTRIES,
    COUNTRY_MIX,
    CUSTOMER_HISTORY_DAYS,
    CUSTOMERS_NEW_IN_PERIOD,
    DAY,
    DISCOUNT_MIX,
    DISCOUNT_PERCENT,
    EXTRA_UNITS_MEAN,
    HOUR,
    INSTALLED_BASE_DAYS,
    NO_FAULT_RETURN_P,
    ORDERS_PER_YEAR,
    OTHER_RETURN_P,
    PRODUCT_SHARE,
    PRODUCTS,
    RETURN_DELAY_MEDIAN,
    RETURN_REASONS,
    RETURN_WINDOW,
    SEGMENT_MIX,
    SEGMENTS,
)

if TYPE_CHECKING:
    from cx_metrics.generate.experience import ExportedContacts


def products(period: Period) -> tuple[pa.Table, np.ndarray]:
    """The fixed catalogue: a dozen devices in four categories, all launched before the base year."""
    n = len(PRODUCTS)
    launched = period.first_day - np.array([p[3] for p in PRODUCTS])
    prices = np.array([p[2] for p in PRODUCTS], np.int64)
    table = build_table(
        "products",
        {
            "product_id": padded_ids("P-", np.arange(1, n + 1), 3),
            "product_name": pa.array([p[0] for p in PRODUCTS], pa.string()),
            "product_category": pa.array([p[1] for p in PRODUCTS], pa.string()),
            "unit_price": decimals(prices, 12),
            "launched_at": dates(launched),
            "_loaded_at": timestamps(loaded_at(launched * DAY)),
        },
    )
    return table, prices


@dataclass(frozen=True)
class Customers:
    created: np.ndarray  # ascending: customer i is the (i+1)-th to sign up
    segment: np.ndarray
    width: int

    def ids(self, idx: np.ndarray) -> pa.Array:
        idx = np.asarray(idx, np.int64)
        return padded_ids("C-", idx + 1, self.width, idx >= 0)


def customers_and_table(rng: np.random.Generator, period: Period) -> tuple[Customers, pa.Table]:
    """Customers signed up over four years (more recently more often), a few during the period."""
    n = period.customers
    new = rng.random(n) < CUSTOMERS_NEW_IN_PERIOD
    before = period.start_s - 1 - (rng.random(n) ** 1.6 * CUSTOMER_HISTORY_DAYS * DAY).astype(np.int64)
    during = period.start_s + (rng.random(n) * (period.end_s - period.start_s)).astype(np.int64)
    created = np.sort(np.where(new, during, before))
    segment = rng.choice(len(SEGMENTS), n, p=SEGMENT_MIX)
    country = rng.choice(len(COUNTRIES), n, p=COUNTRY_MIX)
    customers = Customers(created, segment, id_width(n, 7))
    table = build_table(
        "customers",
        {
            "customer_id": customers.ids(np.arange(n)),
            "created_at": timestamps(created),
            "segment": categorical(SEGMENTS, segment),
            "country": categorical(COUNTRIES, country),
            "_loaded_at": timestamps(loaded_at(created)),
        },
    )
    return customers, table


@dataclass(frozen=True)
class Orders(Rows):
    """One row per order, by time; ``customer`` and ``product`` are row numbers."""

    customer: np.ndarray
    ordered_at: np.ndarray  # epoch seconds
    product: np.ndarray
    quantity: np.ndarray
    amount_cents: np.ndarray


def draw_orders(rng: np.random.Generator, period: Period, customers: Customers, prices: np.ndarray) -> Orders:
    """A sign-up order per customer who joined in the base year, then Poisson repeat orders."""
    base_start = period.start_s - INSTALLED_BASE_DAYS * DAY
    joined = np.flatnonzero(customers.created >= base_start)
    first_t = customers.created[joined] + rng.integers(60, 900, len(joined))
    lo = np.maximum(customers.created, base_start)
    years = (period.end_s - lo) / (365 * DAY)
    repeat_customer = np.repeat(np.arange(len(lo)), rng.poisson(ORDERS_PER_YEAR[customers.segment] * years))
    at = lo[repeat_customer] + (
        rng.random(len(repeat_customer)) * (period.end_s - lo[repeat_customer])
    ).astype(np.int64)
    at = at // DAY * DAY + time_of_day(rng, len(at))
    customer = np.concatenate([joined, repeat_customer])
    at = np.concatenate([first_t, at])
    keep = (at > customers.created[customer]) & (at >= base_start) & (at < period.end_s)
    customer, at = customer[keep], at[keep]
    order = np.lexsort((customer, at))
    customer, at = customer[order], at[order]
    n = len(at)
    product = rng.choice(len(PRODUCTS), n, p=PRODUCT_SHARE)
    quantity = 1 + rng.poisson(EXTRA_UNITS_MEAN[customers.segment[customer]])
    discount = DISCOUNT_PERCENT[rng.choice(len(DISCOUNT_PERCENT), n, p=DISCOUNT_MIX)]
    amount_cents = (quantity * prices[product] * (100 - discount) + 50) // 100
    return Orders(customer, at, product, quantity, amount_cents)


def orders_table(orders: Orders, customers: Customers) -> pa.Table:
    n = len(orders.ordered_at)
    return build_table(
        "orders",
        {
            "order_id": padded_ids("O-", np.arange(1, n + 1), id_width(n, 8)),
            "customer_id": customers.ids(orders.customer),
            "product_id": padded_ids("P-", orders.product + 1, 3),
            "ordered_at": timestamps(orders.ordered_at),
            "quantity": integers(orders.quantity),
            "amount": decimals(orders.amount_cents, 12),
            "_loaded_at": timestamps(loaded_at(orders.ordered_at)),
        },
    )


def _contact_within(orders: Orders, exported: ExportedContacts, period: Period) -> np.ndarray:
    """Whether each order's customer had a handled contact in the 30 days after ordering
    (one sorted key customer<<32 | seconds, two binary searches per order)."""
    base = period.start_s - 2 * INSTALLED_BASE_DAYS * DAY
    known = exported.handled & (exported.customer >= 0)
    keys = np.sort((exported.customer[known] << 32) + (exported.start[known] - base))
    lo = (orders.customer << 32) + (orders.ordered_at - base)
    return np.searchsorted(keys, lo + RETURN_WINDOW, side="right") > np.searchsorted(keys, lo, side="left")


def returns(rng: np.random.Generator, period: Period, orders: Orders, exported: ExportedContacts) -> pa.Table:
    """~8 % of orders come back; no-fault (could_not_set_up) returns are half as likely
    when the customer got help within 30 days of ordering."""
    n = len(orders.ordered_at)
    no_fault = np.where(_contact_within(orders, exported, period), NO_FAULT_RETURN_P[1], NO_FAULT_RETURN_P[0])
    thresholds = np.stack([no_fault + sum(OTHER_RETURN_P[:k]) for k in range(4)], axis=1)
    u = rng.random(n)
    # 0 no-fault, 1 defective, 2 changed mind, 3 other, 4 kept
    bucket = (u[:, None] >= thresholds).sum(axis=1)
    reason_of_bucket = np.array(
        [RETURN_REASONS.index(r) for r in ("could_not_set_up", "defective", "changed_mind", "other")] + [-1]
    )
    reason = reason_of_bucket[bucket]
    delay = lognormal(rng, RETURN_DELAY_MEDIAN[np.maximum(reason, 0)], 0.6, n, HOUR, 60 * DAY)
    delay = np.where(reason == RETURN_REASONS.index("could_not_set_up"), np.minimum(delay, 30 * DAY), delay)
    returned = orders.ordered_at + delay
    pick = np.flatnonzero((reason >= 0) & (returned < period.end_s))
    pick = pick[np.lexsort((pick, returned[pick]))]
    k = len(pick)
    share = np.where(reason[pick] == RETURN_REASONS.index("changed_mind"), CHANGED_MIND_REFUND_SHARE, 1.0)
    return build_table(
        "returns",
        {
            "return_id": padded_ids("R-", np.arange(1, k + 1), id_width(k, 7)),
            "order_id": padded_ids("O-", pick + 1, id_width(n, 8)),
            "returned_at": timestamps(returned[pick]),
            "reason": categorical(RETURN_REASONS, reason[pick]),
            "refund_amount": decimals(np.rint(orders.amount_cents[pick] * share).astype(np.int64), 12),
            "_loaded_at": timestamps(loaded_at(returned[pick])),
        },
    )
