"""Telephony: call legs of every phone contact (transfers included), outbound calls,
and the calls table that numbers them all in queued order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from cx_metrics import contract
from cx_metrics.generate.arrow import build_table, categorical, id_width, integers, padded_ids, timestamps
from cx_metrics.generate.commerce import Customers
from cx_metrics.generate.common import (
    Period,
    Rows,
    existing_customer,
    group_max,
    loaded_at,
    lognormal,
    sample_times,
)
from cx_metrics.generate.contacts import Contacts, potential_wait
from cx_metrics.generate.params import (
    ABANDONED,
    ACW_MEDIAN,
    ACW_SIGMA,
    CASE_ON_LATER_LEG_P,
    CASE_SHARE,
    CATEGORY_QUEUE,
    CATEGORY_TALK_FACTOR,
    DISPOSITIONS,
    ESCALATED,
    HOLD_MEDIAN,
    HOLD_SHARE,
    HOLD_SIGMA,
    HOUR,
    MINUTE,
    OUTBOUND_QUEUE_MIX,
    OUTBOUND_SHARE_OF_LEGS,
    PHONE,
    QUEUE_DEFAULT_CATEGORY,
    QUEUE_TEAM,
    QUEUES,
    RESOLVED,
    TALK_MEDIAN,
    TALK_SIGMA,
    TRANSFER_QUEUE_MIX,
    TRANSFERRED_TALK_FACTOR,
    UNRESOLVED_TALK_FACTOR,
)
from cx_metrics.generate.workforce import Agents, pick_agents

if TYPE_CHECKING:
    from cx_metrics.generate.helpdesk import Tickets


@dataclass(frozen=True)
class CallLegs(Rows):
    """One row per inbound call leg, chain by chain and depth by depth."""

    chain: np.ndarray  # row in CallChains
    depth: np.ndarray  # 0 = the first leg, 1.. = transfers
    queue: np.ndarray
    queued: np.ndarray  # epoch seconds
    wait: np.ndarray
    answered: np.ndarray
    ended: np.ndarray
    agent: np.ndarray  # -1 when unanswered
    talk: np.ndarray
    hold: np.ndarray
    acw: np.ndarray
    transferred: np.ndarray
    disposition: np.ndarray
    kept: np.ndarray  # ended before the extract, so exported
    case: np.ndarray  # the leg names the chain's case ticket


@dataclass(frozen=True)
class CallChains(Rows):
    """One row per phone contact: the legs that handled it."""

    contact: np.ndarray  # row in Contacts
    first: np.ndarray  # row of its first leg in CallLegs
    exists: np.ndarray  # its first leg is exported
    case: np.ndarray  # an agent opened a case ticket during the call
    last_answer: np.ndarray  # row of its last exported answered leg, -1 if none
    handled: np.ndarray
    end: np.ndarray  # end of its last exported leg


@dataclass(frozen=True)
class OutboundCalls(Rows):
    """Agent-initiated calls, all answered."""

    customer: np.ndarray
    queue: np.ndarray
    queued: np.ndarray
    wait: np.ndarray  # ring time
    agent: np.ndarray
    talk: np.ndarray
    hold: np.ndarray
    acw: np.ndarray
    ended: np.ndarray
    disposition: np.ndarray


def _handle_times(
    rng: np.random.Generator, category: np.ndarray, transferred: np.ndarray, unresolved: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lognormal talk (median ~4 min), hold (often 0, else ~40 s) and after-call work (~60 s)."""
    n = len(category)
    median = (
        TALK_MEDIAN
        * CATEGORY_TALK_FACTOR[category]
        * np.where(transferred, TRANSFERRED_TALK_FACTOR, 1.0)
        * np.where(unresolved, UNRESOLVED_TALK_FACTOR, 1.0)
    )
    talk = lognormal(rng, median, TALK_SIGMA, n, 15, 4 * HOUR)
    held = rng.random(n) < HOLD_SHARE
    hold = np.where(held, lognormal(rng, HOLD_MEDIAN, HOLD_SIGMA, n, 3, 30 * MINUTE), 0)
    acw = lognormal(rng, ACW_MEDIAN, ACW_SIGMA, n, 5, 20 * MINUTE)
    return talk, hold, acw


def _transfer_queue(rng: np.random.Generator, parent: np.ndarray, category: np.ndarray) -> np.ndarray:
    """The queue the call is transferred to: the category's own queue, never the same queue."""
    n = len(parent)
    target = CATEGORY_QUEUE[category]
    queue = np.where(target != parent, target, rng.choice(len(QUEUES), n, p=TRANSFER_QUEUE_MIX))
    clash = queue == parent
    queue[clash] = (parent[clash] + 1 + rng.integers(0, len(QUEUES) - 1, int(clash.sum()))) % len(QUEUES)
    return queue


def inbound_legs(
    rng: np.random.Generator, period: Period, contacts: Contacts, agents: Agents
) -> tuple[CallLegs, CallChains]:
    """Call legs of every phone contact, built depth by depth (a child leg is queued when
    its parent ends), plus per-chain facts: handled, last answered leg, end, case."""
    phone_contact = np.flatnonzero(contacts.channel == PHONE)
    n_legs = contacts.legs[phone_contact].astype(np.int64)
    chain = np.repeat(np.arange(len(phone_contact)), n_legs)
    first = np.cumsum(n_legs) - n_legs
    depth = np.arange(len(chain)) - first[chain]
    last = depth == n_legs[chain] - 1
    contact = phone_contact[chain]
    size = len(chain)
    queue, queued, wait, ended = (np.zeros(size, np.int64) for _ in range(4))
    talk, hold, acw = (np.zeros(size, np.int64) for _ in range(3))
    agent = np.full(size, -1, np.int64)
    answered = np.zeros(size, bool)
    for d in range(int(n_legs.max(initial=0))):
        idx = np.flatnonzero(depth == d)
        of_contact = contact[idx]
        if d == 0:
            queue[idx], queued[idx] = contacts.queue[of_contact], contacts.start[of_contact]
            leg_wait, gone, exclude = (
                contacts.wait[of_contact],
                contacts.outcome[of_contact] == ABANDONED,
                None,
            )
        else:
            parent = idx - 1
            queue[idx] = _transfer_queue(rng, queue[parent], contacts.category[of_contact])
            queued[idx] = ended[parent]
            gone = last[idx] & contacts.last_abandoned[of_contact]
            gave_up = 20 + rng.exponential(90, len(idx))
            leg_wait = np.floor(np.where(gone, gave_up, potential_wait(rng, queued[idx]))).astype(np.int64)
            exclude = agent[parent][~gone]
        wait[idx] = leg_wait
        ans = idx[~gone]
        answered[ans] = True
        agent[ans] = pick_agents(rng, agents, QUEUE_TEAM[queue[ans]], queued[ans] + wait[ans], exclude)
        talk[ans], hold[ans], acw[ans] = _handle_times(
            rng, contacts.category[contact[ans]], ~last[ans], contacts.outcome[contact[ans]] != RESOLVED
        )
        ended[idx] = queued[idx] + wait[idx] + talk[idx] + hold[idx]
    disposition = np.full(size, -1, np.int64)
    closing = answered & last
    disposition[closing] = contacts.outcome[contact[closing]]
    disposition[~last] = ESCALATED  # a transfer hands the caller on
    kept = ended < period.end_s  # legs still in progress at the extract are not exported yet

    handled_chain = contacts.outcome[phone_contact] != ABANDONED
    forced = (QUEUE_DEFAULT_CATEGORY[contacts.queue[phone_contact]] != contacts.category[phone_contact]) | (
        n_legs > 1
    )
    forced_share = forced[handled_chain].mean() if handled_chain.any() else 0.0
    p_rest = np.clip((CASE_SHARE - forced_share) / max(1e-9, 1 - forced_share), 0, 1)
    exists = kept[first] if len(first) else np.zeros(0, bool)
    case = handled_chain & exists & (forced | (rng.random(len(phone_contact)) < p_rest))
    on_leg = case[chain] & ((depth == 0) | (answered & (rng.random(size) < CASE_ON_LATER_LEG_P)))

    last_answer = group_max(np.where(answered & kept, np.arange(size), -1), first)
    legs = CallLegs(
        chain=chain,
        depth=depth,
        queue=queue,
        queued=queued,
        wait=wait,
        answered=answered,
        ended=ended,
        agent=agent,
        talk=talk,
        hold=hold,
        acw=acw,
        transferred=~last,
        disposition=disposition,
        kept=kept,
        case=on_leg,
    )
    chains = CallChains(
        contact=phone_contact,
        first=first,
        exists=exists,
        case=case,
        last_answer=last_answer,
        handled=last_answer >= 0,
        end=group_max(np.where(kept, ended, -1), first),
    )
    return legs, chains


def outbound_legs(
    rng: np.random.Generator, period: Period, n_inbound: int, customers: Customers, agents: Agents
) -> OutboundCalls:
    """Agent-initiated calls (callbacks, follow-ups): answered, not contacts, ~8 % of legs."""
    n = round(n_inbound * OUTBOUND_SHARE_OF_LEGS / (1 - OUTBOUND_SHARE_OF_LEGS))
    queued = sample_times(rng, n, period.first_day, period.days)
    customer = existing_customer(rng, customers.created, queued)
    queue = rng.choice(len(OUTBOUND_QUEUE_MIX), n, p=OUTBOUND_QUEUE_MIX)
    ring = rng.integers(5, 25, n)
    agent = pick_agents(rng, agents, QUEUE_TEAM[queue], queued + ring)
    talk = lognormal(rng, 150, 0.6, n, 10, 2 * HOUR)
    hold = np.where(rng.random(n) < 0.2, lognormal(rng, 30, 0.6, n, 3, 900), 0)
    acw = lognormal(rng, 45, 0.5, n, 5, 600)
    ended = queued + ring + talk + hold
    disposition = rng.choice(2, n, p=(0.8, 0.2))
    keep = ended < period.end_s
    return OutboundCalls(
        customer=customer,
        queue=queue,
        queued=queued,
        wait=ring,
        agent=agent,
        talk=talk,
        hold=hold,
        acw=acw,
        ended=ended,
        disposition=disposition,
    ).take(keep)


@dataclass(frozen=True)
class IdFormats:
    """Id formats shared by every table that names a ticket or a call."""

    ticket_width: int
    call_width: int

    def ticket(self, number: np.ndarray) -> pa.Array:
        """``T-<number>``; number 0 or less is null."""
        return padded_ids("T-", number, self.ticket_width, np.asarray(number) > 0)

    def call(self, row: np.ndarray) -> pa.Array:
        """``CL-<row + 1>``; row -1 is null."""
        return padded_ids("CL-", np.asarray(row) + 1, self.call_width, np.asarray(row) >= 0)


def calls_table(
    contacts: Contacts,
    legs: CallLegs,
    chains: CallChains,
    outbound: OutboundCalls,
    tickets: Tickets,
    customers: Customers,
    agents: Agents,
) -> tuple[pa.Table, np.ndarray, IdFormats]:
    """Every exported leg, inbound and outbound, numbered in queued order.

    Returns the table, each inbound leg's row in it (-1 if not exported) and the id formats.
    """
    kept = np.flatnonzero(legs.kept)
    n_in, n_out = len(kept), len(outbound.queued)
    n = n_in + n_out
    chain = legs.chain[kept]
    queued = np.concatenate([legs.queued[kept], outbound.queued])
    group = np.concatenate([chain, len(chains.first) + np.arange(n_out)])
    depth = np.concatenate([legs.depth[kept], np.zeros(n_out, np.int64)])
    order = np.lexsort((depth, group, queued))
    row_of = np.empty(n, np.int64)
    row_of[order] = np.arange(n)
    leg_row = np.full(len(legs.chain), -1, np.int64)
    leg_row[kept] = row_of[:n_in]
    none = np.full(n_out, -1, np.int64)

    def both(inbound: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Inbound and outbound values of one column, in table order."""
        return np.concatenate([inbound, out])[order]

    parent = both(np.where(legs.depth[kept] > 0, leg_row[np.maximum(kept - 1, 0)], -1), none)
    case_pre = np.cumsum(chains.case) - 1  # phone case tickets are tickets 0..k-1 before numbering
    case = both(np.where(legs.case[kept], tickets.number_of[case_pre[chain]], -1), none)
    answered = both(legs.answered[kept], np.ones(n_out, bool))
    queued = queued[order]
    ended = both(legs.ended[kept], outbound.ended)
    keys = IdFormats(tickets.width, id_width(n, 8))
    table = build_table(
        "calls",
        {
            "call_id": keys.call(np.arange(n)),
            "parent_call_id": keys.call(parent),
            "direction": categorical(
                contract.ENUMS["direction"], both(np.zeros(n_in, np.int64), np.ones(n_out, np.int64))
            ),
            "customer_id": customers.ids(both(contacts.customer[chains.contact[chain]], outbound.customer)),
            "ticket_id": keys.ticket(case),
            "queue": categorical(QUEUES, both(legs.queue[kept], outbound.queue)),
            "queued_at": timestamps(queued),
            "answered_at": timestamps(queued + both(legs.wait[kept], outbound.wait), answered),
            "ended_at": timestamps(ended),
            "agent_id": agents.ids(both(legs.agent[kept], outbound.agent)),
            "talk_seconds": integers(both(legs.talk[kept], outbound.talk)),
            "hold_seconds": integers(both(legs.hold[kept], outbound.hold)),
            "acw_seconds": integers(both(legs.acw[kept], outbound.acw)),
            "transferred": pa.array(both(legs.transferred[kept], np.zeros(n_out, bool))),
            "disposition": categorical(DISPOSITIONS, both(legs.disposition[kept], outbound.disposition)),
            "_loaded_at": timestamps(loaded_at(ended)),
        },
    )
    return table, leg_row, keys
