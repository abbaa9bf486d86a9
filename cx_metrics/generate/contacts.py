"""Contacts: first contacts (background and order-triggered) and generations of repeat
contacts, each with its channel, routing and outcome drawn up front."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cx_metrics.generate.commerce import Customers, Orders
from cx_metrics.generate.common import (
    Period,
    Rows,
    existing_customer,
    lognormal,
    sample_times,
    time_of_day,
    weekday,
)
from cx_metrics.generate.params import (
    ABANDON_CALLBACK_MEDIAN,
    ABANDON_SAME_CHANNEL_P,
    ABANDONED,
    CATEGORIES,
    CATEGORY_MIX,
    CATEGORY_QUEUE,
    CHANNEL_MIX,
    CHANNELS,
    CONTACTS_PER_CUSTOMER_PER_30D,
    DAY,
    DISPOSITION_MIX,
    DISPOSITIONS,
    ENTERPRISE,
    ESCALATED,
    FAST_ANSWER_LOAD_SLOPE,
    FAST_ANSWER_SHARE,
    HOUR,
    HOURLY_LOAD,
    MAX_REPEAT_GENERATIONS,
    MINUTE,
    ORDER_TRIGGERED_SHARE,
    PATIENCE_MEAN,
    PHONE,
    PRODUCT_NAMED_P,
    PRODUCT_SHARE,
    PRODUCTS,
    REPEAT_MULTIPLIER,
    REPEAT_PROB,
    REPEAT_WINDOW,
    RESOLVED,
    SAME_CHANNEL_P,
    SECOND_TRANSFER_P,
    SHORT_ABANDON_SHARE,
    SLOW_WAIT_MEDIAN,
    SLOW_WAIT_SIGMA,
    TICKET_OUTCOME_MIX,
    TICKET_OUTCOMES,
    TRANSFER_P,
    TRANSFERRED_ABANDON_P,
    TRIGGERED_CATEGORY_MIX,
    UNKNOWN_CUSTOMER_SHARE,
    UNRESOLVED_REPEAT_MEDIAN,
    VIP,
    VIP_SHARE,
    WEEKEND_WEIGHT,
)


@dataclass(frozen=True)
class Arrivals(Rows):
    """Who gets in touch, when, about what (``product`` -1 when none is named)."""

    customer: np.ndarray  # row number, -1 unknown
    start: np.ndarray  # epoch seconds
    category: np.ndarray
    product: np.ndarray


@dataclass(frozen=True)
class Contacts(Rows):
    """Every contact of the period with its channel, routing and outcome."""

    customer: np.ndarray
    start: np.ndarray
    category: np.ndarray
    product: np.ndarray
    channel: np.ndarray
    queue: np.ndarray  # phone only, else -1
    wait: np.ndarray  # seconds until answered or abandoned on the first leg (phone), else 0
    legs: np.ndarray  # call legs of a phone contact (1-3), else 0
    last_abandoned: np.ndarray  # a transferred caller hung up on the last leg
    outcome: np.ndarray  # RESOLVED .. UNSOLVED


def draw_contacts(rng: np.random.Generator, period: Period, customers: Customers, orders: Orders) -> Contacts:
    """First contacts (background and order-triggered), then generations of repeat contacts.

    Each contact's outcome is drawn up front because it decides whether the
    customer comes back: unresolved contacts return 60-70 % of the time.
    """
    target = round(period.customers * period.days / 30 * CONTACTS_PER_CUSTOMER_PER_30D)
    n_first = round(target / REPEAT_MULTIPLIER)
    triggered = _order_triggered(rng, period, orders, round(n_first * ORDER_TRIGGERED_SHARE))
    background = _background(rng, period, customers, n_first - len(triggered.start))
    first = Arrivals.concat([triggered, background])
    n = len(first)
    known = np.where(rng.random(n) < UNKNOWN_CUSTOMER_SHARE, -1, first.customer)
    first = Arrivals(known, first.start, first.category, first.product)
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_MIX)
    generations = [_with_outcomes(rng, first, channel, customers)]
    for _ in range(MAX_REPEAT_GENERATIONS):
        repeats = _repeat_contacts(rng, period, generations[-1], customers)
        if not len(repeats):
            break
        generations.append(repeats)
    return Contacts.concat(generations)


def _background(rng: np.random.Generator, period: Period, customers: Customers, n: int) -> Arrivals:
    """Contacts from any existing customer about any category, on the arrival profile."""
    n = max(n, 0)
    start = sample_times(rng, n, period.first_day, period.days)
    category = rng.choice(len(CATEGORIES), n, p=CATEGORY_MIX)
    named = rng.random(n) < PRODUCT_NAMED_P[category]
    product = np.where(named, rng.choice(len(PRODUCTS), n, p=PRODUCT_SHARE), -1)
    return Arrivals(existing_customer(rng, customers.created, start), start, category, product)


def _order_triggered(rng: np.random.Generator, period: Period, orders: Orders, n: int) -> Arrivals:
    """Contacts a few days after an order, about that product (mostly setup and connectivity)."""
    pool = np.flatnonzero(
        (orders.ordered_at >= period.start_s - 21 * DAY) & (orders.ordered_at < period.end_s)
    )
    if n <= 0 or not len(pool):
        empty = np.zeros(0, np.int64)
        return Arrivals(empty, empty, empty, empty)
    pick = pool[rng.integers(0, len(pool), 3 * n)]  # oversample, keep the first n that fit
    t_order = orders.ordered_at[pick]
    start = (t_order // DAY + rng.exponential(3.0, len(pick)).astype(np.int64)) * DAY
    start += time_of_day(rng, len(pick))
    start = np.where(start <= t_order, start + DAY, start)
    fits = (start >= period.start_s) & (start < period.end_s)
    fits &= (weekday(start // DAY) < 5) | (rng.random(len(pick)) < WEEKEND_WEIGHT)
    keep = np.flatnonzero(fits)[:n]
    return Arrivals(
        customer=orders.customer[pick[keep]],
        start=start[keep],
        category=rng.choice(len(CATEGORIES), len(keep), p=TRIGGERED_CATEGORY_MIX),
        product=orders.product[pick[keep]],
    )


def potential_wait(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Seconds until an agent would answer: most within 15 s, a lognormal tail at busy hours."""
    n = len(t)
    load = HOURLY_LOAD[(t % DAY) // HOUR]
    fast = rng.random(n) < np.clip(FAST_ANSWER_SHARE - FAST_ANSWER_LOAD_SLOPE * (load - 1), 0.5, 0.97)
    slow = 8 + rng.lognormal(np.log(SLOW_WAIT_MEDIAN * load), SLOW_WAIT_SIGMA, n)
    return np.where(fast, rng.uniform(1, 15, n), slow)


def _with_outcomes(
    rng: np.random.Generator, arrivals: Arrivals, channel: np.ndarray, customers: Customers
) -> Contacts:
    """Draw routing and outcome: phone waits decide abandons (a caller's patience
    runs out before an agent answers), so long waits abandon more often."""
    n = len(arrivals)
    phone = channel == PHONE
    enterprise = (arrivals.customer >= 0) & (
        customers.segment[np.maximum(arrivals.customer, 0)] == ENTERPRISE
    )
    queue = np.where(enterprise & (rng.random(n) < VIP_SHARE), VIP, CATEGORY_QUEUE[arrivals.category])
    potential = potential_wait(rng, arrivals.start)
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
    return Contacts(
        customer=arrivals.customer,
        start=arrivals.start,
        category=arrivals.category,
        product=arrivals.product,
        channel=channel,
        queue=np.where(phone, queue, -1),
        wait=np.where(phone, wait, 0),
        legs=np.where(phone, 1 + transfer.astype(np.int64) + second, 0),
        last_abandoned=phone & last_abandoned,
        outcome=np.where(phone, phone_outcome, ticket_outcome),
    )


def _repeat_contacts(
    rng: np.random.Generator, period: Period, parents: Contacts, customers: Customers
) -> Contacts:
    """Same customer, same category, within 7 days; abandoned callers ring back within hours."""
    n = len(parents.start)
    p = REPEAT_PROB[parents.outcome] * (parents.customer >= 0)
    sel = np.flatnonzero(rng.random(n) < p)  # the parents that come back
    outcome = parents.outcome[sel]
    m = len(sel)
    callback = 120 + lognormal(rng, ABANDON_CALLBACK_MEDIAN, 1.0, m, 0, REPEAT_WINDOW)
    slow = 30 * MINUTE + lognormal(rng, UNRESOLVED_REPEAT_MEDIAN, 0.9, m, 0, REPEAT_WINDOW)
    anytime = rng.integers(30 * MINUTE, REPEAT_WINDOW - MINUTE, m)
    delay = np.where(outcome == ABANDONED, callback, np.where(outcome == RESOLVED, anytime, slow))
    start = parents.start[sel] + np.minimum(delay, REPEAT_WINDOW - MINUTE)
    keep = start < period.end_s
    sel, start, outcome = sel[keep], start[keep], outcome[keep]
    m = len(sel)
    same = rng.random(m) < np.where(outcome == ABANDONED, ABANDON_SAME_CHANNEL_P, SAME_CHANNEL_P)
    channel = np.where(same, parents.channel[sel], rng.choice(len(CHANNELS), m, p=CHANNEL_MIX))
    repeats = Arrivals(parents.customer[sel], start, parents.category[sel], parents.product[sel])
    return _with_outcomes(rng, repeats, channel, customers)
