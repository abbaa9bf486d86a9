"""Helpdesk: tickets (phone cases and ticket contacts) with a full event log, cut at the
period end; each ticket's status, solved_at and updated_at are read off its log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pyarrow as pa

from cx_metrics.generate.arrow import build_table, categorical, id_width, integers, padded_ids, timestamps
from cx_metrics.generate.commerce import Customers
from cx_metrics.generate.common import Period, Rows, loaded_at, lognormal
from cx_metrics.generate.contacts import Contacts
from cx_metrics.generate.params import (
    AGENT_DELAY_MEDIAN,
    AGENT_REPLY,
    ASSIGN_DELAY_MEDIAN,
    ASSIGNED,
    BILLING_TEAM,
    CATEGORIES,
    CHANNELS,
    CLOSE_AFTER,
    CLOSED,
    CREATED,
    CUSTOMER_DELAY_MEDIAN,
    CUSTOMER_REPLY,
    DAY,
    DELAY_SIGMA,
    ENTERPRISE,
    ENTERPRISE_PRIORITY_MIX,
    ESCALATED,
    ESCALATION_SOLVE_P,
    EVENT_TYPES,
    FIRST_REPLY_MEDIAN,
    FOLLOW_UP,
    FOLLOW_UP_MEDIAN,
    FOLLOW_UP_SOLVE_P,
    HOUR,
    INTERNAL_NOTE,
    MINUTE,
    NEW,
    NOTE_P,
    NOTE_WORK_MEDIAN,
    OPEN,
    PENDING,
    PHONE,
    PRIORITIES,
    PRIORITY_MIX,
    REOPEN_DELAY_MEDIAN,
    REOPENED,
    REPLY_WORK_MEDIAN,
    RESOLVED,
    ROUND_PROBS,
    SOCIAL,
    SOCIAL_TEAM,
    SOLVED,
    STATUS_CHANGE,
    STATUSES,
    TIER1,
    TIER2,
    UNSOLVED,
    UNSOLVED_CUSTOMER_REPLY_P,
)
from cx_metrics.generate.telephony import CallChains, CallLegs
from cx_metrics.generate.workforce import Agents, pick_agents


@dataclass(frozen=True)
class EventRows(Rows):
    """Ticket events as numpy columns; -1 where a column does not apply."""

    ticket: np.ndarray  # ticket row before numbering
    at: np.ndarray
    event_type: np.ndarray
    agent: np.ndarray
    status: np.ndarray  # new status of a status_change
    spent: np.ndarray  # time_spent_seconds
    block: np.ndarray  # order of the add() call: breaks ties at the same second


@dataclass(frozen=True)
class TicketContacts(Rows):
    """The non-phone contacts, which are tickets: what surveys, QA and returns need of them."""

    contact: np.ndarray  # row in Contacts
    number: np.ndarray  # ticket number (T-<number>)
    agent: np.ndarray  # assignee, -1 if never assigned
    handled: np.ndarray  # an agent replied
    end: np.ndarray  # first solve, else last agent reply
    resolved: np.ndarray  # solved and never reopened


@dataclass(frozen=True)
class Tickets:
    """The tickets and ticket_events tables and the arrays later steps need."""

    table: pa.Table
    events: pa.Table
    number_of: np.ndarray  # ticket row before numbering -> ticket number
    width: int  # digits of a ticket id
    contacts: TicketContacts
    event_ticket_row: np.ndarray  # per exported event, its ticket's row in the tickets table
    event_at: np.ndarray
    event_status: np.ndarray  # the new status of a status_change, else -1


class EventLog:
    """Ticket events gathered block by block (one block = one kind of step for many
    tickets at once); the block number breaks ties between events at the same second."""

    FIELDS: ClassVar[dict[str, type]] = {
        "ticket": np.int64,
        "at": np.int64,
        "event_type": np.int8,
        "agent": np.int32,
        "status": np.int8,
        "spent": np.int32,
        "block": np.int8,
    }

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(
        self,
        ticket: np.ndarray,
        at: np.ndarray,
        event_type: int,
        agent: np.ndarray | None = None,
        status: np.ndarray | int | None = None,
        spent: np.ndarray | None = None,
    ) -> None:
        n = len(ticket)

        def col(values: np.ndarray | int | None) -> np.ndarray:
            if values is None:
                return np.full(n, -1, np.int64)
            return np.broadcast_to(np.asarray(values, np.int64), (n,))

        self._parts.append(
            (
                np.asarray(ticket, np.int64),
                np.asarray(at, np.int64),
                col(event_type),
                col(agent),
                col(status),
                col(spent),
                col(len(self._parts)),
            )
        )

    def rows(self) -> EventRows:
        return EventRows(
            **{
                f: np.concatenate([p[i] for p in self._parts], dtype=dtype, casting="unsafe")
                for i, (f, dtype) in enumerate(self.FIELDS.items())
            }
        )


def _delays(
    rng: np.random.Generator, medians: np.ndarray, channel: np.ndarray, lo: int, hi: int
) -> np.ndarray:
    return lognormal(rng, medians[channel], DELAY_SIGMA[channel], len(channel), lo, hi)


def _contact_ticket_events(
    rng: np.random.Generator,
    log: EventLog,
    tix: np.ndarray,
    created: np.ndarray,
    channel: np.ndarray,
    outcome: np.ndarray,
    agent: np.ndarray,
) -> None:
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
    round_ticket = np.repeat(np.arange(n), rounds)
    first = np.cumsum(rounds) - rounds
    round_index = np.arange(len(round_ticket)) - first[round_ticket]
    round_channel = channel[round_ticket]
    agent_delay = np.where(
        round_index == 0,
        _delays(rng, FIRST_REPLY_MEDIAN, round_channel, 5, 5 * DAY),
        _delays(rng, AGENT_DELAY_MEDIAN, round_channel, 5, 5 * DAY),
    )
    customer_delay = _delays(rng, CUSTOMER_DELAY_MEDIAN, round_channel, 5, 5 * DAY)
    step = np.where(
        round_index == 0, assign_at[round_ticket] + 1 + agent_delay, 2 + customer_delay + agent_delay
    )
    total = np.cumsum(step)
    before = np.where(first > 0, total[first - 1], 0) if len(total) else np.zeros(n, np.int64)
    reply_at = total - before[round_ticket]
    customer_at = reply_at - 1 - agent_delay
    later = round_index > 0
    log.add(tix[round_ticket[later]], customer_at[later], CUSTOMER_REPLY)
    log.add(tix[round_ticket[later]], customer_at[later] + 1, STATUS_CHANGE, None, OPEN)
    prev = np.where(later, customer_at + 1, assign_at[round_ticket] + 1)
    note = rng.random(len(round_ticket)) < NOTE_P
    note_at = prev + ((reply_at - prev) * rng.uniform(0.3, 0.9, len(round_ticket))).astype(np.int64)
    log.add(
        tix[round_ticket[note]],
        note_at[note],
        INTERNAL_NOTE,
        agent[round_ticket[note]],
        spent=lognormal(rng, NOTE_WORK_MEDIAN, 0.5, int(note.sum()), 15, 1_800),
    )
    log.add(
        tix[round_ticket],
        reply_at,
        AGENT_REPLY,
        agent[round_ticket],
        spent=lognormal(rng, REPLY_WORK_MEDIAN[round_channel], 0.35, len(round_ticket), 30, 3_600),
    )
    is_last = round_index == rounds[round_ticket] - 1
    solves = is_last & (outcome[round_ticket] != UNSOLVED)
    log.add(
        tix[round_ticket], reply_at + 1, STATUS_CHANGE, agent[round_ticket], np.where(solves, SOLVED, PENDING)
    )

    last_reply = reply_at[is_last]  # one per ticket, in ticket order
    solve_at = last_reply + 1
    reopening = np.flatnonzero(outcome == REOPENED)
    back = solve_at[reopening] + lognormal(
        rng, REOPEN_DELAY_MEDIAN, 1.0, len(reopening), 10 * MINUTE, 6 * DAY
    )
    log.add(tix[reopening], back, CUSTOMER_REPLY)
    log.add(tix[reopening], back + 1, STATUS_CHANGE, None, OPEN)
    again = back + 2 + _delays(rng, AGENT_DELAY_MEDIAN, channel[reopening], 5, 5 * DAY)
    log.add(
        tix[reopening],
        again,
        AGENT_REPLY,
        agent[reopening],
        spent=lognormal(rng, REPLY_WORK_MEDIAN[channel[reopening]], 0.35, len(reopening), 30, 3_600),
    )
    log.add(tix[reopening], again + 1, STATUS_CHANGE, agent[reopening], SOLVED)
    solve_at[reopening] = again + 1
    waiting = np.flatnonzero((outcome == UNSOLVED) & (rng.random(n) < UNSOLVED_CUSTOMER_REPLY_P))
    answer = last_reply[waiting] + 2 + _delays(rng, CUSTOMER_DELAY_MEDIAN, channel[waiting], 5, 5 * DAY)
    log.add(tix[waiting], answer, CUSTOMER_REPLY)
    log.add(tix[waiting], answer + 1, STATUS_CHANGE, None, OPEN)
    solved = np.flatnonzero(outcome != UNSOLVED)
    log.add(
        tix[solved],
        solve_at[solved] + CLOSE_AFTER + rng.integers(0, 2 * HOUR, len(solved)),
        STATUS_CHANGE,
        None,
        CLOSED,
    )


def _phone_case_events(
    rng: np.random.Generator,
    log: EventLog,
    tix: np.ndarray,
    created: np.ndarray,
    answered: np.ndarray,
    agent: np.ndarray,
    chain_end: np.ndarray,
    last_agent: np.ndarray,
    disposition: np.ndarray,
) -> None:
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
    work = lognormal(rng, FOLLOW_UP_MEDIAN, 0.8, n, 10 * MINUTE, 6 * DAY)
    note_at = chain_end + 2 + work
    log.add(
        tix[escalated],
        note_at[escalated],
        INTERNAL_NOTE,
        last_agent[escalated],
        spent=lognormal(rng, 300, 0.5, int(escalated.sum()), 30, 3_600),
    )
    reply_at = np.where(
        escalated, note_at + lognormal(rng, 6 * HOUR, 0.8, n, 60, 3 * DAY), chain_end + 2 + work
    )
    replies = follow_up | escalated
    log.add(
        tix[replies],
        reply_at[replies],
        AGENT_REPLY,
        last_agent[replies],
        spent=lognormal(rng, 330, 0.35, int(replies.sum()), 30, 3_600),
    )
    later = replies & (rng.random(n) < np.where(follow_up, FOLLOW_UP_SOLVE_P, ESCALATION_SOLVE_P))
    log.add(tix[later], reply_at[later] + 1, STATUS_CHANGE, last_agent[later], SOLVED)
    solve_at = np.where(resolved, chain_end + 1, reply_at + 1)
    closing = resolved | later
    log.add(
        tix[closing],
        solve_at[closing] + CLOSE_AFTER + rng.integers(0, 2 * HOUR, int(closing.sum())),
        STATUS_CHANGE,
        None,
        CLOSED,
    )


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


def per_ticket(n: int, ticket: np.ndarray, values: np.ndarray, fill: int, ufunc: np.ufunc) -> np.ndarray:
    out = np.full(n, fill, np.int64)
    ufunc.at(out, ticket, values)
    return out


def draw_tickets(
    rng: np.random.Generator,
    period: Period,
    contacts: Contacts,
    legs: CallLegs,
    chains: CallChains,
    agents: Agents,
    customers: Customers,
) -> Tickets:
    """Phone case tickets and ticket contacts with their event logs, cut at the period end;
    status, solved_at and updated_at are then read off the surviving log."""
    log = EventLog()
    case_chains = np.flatnonzero(chains.case)
    first, last = chains.first[case_chains], chains.last_answer[case_chains]
    _phone_case_events(
        rng,
        log,
        np.arange(len(case_chains)),
        contacts.start[chains.contact[case_chains]],
        legs.queued[first] + legs.wait[first],
        legs.agent[first],
        chains.end[case_chains],
        legs.agent[last],
        legs.disposition[last],
    )
    ticket_contact = np.flatnonzero(contacts.channel != PHONE)
    ticket_contact_agent = pick_agents(
        rng,
        agents,
        _ticket_team(rng, contacts.channel[ticket_contact], contacts.category[ticket_contact]),
        contacts.start[ticket_contact],
    )
    _contact_ticket_events(
        rng,
        log,
        len(case_chains) + np.arange(len(ticket_contact)),
        contacts.start[ticket_contact],
        contacts.channel[ticket_contact],
        contacts.outcome[ticket_contact],
        ticket_contact_agent,
    )

    contact = np.concatenate([chains.contact[case_chains], ticket_contact])
    n_tickets = len(contact)
    created = contacts.start[contact]
    assignee = np.concatenate([legs.agent[first], ticket_contact_agent])
    order = np.lexsort((np.arange(n_tickets), created))
    number_of = np.empty(n_tickets, np.int64)
    number_of[order] = np.arange(1, n_tickets + 1)
    log_rows = log.rows()
    keep = np.flatnonzero(log_rows.at < period.end_s)  # the extract cannot see the future
    keep = keep[
        _time_order(
            log_rows.at[keep] - period.start_s, number_of[log_rows.ticket[keep]], log_rows.block[keep]
        )
    ]
    log_rows = log_rows.take(keep)
    event_ticket = log_rows.ticket
    status_ev = log_rows.event_type == STATUS_CHANGE
    last_change = per_ticket(n_tickets, event_ticket[status_ev], np.flatnonzero(status_ev), -1, np.maximum)
    status = np.where(last_change < 0, NEW, log_rows.status[np.maximum(last_change, 0)])
    solve_ev = status_ev & (log_rows.status == SOLVED)
    last_solve = per_ticket(n_tickets, event_ticket[solve_ev], log_rows.at[solve_ev], -1, np.maximum)
    first_solve = per_ticket(
        n_tickets, event_ticket[solve_ev], log_rows.at[solve_ev], np.iinfo(np.int64).max, np.minimum
    )
    back_ev = status_ev & ((log_rows.status == OPEN) | (log_rows.status == PENDING))
    last_back = per_ticket(n_tickets, event_ticket[back_ev], log_rows.at[back_ev], -1, np.maximum)
    reply_ev = log_rows.event_type == AGENT_REPLY
    last_reply = per_ticket(n_tickets, event_ticket[reply_ev], log_rows.at[reply_ev], -1, np.maximum)
    updated = per_ticket(n_tickets, event_ticket, log_rows.at, -1, np.maximum)
    is_assigned = np.zeros(n_tickets, bool)
    is_assigned[event_ticket[log_rows.event_type == ASSIGNED]] = True
    solved_state = (status == SOLVED) | (status == CLOSED)
    width = id_width(n_tickets, 8)
    segment = customers.segment[np.maximum(contacts.customer[contact], 0)]
    enterprise = (contacts.customer[contact] >= 0) & (segment == ENTERPRISE)
    priority = np.where(
        enterprise,
        rng.choice(4, n_tickets, p=ENTERPRISE_PRIORITY_MIX),
        rng.choice(4, n_tickets, p=PRIORITY_MIX),
    )
    channel_names = tuple(CHANNELS)

    def by_number(values: np.ndarray) -> np.ndarray:
        return values[order]

    table = build_table(
        "tickets",
        {
            "ticket_id": padded_ids("T-", np.arange(1, n_tickets + 1), width),
            "customer_id": customers.ids(by_number(contacts.customer[contact])),
            "channel": categorical(channel_names, by_number(contacts.channel[contact])),
            "category": categorical(CATEGORIES, by_number(contacts.category[contact])),
            "product_id": padded_ids(
                "P-", by_number(contacts.product[contact]) + 1, 3, by_number(contacts.product[contact]) >= 0
            ),
            "priority": categorical(PRIORITIES, by_number(priority)),
            "status": categorical(STATUSES, by_number(status)),
            "assignee_agent_id": agents.ids(by_number(np.where(is_assigned, assignee, -1))),
            "created_at": timestamps(by_number(created)),
            "solved_at": timestamps(by_number(last_solve), by_number(solved_state)),
            "updated_at": timestamps(by_number(updated)),
            "_loaded_at": timestamps(loaded_at(by_number(updated))),
        },
    )

    n_events = len(log_rows.at)
    row = number_of[log_rows.ticket] - 1
    spent = log_rows.spent
    events = build_table(
        "ticket_events",
        {
            "event_id": padded_ids("EV-", np.arange(1, n_events + 1), id_width(n_events, 9)),
            "ticket_id": padded_ids("T-", row + 1, width),
            "event_at": timestamps(log_rows.at),
            "event_type": categorical(EVENT_TYPES, log_rows.event_type),
            "agent_id": agents.ids(log_rows.agent),
            "new_status": categorical(STATUSES, log_rows.status),
            "time_spent_seconds": integers(spent, spent >= 0),
            "_loaded_at": timestamps(loaded_at(log_rows.at)),
        },
    )
    n_cases = len(case_chains)
    reopened = (first_solve < np.iinfo(np.int64).max) & (last_back > first_solve)
    ticket_contacts = TicketContacts(
        contact=ticket_contact,
        number=number_of[n_cases:],
        agent=np.where(is_assigned, assignee, -1)[n_cases:],
        handled=last_reply[n_cases:] >= 0,
        end=np.where(solved_state, first_solve, last_reply)[n_cases:],
        resolved=(solved_state & ~reopened)[n_cases:],
    )
    return Tickets(
        table=table,
        events=events,
        number_of=number_of,
        width=width,
        contacts=ticket_contacts,
        event_ticket_row=row,
        event_at=log_rows.at,
        event_status=np.where(log_rows.event_type == STATUS_CHANGE, log_rows.status, -1),
    )
