"""The clean sample: every table in dependency order, from one random stream."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from cx_metrics.generate.commerce import customers_and_table, draw_orders, orders_table, products, returns
from cx_metrics.generate.common import Period
from cx_metrics.generate.contacts import draw_contacts
from cx_metrics.generate.dirt import CleanFacts
from cx_metrics.generate.experience import exported_contacts, qa_evaluations, survey_responses
from cx_metrics.generate.helpdesk import draw_tickets
from cx_metrics.generate.social import social_mentions
from cx_metrics.generate.telephony import calls_table, inbound_legs, outbound_legs
from cx_metrics.generate.workforce import agents_and_table


def clean_tables(
    rng: np.random.Generator, period: Period, say: Callable[[str], None]
) -> tuple[dict[str, pa.Table], CleanFacts]:
    """Every table in dependency order, and the facts the dirt step needs about them."""
    products_table, prices = products(period)
    customers, customers_table = customers_and_table(rng, period)
    agents, agents_table = agents_and_table(rng, period)
    orders = draw_orders(rng, period, customers, prices)
    say(f"orders: {len(orders):,}")
    contacts = draw_contacts(rng, period, customers, orders)
    say(f"contacts: {len(contacts):,}")
    legs, chains = inbound_legs(rng, period, contacts, agents)
    outbound = outbound_legs(rng, period, int(legs.kept.sum()), customers, agents)
    tickets = draw_tickets(rng, period, contacts, legs, chains, agents, customers)
    say(f"ticket events: {tickets.events.num_rows:,}")
    calls, leg_row, keys = calls_table(contacts, legs, chains, outbound, tickets, customers, agents)
    exported = exported_contacts(contacts, legs, chains, tickets, leg_row)
    surveys, rated_calls = survey_responses(rng, period, exported, customers, keys)
    qa, qa_calls = qa_evaluations(rng, period, exported, keys, agents)
    tables = {
        "customers": customers_table,
        "products": products_table,
        "orders": orders_table(orders, customers),
        "returns": returns(rng, period, orders, exported),
        "agents": agents_table,
        "tickets": tickets.table,
        "ticket_events": tickets.events,
        "calls": calls,
        "survey_responses": surveys,
        "qa_evaluations": qa,
        "social_mentions": social_mentions(rng, period, customers),
    }
    referenced = np.zeros(calls.num_rows, bool)
    referenced[np.concatenate([rated_calls, qa_calls])] = True
    facts = CleanFacts(
        event_ticket_row=tickets.event_ticket_row,
        event_at=tickets.event_at,
        event_status=tickets.event_status,
        call_referenced=referenced,
    )
    return tables, facts
