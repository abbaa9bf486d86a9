"""Experience: the contacts as exported (what surveys, QA and returns need to know of
each), transactional and relationship surveys, and QA evaluations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cx_metrics.generate.arrow import build_table, categorical, id_width, integers, padded_ids, timestamps
from cx_metrics.generate.commerce import Customers
from cx_metrics.generate.common import Period, Rows, loaded_at, lognormal, sample_times
from cx_metrics.generate.contacts import Contacts
from cx_metrics.generate.helpdesk import Tickets
from cx_metrics.generate.params import (
    CES_CENTER,
    CES_SPREAD,
    COMMENT_P,
    COMMENTS,
    COMPLIANCE_P,
    CSAT_CUTS,
    DAY,
    EMPATHY_MIX,
    MINUTE,
    MU_RESOLVED,
    MU_UNRESOLVED,
    NPS_CENTER,
    NPS_SPREAD,
    QA_SHARE,
    RELATIONSHIP_MU,
    RELATIONSHIP_NPS_SHARE_PER_30D,
    RELATIONSHIP_SIGMA,
    RESOLVED,
    RESPONSE_DELAY_MEDIAN,
    SURVEY_TYPE_MIX,
    SURVEY_TYPES,
    TRANSACTIONAL_SURVEY_SHARE,
    WAIT_PENALTY,
)
from cx_metrics.generate.telephony import CallChains, CallLegs, IdFormats
from cx_metrics.generate.workforce import Agents


@dataclass(frozen=True)
class ExportedContacts(Rows):
    """One row per exported contact: exported call chains first, then ticket contacts."""

    is_call: np.ndarray
    customer: np.ndarray
    start: np.ndarray
    handled: np.ndarray
    end: np.ndarray
    resolved: np.ndarray
    wait: np.ndarray  # first-leg wait of a call, else 0
    agent: np.ndarray  # the agent who handled it last, -1 if none
    rated_call: np.ndarray  # calls row a survey names (the first leg), else -1
    handling_call: np.ndarray  # calls row QA reviews (the last answered leg), else -1
    ticket: np.ndarray  # ticket number of a ticket contact, else -1


@dataclass(frozen=True)
class _RelationshipSurveys(Rows):
    customer: np.ndarray
    sent: np.ndarray


@dataclass(frozen=True)
class _SurveyRows(Rows):
    customer: np.ndarray
    ticket: np.ndarray
    call: np.ndarray
    survey_type: np.ndarray
    satisfaction: np.ndarray  # latent z, mapped onto each survey's scale
    sent: np.ndarray
    responded: np.ndarray


def exported_contacts(
    contacts: Contacts, legs: CallLegs, chains: CallChains, tickets: Tickets, leg_row: np.ndarray
) -> ExportedContacts:
    """One row per exported contact, with what surveys, QA and returns need to know about it."""
    chain = np.flatnonzero(chains.exists)
    last = np.maximum(chains.last_answer[chain], 0)
    first = chains.first[chain]
    ticket = tickets.contacts
    call_contact, ticket_contact = chains.contact[chain], ticket.contact
    n_tickets = len(ticket_contact)
    return ExportedContacts(
        is_call=np.concatenate([np.ones(len(chain), bool), np.zeros(n_tickets, bool)]),
        customer=np.concatenate([contacts.customer[call_contact], contacts.customer[ticket_contact]]),
        start=np.concatenate([contacts.start[call_contact], contacts.start[ticket_contact]]),
        handled=np.concatenate([chains.handled[chain], ticket.handled]),
        end=np.concatenate([chains.end[chain], ticket.end]),
        resolved=np.concatenate([legs.disposition[last] == RESOLVED, ticket.resolved]),
        wait=np.concatenate([legs.wait[first], np.zeros(n_tickets, np.int64)]),
        agent=np.concatenate([legs.agent[last], ticket.agent]),
        rated_call=np.concatenate([leg_row[first], np.full(n_tickets, -1)]),
        handling_call=np.concatenate([leg_row[last], np.full(n_tickets, -1)]),
        ticket=np.concatenate([np.full(len(chain), -1), ticket.number]),
    )


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
    return categorical(tuple(c for b in COMMENTS for c in b), code)


def _relationship_surveys(
    rng: np.random.Generator, period: Period, customers: Customers
) -> tuple[_RelationshipSurveys, np.ndarray]:
    """NPS sent to ~5 % of the customers existing at the start of each 30-day block."""
    parts = []
    for b_start in range(0, period.days, 30):
        b_len = min(30, period.days - b_start)
        t0 = period.start_s + b_start * DAY
        existing = int(np.searchsorted(customers.created, t0))
        k = min(existing, round(existing * RELATIONSHIP_NPS_SHARE_PER_30D * b_len / 30))
        who = np.sort(rng.choice(existing, k, replace=False)) if k else np.zeros(0, np.int64)
        parts.append(_RelationshipSurveys(who, sample_times(rng, k, period.first_day + b_start, b_len)))
    surveys = _RelationshipSurveys.concat(parts)
    return surveys, rng.normal(RELATIONSHIP_MU, RELATIONSHIP_SIGMA, len(surveys))


def survey_responses(
    rng: np.random.Generator,
    period: Period,
    exported: ExportedContacts,
    customers: Customers,
    keys: IdFormats,
) -> tuple[pa.Table, np.ndarray]:
    """Transactional surveys on ~15 % of handled contacts (scores follow resolution and wait)
    and relationship NPS; only responses that arrived before the period end are exported."""
    pick = np.flatnonzero(
        exported.handled
        & (exported.customer >= 0)
        & (rng.random(len(exported.customer)) < TRANSACTIONAL_SURVEY_SHARE)
    )
    m = len(pick)
    z = (
        np.where(exported.resolved[pick], MU_RESOLVED, MU_UNRESOLVED)
        - WAIT_PENALTY * np.log1p(exported.wait[pick] / 60)
        + rng.standard_normal(m)
    )
    kind = rng.choice(len(SURVEY_TYPES), m, p=SURVEY_TYPE_MIX)
    relationship, relationship_z = _relationship_surveys(rng, period, customers)
    nr = len(relationship)
    sent = np.concatenate([exported.end[pick] + rng.integers(MINUTE, 30 * MINUTE, m), relationship.sent])
    n = m + nr
    responded = sent + lognormal(rng, RESPONSE_DELAY_MEDIAN, 1.2, n, MINUTE, 3 * DAY)
    rows = _SurveyRows(
        customer=np.concatenate([exported.customer[pick], relationship.customer]),
        ticket=np.concatenate([exported.ticket[pick], np.full(nr, -1)]),
        call=np.concatenate([exported.rated_call[pick], np.full(nr, -1)]),
        survey_type=np.concatenate([kind, np.zeros(nr, np.int64)]),
        satisfaction=np.concatenate([z, relationship_z]),
        sent=sent,
        responded=responded,
    )
    rows = rows.take(np.flatnonzero(responded < period.end_s))
    rows = rows.take(np.lexsort((rows.customer, rows.sent)))
    k = len(rows.sent)
    table = build_table(
        "survey_responses",
        {
            "response_id": padded_ids("SR-", np.arange(1, k + 1), id_width(k, 7)),
            "survey_type": categorical(SURVEY_TYPES, rows.survey_type),
            "customer_id": customers.ids(rows.customer),
            "ticket_id": keys.ticket(rows.ticket),
            "call_id": keys.call(rows.call),
            "sent_at": timestamps(rows.sent),
            "responded_at": timestamps(rows.responded),
            "score": integers(_scores(rows.survey_type, rows.satisfaction)),
            "comment": _comments(rng, rows.satisfaction),
            "_loaded_at": timestamps(loaded_at(rows.responded)),
        },
    )
    return table, rows.call[rows.call >= 0]


def qa_evaluations(
    rng: np.random.Generator, period: Period, exported: ExportedContacts, keys: IdFormats, agents: Agents
) -> tuple[pa.Table, np.ndarray]:
    """Quality reviews of ~3 % of handled contacts, 1-5 days after the contact ended."""
    pick = np.flatnonzero(
        exported.handled & (exported.agent >= 0) & (rng.random(len(exported.customer)) < QA_SHARE)
    )
    at = exported.end[pick] + rng.integers(DAY, 5 * DAY, len(pick))
    pick, at = pick[at < period.end_s], at[at < period.end_s]
    order = np.lexsort((pick, at))
    pick, at = pick[order], at[order]
    n = len(pick)
    call = np.where(exported.is_call[pick], exported.handling_call[pick], -1)
    table = build_table(
        "qa_evaluations",
        {
            "evaluation_id": padded_ids("QA-", np.arange(1, n + 1), id_width(n, 6)),
            "agent_id": agents.ids(exported.agent[pick]),
            "call_id": keys.call(call),
            "ticket_id": keys.ticket(np.where(exported.is_call[pick], -1, exported.ticket[pick])),
            "evaluated_at": timestamps(at),
            "empathy_score": integers(1 + rng.choice(len(EMPATHY_MIX), n, p=EMPATHY_MIX)),
            "compliance_passed": pa.array(rng.random(n) < COMPLIANCE_P),
            "_loaded_at": timestamps(loaded_at(at)),
        },
    )
    return table, call[call >= 0]
