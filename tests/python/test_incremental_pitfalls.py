"""Incremental-build pitfalls (issue 16 part 2): hand-made daily appends equal a full refresh.

Day 0 is the hand-built fixture (tests/fixtures/raw: June 2026). Days 1-3 are small
hand-written folders (CSV rows below, with the day's extraction time as `_loaded_at`),
appended at the end of August, each bringing the pitfalls of issue 16 part 2. The whole
scenario runs with `reporting_timezone: America/Los_Angeles` (PDT = UTC - 7 in summer),
so a contact between 00:00 and 07:00 UTC falls on the previous local day (pitfall 7).

Day 1 (extracted 2026-08-29 21:00; as_of becomes 2026-08-29 20:00, order O12):
- L5, quarantined in the fixture (talk_seconds -10), re-extracted clean: a June contact
  appears three months back (pitfall 1, invalid -> clean);
- L20 queued 06:30 UTC (local 23:30 the day before) and L21, two clean calls that day 2
  re-extracts (pitfall 1); ticket T10 created 2026-08-27 23:30 with a reply E10 (pitfall 1);
- E30, E31: the events of ticket T30, which is not exported yet: `ticket_not_found`
  (pitfall 2); survey S30 names T30: no contact to attribute it to;
- L41, a transfer leg whose parent L40 is not exported yet: its own root,
  `missing_parent`, contact call:L41 (pitfall 3), which survey S41 rates; S40 rates L40;
- L77 names T77 (never exported) as its case: survey S77, on T77, rates call:L77;
- T50 (customer C3), created and solved on 2026-08-14 (pitfall 4);
- T61 (C1, setup, 2026-08-23 02:00 UTC = 08-22 19:00 local) and L62 (C1, billing,
  2026-08-23 14:00): handled, their 7-day repeat windows still open: pending (pitfall 5);
- O12: an order of C2 inside the 90-day window of C2's June contact L5 (pitfall 6);
- C4, a customer created in May with no contact and no order (pitfall 6).

Day 2 (extracted 2026-08-30 13:00; as_of 2026-08-30 12:00, ticket T62's update):
- L20 re-extracted queued 07:30 UTC: the same UTC day, another local day (pitfalls 1, 7);
  L21 re-extracted with hold_seconds -30: quarantined, its contact vanishes (pitfall 1);
- T10 re-extracted created 2026-08-28 08:15: another UTC and local day, and its reply E10
  (08:00) is now before the ticket: `event_before_ticket` (pitfall 1);
- T30 lands: E30, E31 become clean, S30 rates contact ticket:T30 (pitfall 2);
- L40 lands: L41 roots at L40, contact call:L41 vanishes and call:L40 appears, and S41
  moves to it, S40 too (pitfall 3);
- L77 re-extracted without a ticket: S77 rates no contact any more (pitfall 1);
- E53 reopens T50 sixteen days after its solve, by an event only (pitfall 4);
- E70, a customer reply on T50 on day 1, re-extracted on T62 (pitfall 1);
- an event whose id is blank ("  "): quarantined as missing_key;
- T62 (C1, billing, 2026-08-30 11:00) repeats L62 within 7 days; T61's window closed:
  evaluable (pitfall 5);
- O10, O11: orders of C1 on 2026-08-30 08:00 and 10:00; as_of passes 2026-08-30 00:00 and
  09:00: the 90-day windows of C3's June no-contact anchor and of C1's June ticket T1 close
  (pitfall 6). C4's June no-contact window closes too: nothing else of C4 changes, so only
  the rule "a month's window ended: every customer" rebuilds it.

Day 3 (extracted 2026-08-31 23:00; as_of 2026-08-31 22:00, order O13):
- T50 solved again (E54, E55, the ticket re-extracted): reopened once (pitfall 4);
- the fixture's survey S2 re-extracted with another score (pitfall 1);
- another event with the blank id "  ": quarantined too, and day 2's stays (a row without
  a key is its own: the quarantine's rebuild never deletes a key that is blank);
- an event keyed " E56" (a leading space) with a negative duration: quarantined under
  raw's spelling, which the base table keeps only where staging trims it (raw_id);
- S90, a survey on T62 by C90, a customer nobody else names: an orphan that only a
  survey response brings (audit__orphan_customers rebuilds the customers of every new
  call, ticket, survey response and order key);
- T50's events are rebuilt with it: E70's copy on T50 stays superseded, not ranked alone
  among T50's events and kept beside the copy on T62 (pitfall 1);
- L62's window closes: evaluable, repeated (pitfall 5);
- the windows of C1's June call L1 (13:00) and C2's L5 (16:00) close (pitfall 6).

Warehouse A appends day 0, builds, then appends and builds (guarded, no --full-refresh)
each later day. Warehouse B, after each day, is a fresh file with every row up to that
day loaded at once (one file per table, days newest first) and built with
--full-refresh. After every day, every relation of A's staging, quarantine, audit,
intermediate, metric_inputs and marts equals B's (replay_helpers.compare), and the
hand-computed numbers below hold. Today every build is a full rebuild; the test is
meant to keep passing when builds become incremental. 8 builds: 4.3-5.5 minutes on the
loaded 2-core machine (about 30 s a build when it is idle).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from cx_metrics.load import load
from cx_metrics.pipeline import build
from quality_helpers import FIXTURES, query
from replay_helpers import compare, warehouse_options

pytestmark = pytest.mark.filterwarnings("ignore")

LOS_ANGELES = "{reporting_timezone: America/Los_Angeles}"

HEADERS = {
    "calls": "call_id,parent_call_id,direction,customer_id,ticket_id,queue,queued_at,answered_at,ended_at,"
    "agent_id,talk_seconds,hold_seconds,acw_seconds,transferred,disposition",
    "tickets": "ticket_id,customer_id,channel,category,product_id,priority,status,assignee_agent_id,"
    "created_at,solved_at,updated_at",
    "ticket_events": "event_id,ticket_id,event_at,event_type,agent_id,new_status,time_spent_seconds",
    "orders": "order_id,customer_id,product_id,ordered_at,quantity,amount",
    "customers": "customer_id,created_at,segment,country",
    "survey_responses": "response_id,survey_type,customer_id,ticket_id,call_id,sent_at,responded_at,score,comment",
}

# day -> (extraction time, the `_loaded_at` of its rows; rows per table, without `_loaded_at`)
DAYS: dict[int, tuple[str, dict[str, list[str]]]] = {
    1: (
        "2026-08-29 21:00:00",
        {
            "calls": [
                # the fixture's L5 (talk -10, quarantined) re-extracted clean: handle 240 + 0 + 30
                "L5,,inbound,C2,,general,2026-06-01 16:00:00,2026-06-01 16:00:10,2026-06-01 16:04:10,"
                "A2,240,0,30,false,resolved",
                # P2 of pitfall 5: C1, queue billing -> category billing
                "L62,,inbound,C1,,billing,2026-08-23 14:00:00,2026-08-23 14:00:20,2026-08-23 14:07:20,"
                "A2,400,20,60,false,resolved",
                # moved on day 2 (06:30 UTC = 08-28 23:30 PDT)
                "L20,,inbound,,,general,2026-08-29 06:30:00,2026-08-29 06:30:10,2026-08-29 06:34:50,"
                "A1,280,0,20,false,resolved",
                # clean today, negative hold on day 2
                "L21,,inbound,C9,,vip,2026-08-29 12:00:00,2026-08-29 12:00:05,2026-08-29 12:05:35,"
                "A2,300,30,30,false,follow_up",
                # transferred from L40, which lands on day 2: handle 330 + 0 + 30 = 360
                "L41,L40,inbound,C2,,billing,2026-08-29 15:06:00,2026-08-29 15:06:10,2026-08-29 15:11:40,"
                "A2,330,0,30,false,resolved",
                # names T77, which never lands, as its case; loses it on day 2 (an unknown customer)
                "L77,,inbound,C77,T77,general,2026-08-25 12:00:00,2026-08-25 12:00:10,2026-08-25 12:04:10,"
                "A1,200,0,40,false,resolved",
            ],
            "tickets": [
                "T10,,web_form,returns,,normal,open,A1,2026-08-27 23:30:00,,2026-08-28 08:00:00",
                "T50,C3,chat,account,P1,high,solved,A2,2026-08-14 09:00:00,2026-08-14 10:00:00,2026-08-14 10:00:00",
                # P1 of pitfall 5: C1, setup, solved, one reply (handled)
                "T61,C1,chat,setup,P1,normal,solved,A1,2026-08-23 02:00:00,2026-08-23 03:00:00,2026-08-23 03:00:00",
            ],
            "ticket_events": [
                "E10,T10,2026-08-28 08:00:00,agent_reply,A1,,240",
                "E30,T30,2026-08-29 10:05:00,agent_reply,A1,,120",  # T30 lands on day 2
                "E31,T30,2026-08-29 10:20:00,internal_note,A2,,60",
                "E50,T50,2026-08-14 09:00:00,created,,,",
                "E51,T50,2026-08-14 09:30:00,agent_reply,A2,,300",
                "E52,T50,2026-08-14 10:00:00,status_change,A2,solved,",
                "E61,T61,2026-08-23 02:30:00,agent_reply,A1,,120",
                "E70,T50,2026-08-14 09:40:00,customer_reply,,,",  # moves to T62 on day 2
            ],
            "orders": ["O12,C2,P2,2026-08-29 20:00:00,1,30.00"],  # the day's latest business time
            # no contact, no order: only its June no-contact window, closing on day 2 (pitfall 6)
            "customers": ["C4,2026-05-02 10:00:00,consumer,FR"],
            "survey_responses": [
                # rates L41, whose chain L40 re-roots on day 2 (pitfall 3)
                "S41,csat,C2,,L41,2026-08-29 15:20:00,2026-08-29 15:30:00,4,",
                # names T30, which lands on day 2 (pitfall 2)
                "S30,csat,C9,T30,,2026-08-29 10:30:00,2026-08-29 11:00:00,5,",
                # rates L40, which lands on day 2 (pitfall 3)
                "S40,csat,C2,,L40,2026-08-29 15:10:00,2026-08-29 15:40:00,5,",
                # names T77: L77's contact, whose case it is until day 2
                "S77,csat,C77,T77,,2026-08-25 12:10:00,2026-08-25 13:00:00,3,",
            ],
        },
    ),
    2: (
        "2026-08-30 13:00:00",
        {
            "calls": [
                # L20 an hour later: UTC day 08-29 both times, local 08-28 23:30 -> 08-29 00:30
                "L20,,inbound,,,general,2026-08-29 07:30:00,2026-08-29 07:30:10,2026-08-29 07:34:50,"
                "A1,280,0,20,false,resolved",
                "L21,,inbound,C9,,vip,2026-08-29 12:00:00,2026-08-29 12:00:05,2026-08-29 12:05:35,"
                "A2,300,-30,30,false,follow_up",
                "L77,,inbound,C77,,general,2026-08-25 12:00:00,2026-08-25 12:00:10,2026-08-25 12:04:10,"
                "A1,200,0,40,false,resolved",
                # the late parent: handle 300 + 15 + 30 = 345; queue technical -> category setup
                "L40,,inbound,C2,,technical,2026-08-29 15:00:00,2026-08-29 15:00:15,2026-08-29 15:06:00,"
                "A1,300,15,30,true,",
            ],
            "tickets": [
                # T10's created_at corrected: 08-27 23:30 UTC (16:30 PDT) -> 08-28 08:15 UTC (01:15 PDT)
                "T10,,web_form,returns,,normal,open,A1,2026-08-28 08:15:00,,2026-08-30 09:00:00",
                "T30,C9,email,connectivity,P2,normal,open,A1,2026-08-29 10:00:00,,2026-08-29 10:20:00",
                # B of pitfall 5: C1, billing, 6 days 21 hours after L62; updated at as_of
                "T62,C1,email,billing,,normal,open,,2026-08-30 11:00:00,,2026-08-30 12:00:00",
            ],
            "ticket_events": [
                "E53,T50,2026-08-30 10:00:00,status_change,,open,",
                "E70,T62,2026-08-30 11:30:00,customer_reply,,,",  # re-extracted on another ticket
                '"  ",T50,2026-08-30 10:30:00,customer_reply,,,',  # a blank key: missing_key
            ],
            "orders": [
                "O10,C1,P1,2026-08-30 08:00:00,1,50.00",
                "O11,C1,P2,2026-08-30 10:00:00,1,70.00",
            ],
        },
    ),
    3: (
        "2026-08-31 23:00:00",
        {
            "tickets": [
                "T50,C3,chat,account,P1,high,solved,A2,2026-08-14 09:00:00,2026-08-31 16:00:00,2026-08-31 16:00:00"
            ],
            "ticket_events": [
                "E54,T50,2026-08-31 15:00:00,agent_reply,A2,,200",
                "E55,T50,2026-08-31 16:00:00,status_change,A2,solved,",
                # the same blank key again: quarantined beside day 2's, which stays
                '"  ",T50,2026-08-31 15:30:00,customer_reply,,,',
                # a padded key with a negative duration: quarantined as raw spells it
                '" E56",T50,2026-08-31 15:40:00,internal_note,A2,,-5',
            ],
            "orders": ["O13,C3,P1,2026-08-31 22:00:00,1,40.00"],  # the day's latest business time
            # the fixture's S2 (NPS 9) re-extracted with another score (pitfall 1)
            "survey_responses": [
                "S2,NPS,C1,,L1,2026-06-01 13:10:00,2026-06-09 09:00:00,6,changed",
                "S90,csat,C90,T62,,2026-08-31 10:00:00,2026-08-31 10:30:00,4,",  # an unknown customer
            ],
        },
    ),
}


def _write_days(root: Path) -> list[Path]:
    """Day 0 (the fixture folder) and one folder of CSV files per later day."""
    folders = [FIXTURES]
    for day, (extracted_at, tables) in sorted(DAYS.items()):
        folder = root / f"day_{day}"
        folder.mkdir(parents=True)
        for table, rows in tables.items():
            lines = [f"{HEADERS[table]},_loaded_at", *(f"{row},{extracted_at}" for row in rows)]
            (folder / f"{table}.csv").write_text("\n".join(lines) + "\n")
        folders.append(folder)
    return folders


def _full_folder(folders: list[Path], dest: Path) -> Path:
    """Every row of the given day folders, one CSV per table, days newest first."""
    dest.mkdir(parents=True)
    tables = sorted({f.stem for folder in folders for f in folder.glob("*.csv")})
    for table in tables:
        header, rows = None, []
        for folder in reversed(folders):
            path = folder / f"{table}.csv"
            if path.exists():
                first, *body = path.read_text().splitlines()
                assert header in (None, first), f"{path}: header differs"
                header = first
                rows += [line for line in body if line]
        (dest / f"{table}.csv").write_text("\n".join([header, *rows]) + "\n")
    return dest


def _one(db: Path, sql: str):
    """The one value (or row) of a query returning exactly one row."""
    rows = query(db, sql)
    assert len(rows) == 1, f"expected one row, got {rows}: {sql}"
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def _contact_ids(db: Path, prefix: str) -> list[str]:
    return [
        r[0]
        for r in query(
            db, f"select contact_id from marts.fct_contacts where contact_id like '{prefix}%' order by 1"
        )
    ]


def _outcome(db: Path, contact_id: str) -> tuple:
    """(is_pending, is_evaluable, has_repeat, repeat_contact_id, fcr_status) of a contact."""
    return _one(
        db,
        "select is_pending, is_evaluable, has_repeat, repeat_contact_id, fcr_status "
        f"from marts.fct_contact_outcomes where contact_id = '{contact_id}'",
    )


def _window(db: Path, customer: str, category: str) -> tuple:
    """(anchor_at, is_window_closed, revenue_before, revenue_after) of a June anchor."""
    return _one(
        db,
        "select anchor_at, is_window_closed, revenue_before, revenue_after "
        "from metric_inputs.input_customer_value_windows "
        f"where customer_id = '{customer}' and month = date '2026-06-01' and category = '{category}'",
    )


def _ticket_day(db: Path, day: str, channel: str) -> list[tuple]:
    """(tickets_created, tickets_solved, reopen_rate, ticket_aht_seconds) of a local day and channel."""
    return query(
        db,
        "select tickets_created, tickets_solved, reopen_rate, ticket_aht_seconds from marts.mart_ticket_daily "
        f"where date_day = date '{day}' and channel = '{channel}'",
    )


def _surveys(db: Path) -> list[tuple]:
    return query(
        db,
        "select response_id, contact_id, category from marts.fct_survey_responses "
        "where response_id in ('S30', 'S40', 'S41', 'S77') order by response_id",
    )


def _check_day_0(db: Path) -> None:
    assert _one(db, "select as_of from intermediate.int_as_of") == datetime(2026, 6, 9, 9, 0)
    # the fixture's L5 (talk_seconds -10) is quarantined: no call:L5 contact yet
    assert (
        _one(db, "select reason_code from quarantine.quarantine_telephony__calls where record_key = 'L5'")
        == "negative_duration"
    )
    assert _contact_ids(db, "call:") == ["call:L1", "call:L3", "call:L4"]


def _check_day_1(db: Path) -> None:
    # as_of: O12 (08-29 20:00) is the latest clean business time; L41 ended 15:11:40, and E31
    # (10:20) is quarantined, so it does not count
    assert _one(db, "select as_of from intermediate.int_as_of") == datetime(2026, 8, 29, 20, 0)

    # 1. L5 re-extracted clean: no longer quarantined; its contact appears on its old date,
    # 2026-06-01 16:00 UTC = 09:00 PDT, handle 240 + 0 + 30 = 270, queue general -> other
    assert query(db, "select * from quarantine.quarantine_telephony__calls where record_key = 'L5'") == []
    assert _one(
        db,
        "select started_date, handle_seconds, category from marts.fct_contacts where contact_id = 'call:L5'",
    ) == (date(2026, 6, 1), 270, "other")
    # L20 at 06:30 UTC is 23:30 PDT the day before; L21 is a contact
    assert _one(db, "select started_date from marts.fct_contacts where contact_id = 'call:L20'") == date(
        2026, 8, 28
    )
    assert query(
        db, "select offered_legs from marts.mart_queue_daily where date_day = date '2026-08-28'"
    ) == [(1,)]
    # surveys: S41 rates L41, its own root (queue billing); S30 names T30 and S40 rates L40,
    # neither exported yet; S77 names T77, the case of L77 (queue general -> other)
    assert _surveys(db) == [
        ("S30", None, None),
        ("S40", None, None),
        ("S41", "call:L41", "billing"),
        ("S77", "call:L77", "other"),
    ]
    assert "call:L21" in _contact_ids(db, "call:L2")
    # T10 created 08-27 23:30 UTC = 16:30 PDT: one web ticket on 08-27, handled by E10 (240 s)
    assert _ticket_day(db, "2026-08-27", "web") == [(1, 0, None, 240.0)]
    assert _ticket_day(db, "2026-08-28", "web") == []

    # 2. T30 not exported yet: its two events are quarantined ticket_not_found, none staged
    assert query(
        db,
        "select record_key, reason_code from quarantine.quarantine_helpdesk__ticket_events "
        "where record_key in ('E30', 'E31') order by 1",
    ) == [("E30", "ticket_not_found"), ("E31", "ticket_not_found")]
    assert _one(db, "select count(*) from staging.stg_helpdesk__ticket_events where ticket_id = 'T30'") == 0
    assert query(db, "select * from marts.fct_tickets where ticket_id = 'T30'") == []

    # 3. L41's parent L40 is missing: L41 stands as its own root, contact call:L41,
    # one leg, handle 330 + 0 + 30 = 360, its own queue billing -> billing
    assert _one(
        db, "select root_call_id, chain_status from intermediate.int_call_chains where call_id = 'L41'"
    ) == (
        "L41",
        "missing_parent",
    )
    assert query(
        db,
        "select contact_id, legs, handle_seconds, category from marts.fct_contacts "
        "where contact_id in ('call:L40', 'call:L41')",
    ) == [("call:L41", 1, 360, "billing")]

    # 4. T50 solved once: resolution 10:00 - 09:00 = 3600 s, no reopen; created 08-14 09:00 UTC
    # = 02:00 PDT, the one chat ticket of 08-14: reopen rate 0 / 1
    assert _one(
        db,
        "select is_solved, reopen_count, full_resolution_seconds, work_seconds from marts.fct_tickets "
        "where ticket_id = 'T50'",
    ) == (True, 0, 3600.0, 300)
    assert _ticket_day(db, "2026-08-14", "chat") == [(1, 1, 0.0, 300.0)]

    # 5. as_of 08-29 20:00: T61 (window to 08-30 02:00) and L62 (to 08-30 14:00) are pending;
    # T61's day is local: 08-23 02:00 UTC = 08-22 19:00 PDT
    assert _outcome(db, "ticket:T61") == (True, False, False, None, "pending")
    assert _outcome(db, "call:L62") == (True, False, False, None, "pending")
    assert _one(db, "select started_date from marts.fct_contacts where contact_id = 'ticket:T61'") == date(
        2026, 8, 22
    )

    # 6. Windows close at anchor + 90 days. C1's June ticket T1 (06-01 09:00) closes 08-30 09:00:
    # open; before = O1 (05-20, 99.00), after = nothing yet. C2's June anchor is L5 (06-01 16:00),
    # new today: before = O2 (06-01 11:00, 298.00), after = O12 (08-29 20:00, 30.00). No
    # no-contact anchor yet (C3's June one closes 06-01 00:00 + 90 days = 08-30 00:00).
    assert _window(db, "C1", "setup") == (datetime(2026, 6, 1, 9, 0), False, 99.0, 0.0)
    assert _window(db, "C2", "other") == (datetime(2026, 6, 1, 16, 0), False, 298.0, 30.0)
    assert (
        _one(
            db, "select count(*) from metric_inputs.input_customer_value_windows where cohort = 'no_contact'"
        )
        == 0
    )


def _check_day_2(db: Path) -> None:
    assert _one(db, "select as_of from intermediate.int_as_of") == datetime(2026, 8, 30, 12, 0)

    # 1. L20 now 07:30 UTC = 00:30 PDT 08-29: local 08-28 has no queue row left
    assert _one(db, "select started_date from marts.fct_contacts where contact_id = 'call:L20'") == date(
        2026, 8, 29
    )
    assert query(db, "select * from marts.mart_queue_daily where date_day = date '2026-08-28'") == []
    # surveys: S30 rates T30's contact (connectivity); S40 and S41 the chain of L40 (queue
    # technical); L77 no longer names T77, which no contact has: S77 has none
    assert _surveys(db) == [
        ("S30", "ticket:T30", "connectivity"),
        ("S40", "call:L40", "setup"),
        ("S41", "call:L40", "setup"),
        ("S77", None, None),
    ]
    # L21 re-extracted with a negative hold: quarantined, its contact gone
    assert (
        _one(db, "select reason_code from quarantine.quarantine_telephony__calls where record_key = 'L21'")
        == "negative_duration"
    )
    assert "call:L21" not in _contact_ids(db, "call:L2")
    # T10 moved to 08-28 08:15 UTC = 01:15 PDT: counted on 08-28, not on 08-27; its reply E10
    # (08:00) is now before it, quarantined, so T10 is unhandled (ticket AHT null)
    assert _ticket_day(db, "2026-08-28", "web") == [(1, 0, None, None)]
    assert _ticket_day(db, "2026-08-27", "web") == []
    assert (
        _one(
            db,
            "select reason_code from quarantine.quarantine_helpdesk__ticket_events where record_key = 'E10'",
        )
        == "event_before_ticket"
    )
    assert _one(db, "select work_seconds, is_handled from marts.fct_tickets where ticket_id = 'T10'") == (
        0,
        False,
    )

    # 2. T30 landed: its two events are clean, work 120 + 60 = 180 s, first reply 10:05 - 10:00
    assert (
        query(db, "select * from quarantine.quarantine_helpdesk__ticket_events where record_key like 'E3%'")
        == []
    )
    assert _one(db, "select count(*) from staging.stg_helpdesk__ticket_events where ticket_id = 'T30'") == 2
    assert _one(
        db,
        "select work_seconds, agent_reply_count, first_reply_seconds from marts.fct_tickets where ticket_id = 'T30'",
    ) == (180, 1, 300.0)

    # 3. L40 landed: the chain roots at L40; call:L41 is gone, call:L40 has two legs,
    # handle 345 + 360 = 705, the root's queue technical -> setup, L41's disposition last
    assert _one(
        db,
        "select root_call_id, chain_status, leg_depth from intermediate.int_call_chains where call_id = 'L41'",
    ) == ("L40", "resolved", 1)
    assert query(
        db,
        "select contact_id, legs, handle_seconds, category, last_disposition from marts.fct_contacts "
        "where contact_id in ('call:L40', 'call:L41')",
    ) == [("call:L40", 2, 705, "setup", "resolved")]

    # 4. E53 (08-30 10:00, 16 days after the solve) reopens T50: unsolved, one reopen, no
    # resolution time; 08-14 chat has no solved ticket, so its reopen rate is null
    assert _one(
        db,
        "select is_solved, is_reopened, reopen_count, full_resolution_seconds from marts.fct_tickets "
        "where ticket_id = 'T50'",
    ) == (False, True, 1, None)
    assert _ticket_day(db, "2026-08-14", "chat") == [(1, 0, None, 300.0)]

    # 5. as_of 08-30 12:00: T61's window (to 08-30 02:00) closed with no setup contact of C1 in it:
    # evaluable, fcr (solved, never reopened). T62 (08-30 11:00 <= 08-23 14:00 + 7 days) repeats
    # L62, on another channel; L62's window (to 14:00) is still open: pending.
    assert _outcome(db, "ticket:T61") == (False, True, False, None, "fcr")
    assert _outcome(db, "call:L62") == (True, False, True, "ticket:T62", "pending")
    assert _one(db, "select is_channel_switch from marts.fct_contact_outcomes where contact_id = 'call:L62'")

    # 6. T1's window (to 08-30 09:00) closed: after = O10 (08:00, 50.00); O11 (10:00) is past it.
    # L1's connectivity window (to 13:00) is still open: after = O10 + O11 = 120.00.
    # C3's and C4's June no-contact anchors (06-01 00:00, to 08-30 00:00) closed, no order in them.
    assert _window(db, "C1", "setup") == (datetime(2026, 6, 1, 9, 0), True, 99.0, 50.0)
    assert _window(db, "C1", "connectivity") == (datetime(2026, 6, 1, 13, 0), False, 99.0, 120.0)
    assert query(
        db,
        "select customer_id, month, is_window_closed, revenue_after from metric_inputs.input_customer_value_windows "
        "where cohort = 'no_contact'",
    ) == [("C3", date(2026, 6, 1), True, 0.0), ("C4", date(2026, 6, 1), True, 0.0)]


def _check_day_3(db: Path) -> None:
    assert _one(db, "select as_of from intermediate.int_as_of") == datetime(2026, 8, 31, 22, 0)

    # 1. S2 re-extracted: NPS 9 (promoter) -> 6 (detractor), still on L1's contact
    assert _one(
        db, "select score, nps_bucket, contact_id from marts.fct_survey_responses where response_id = 'S2'"
    ) == (6, "detractor", "call:L1")

    # S90's customer C90 is unknown: listed as an orphan (no call, ticket or order names C90)
    assert query(
        db, "select source_table, record_key from audit.audit__orphan_customers where customer_id = 'C90'"
    ) == [("survey_responses", "S90")]

    # the rows without a key (days 2 and 3) and " E56": quarantined with their ids as raw
    # spells them, in the record key and the raw row
    assert query(
        db,
        "select record_key, reason_code, raw_row like '{\"event_id\":\"' || coalesce(record_key, '  ') || '\",%' "
        "from quarantine.quarantine_helpdesk__ticket_events "
        "where record_key is null or record_key = ' E56' order by 1 nulls last",
    ) == [(" E56", "negative_duration", True), (None, "missing_key", True), (None, "missing_key", True)]

    # 1. T50 reloaded: E70 stays on T62, where its latest copy put it
    assert query(db, "select ticket_id from staging.stg_helpdesk__ticket_events where event_id = 'E70'") == [
        ("T62",)
    ]

    # 4. T50 solved again at 08-31 16:00: one reopen, resolution 08-14 09:00 -> 08-31 16:00 =
    # 17 days 7 hours = 17 x 86400 + 7 x 3600 = 1494000 s; work 300 + 200 = 500 s, two replies,
    # not one-touch; 08-14 chat: 1 solved, 1 of 1 reopened
    assert _one(
        db,
        "select is_solved, reopen_count, final_solved_at, full_resolution_seconds, work_seconds, "
        "agent_reply_count, is_one_touch from marts.fct_tickets where ticket_id = 'T50'",
    ) == (True, 1, datetime(2026, 8, 31, 16, 0), 1494000.0, 500, 2, False)
    assert _ticket_day(db, "2026-08-14", "chat") == [(1, 1, 1.0, 500.0)]

    # 5. L62's window closed: evaluable, repeated
    assert _outcome(db, "call:L62") == (False, True, True, "ticket:T62", "repeated")

    # 6. L1's window (to 08-30 13:00) closed: after = 50.00 + 70.00. C2's L5 window (to 08-30
    # 16:00) closed: after = O12 = 30.00
    assert _window(db, "C1", "connectivity") == (datetime(2026, 6, 1, 13, 0), True, 99.0, 120.0)
    assert _window(db, "C2", "other") == (datetime(2026, 6, 1, 16, 0), True, 298.0, 30.0)


CHECKS = {0: _check_day_0, 1: _check_day_1, 2: _check_day_2, 3: _check_day_3}
# a key-level test of a model rebuilt by key, and what its compiled SQL says when scoped
# (macros/incremental/scoped_tests.sql)
SCOPED_TEST = "unique_stg_helpdesk__ticket_events_event_id.sql"
SCOPED_NOTE = "the rows this incremental build rebuilt only"


def test_pitfall_days_append_equal_a_full_refresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folders = _write_days(tmp_path / "days")
    a_path = tmp_path / "a.duckdb"
    for day, folder in enumerate(folders):
        monkeypatch.setenv("CX_DUCKDB_PATH", str(a_path))
        load(folder, append=True)
        said: list[str] = []
        build(warehouse_options(tmp_path, "a", vars=LOS_ANGELES, progress=said.append))
        # A's first build is full; every later one adds the day to it (the models under test)
        plan = next(m for m in said if m.startswith(("incremental build", "full build")))
        assert plan.startswith("full build" if day == 0 else "incremental build"), plan
        # and dbt got the scope (CX_NEW_LOADS_FROM): a scoped test says so in its compiled SQL
        (scoped_test,) = (tmp_path / "target_a" / "compiled").rglob(SCOPED_TEST)
        assert (SCOPED_NOTE in scoped_test.read_text()) == (day > 0), f"day {day}"
        b_path = tmp_path / f"b_{day}.duckdb"
        monkeypatch.setenv("CX_DUCKDB_PATH", str(b_path))
        load(_full_folder(folders[: day + 1], tmp_path / f"full_{day}"))
        build(warehouse_options(tmp_path, "b", vars=LOS_ANGELES, full_refresh=True))
        assert compare(a_path, b_path) == [], f"after day {day}"
        b_path.unlink()
        CHECKS[day](a_path)
