"""`cx-metrics load --format zendesk`: Fivetran's Zendesk tables, hand-built, through the
guarded build on DuckDB, with fct_tickets computed by hand (README "Bring your own data",
DECISIONLOG.md 2026-12-01 entries on the Zendesk mapping).

The fixtures (tests/fixtures/zendesk/) are one day of a small Zendesk, 2026-06-01, plus
one ticket on 2026-06-09 that moves as_of (the latest business timestamp) past the
7-day repeat window of the first day's contacts, so FCR has evaluable contacts.
Users: 1 Alice, 2 Bob, 3 Carla (end-users); 10 Ada (agent), 11 Ben (admin); user 99
writes comments but is missing from `user`. Groups 100 tier1, 200 tier2. Loaded with
`--category-field custom_issue_type` and the default tag prefix `category_`.

One module fixture loads and publishes the warehouse (the guarded build), and every
test reads it: well under a minute.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import REPO
from cx_metrics import cli, zendesk
from cx_metrics.contract import TABLES
from cx_metrics.load import LoadError
from subset_helpers import HELPDESK, assert_helpdesk_publishes, guarded_build, query

ZENDESK_FIXTURES = REPO / "tests" / "fixtures" / "zendesk"
RULE = zendesk.CategoryRule(tag_prefix="category_", field="custom_issue_type")

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    """The Zendesk fixtures loaded with --format zendesk and published by the guarded build,
    at the default dirt threshold (the connector's data is clean)."""
    work = tmp_path_factory.mktemp("zendesk")
    database = work / "zendesk.duckdb"
    messages: list[str] = []
    result = guarded_build(
        work,
        database,
        lambda: zendesk.load(ZENDESK_FIXTURES, progress=messages.append, category=RULE),
        dirt_threshold=0.05,
    )
    return {"database": database, "result": result, "messages": messages}


# ---------------------------------------------------------------- fct_tickets, by hand

FCT_COLUMNS = (
    "ticket_id, customer_id, assignee_agent_id, last_reply_agent_id, channel, category, priority, "
    "status, first_reply_seconds, full_resolution_seconds, agent_reply_count, reopen_count, "
    "is_solved, is_one_touch"
)

EXPECTED_TICKETS = [
    # 1001, Alice by email; tags category_billing + vip, custom field empty -> billing (tag).
    # Comments: 09:00 Alice public = the creation; 09:20 Ada private = internal note;
    # 09:45 Ada public = the first agent_reply -> first reply 09:45 - 09:00 = 2700 s.
    # History: new 09:00, open 09:10, hold 09:45 (read as pending), solved 11:00; the ticket
    # is solved, so solved_at = the latest solve 11:00 -> resolution 11:00 - 09:00 = 7200 s.
    # No change out of a final state: 0 reopens; solved, 1 agent reply, no reopen: one-touch.
    ("1001", "1", "10", "10", "email", "billing", "normal", "solved", 2700.0, 7200.0, 1, 0, True, True),
    # 1002, agent-created: Ada opened it for Bob (requester 2, submitter 10) with a PRIVATE
    # first comment at 10:00 -> the creation, not a note and not a reply. 10:30 Ada public
    # = agent_reply -> first reply 1800 s (dbt_zendesk would count from its first public
    # comment). 11:00 Bob public = customer_reply, status back to open: unsolved, no
    # resolution. Field custom_issue_type 'Setup' wins over tag category_returns -> setup.
    ("1002", "2", "10", "10", "web", "setup", "high", "open", 1800.0, None, 1, 0, False, False),
    # 1003, agent-created by Ben (admin) for Carla, via voice -> phone, no category -> other.
    # 12:00 Ben public = the creation (not a reply); 12:05 Carla; 12:30 Ben = first
    # agent_reply -> 1800 s; 13:50 Ben again -> 2 agent replies. History: open 12:00,
    # solved 12:30, open 13:00 (a reopen: solved -> open), solved 14:00. solved_at = 14:00
    # -> resolution 14:00 - 12:00 = 7200 s; 1 reopen, so not one-touch.
    ("1003", "3", "11", "11", "phone", "other", "normal", "solved", 1800.0, 7200.0, 2, 1, True, False),
    # 1004, Alice by chat, closed at 15:30 without a solve (Zendesk's merge): no solve in the
    # history, so solved_at is null, and staging solves it at the close -> resolution
    # 15:30 - 15:00 = 1800 s; no agent comment: no first reply, 0 replies, not one-touch.
    # Priority empty -> null. Tag category_account -> account.
    ("1004", "1", None, None, "chat", "account", None, "closed", None, 1800.0, 0, 0, True, False),
    # 1005 (status deleted) and 1006 (_fivetran_deleted) are left out, with their comments.
    # 1007, Carla via web; status now hold -> pending. 17:00 Carla = the creation; 17:10
    # user 99 (missing from `user`) public -> customer_reply (an author not known to be an
    # agent), so NOT the first reply; 17:20 user 99 private -> internal_note; 17:40 Ada
    # public = the first agent_reply -> 17:40 - 17:00 = 2400 s. Unsolved.
    ("1007", "3", "10", "10", "web", "other", "low", "pending", 2400.0, None, 1, 0, False, False),
    # 1008, Bob by email on 2026-06-09, new, unassigned, tag category_billing.
    ("1008", "2", None, None, "email", "billing", "normal", "new", None, None, 0, 0, False, False),
]


def test_fct_tickets_values_computed_by_hand(published):
    rows = query(published["database"], f"select {FCT_COLUMNS} from marts.fct_tickets order by ticket_id")
    assert rows == EXPECTED_TICKETS


def test_as_of_is_the_latest_zendesk_timestamp(published):
    # 1008's creation (2026-06-09 10:00); the deleted 1005, updated 2026-06-02 01:00, counts for nothing
    as_of = query(published["database"], "select as_of from intermediate.int_as_of")
    assert as_of == [(datetime(2026, 6, 9, 10, 0),)]


def test_events_of_the_ticket_with_an_unknown_author(published):
    # comments in order, then the two history rows of 17:05 (assigned to Ada, open)
    events = query(
        published["database"],
        "select event_type, agent_id, new_status from staging.stg_helpdesk__ticket_events "
        "where ticket_id = '1007' order by event_at, event_id",
    )
    assert events == [
        ("created", None, None),  # 17:00 Carla
        ("status_change", None, "new"),  # 17:00, by Carla (not an agent)
        ("assigned", "10", None),  # 17:05, to Ada (by Ben)
        ("status_change", "11", "open"),  # 17:05, by Ben
        ("customer_reply", None, None),  # 17:10 user 99, public
        ("internal_note", "99", None),  # 17:20 user 99, private: an unknown agent
        ("agent_reply", "10", None),  # 17:40 Ada
        ("status_change", "10", "pending"),  # 17:40 hold, read as pending
    ]


def test_users_split_by_role_and_unknown_agent_kept(published):
    db = published["database"]
    assert query(db, "select customer_id from staging.stg_commerce__customers order by 1") == [
        ("1",),
        ("2",),
        ("3",),
    ]
    # team: the group most of the agent's tickets carry (Ada: 1001, 1002 tier1, 1007 tier2)
    agents = query(db, "select agent_id, agent_name, team, is_known_agent from marts.dim_agents order by 1")
    assert agents == [("10", "Ada", "tier1", True), ("11", "Ben", "tier2", True), ("99", None, None, False)]


def test_deleted_tickets_and_their_events_are_left_out(published):
    db = published["database"]
    assert query(db, "select count(*) from raw.tickets where ticket_id in ('1005', '1006')") == [(0,)]
    assert query(db, "select count(*) from raw.ticket_events where ticket_id in ('1005', '1006')") == [(0,)]
    # nothing quarantined: the comments of deleted tickets never reach ticket_events
    assert query(db, "select sum(quarantined_rows) from audit.audit__row_reconciliation") == [(0,)]
    notes = [m for m in published["messages"] if m.startswith("zendesk:")]
    assert notes[0] == (
        "zendesk: left out 2 deleted ticket(s) (_fivetran_deleted or status 'deleted') "
        "with their 3 comment(s) and 3 status/assignee change(s)"
    )
    assert "kept 2 comment(s) by user(s) missing from 'user'" in notes[1]


# ---------------------------------------------------------------- the guarded build


def test_zendesk_helpdesk_only_guarded_build_publishes(published):
    database = published["database"]
    assert_helpdesk_publishes(database)
    record = dict(query(database, "select table_name, is_present from raw.cx_loaded_tables"))
    assert record == {t: t in HELPDESK for t in TABLES}
    report = json.loads((published["result"].report_dir / "quality_report.json").read_text())
    assert report["sources"]["present"] == [t for t in TABLES if t in HELPDESK]
    # June holds all six tickets. Evaluable contacts (in scope, the 7-day window closed by
    # as_of 06-09 10:00): 1001, 1002, 1003, 1007; 1004 was never handled (no agent reply)
    # and 1008's window is open. 1001 is resolved on contact without a repeat (FCR); 1003
    # is repeated by 1007 (Carla, category other, 5 h later); 1002 and 1007 are unsolved.
    # FCR = 1/4, repeat rate = 1/4. Reopen rate = solved tickets reopened / solved tickets
    # = 1 (1003) / 3 (1001, 1003, 1004). IXS from the two components with data: FCR 0.25 is
    # below its worst (0.50): score 0; repeat 0.25 scores 100 x (0.30 - 0.25) / (0.30 - 0.05)
    # = 20; weights 0.25 and 0.10 -> (0 x 0.25 + 20 x 0.10) / 0.35 = 5.714.
    card = query(
        database,
        "select month, contacts, fcr_rate, repeat_contact_rate, reopen_rate, ixs "
        "from marts.mart_scorecard_monthly",
    )
    assert card == [(date(2026, 6, 1), 6, 0.25, 0.25, pytest.approx(1 / 3), pytest.approx(2 / 0.35))]


# ---------------------------------------------------------------- errors


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "zd"
    folder.mkdir()
    for path in ZENDESK_FIXTURES.iterdir():
        (folder / path.name).write_text(path.read_text())
    return folder


def test_missing_table_names_what_is_needed(tmp_path):
    folder = _copy(tmp_path)
    (folder / "ticket_comment.csv").unlink()
    with pytest.raises(
        LoadError, match=r"missing Zendesk table\(s\) 'ticket_comment' \(ticket_comment.parquet"
    ):
        zendesk.translate(folder, tmp_path / "out")


def test_missing_column_names_file_table_and_columns(tmp_path):
    folder = _copy(tmp_path)
    text = (
        (folder / "ticket.csv").read_text().replace("via_channel", "channel").replace("requester_id", "req")
    )
    (folder / "ticket.csv").write_text(text)
    with pytest.raises(LoadError) as error:
        zendesk.translate(folder, tmp_path / "out")
    assert str(error.value).startswith(
        f"{folder / 'ticket.csv'}: Zendesk table 'ticket' is missing required column(s) 'requester_id', 'via_channel'"
    )


def test_missing_category_field_is_named(tmp_path):
    with pytest.raises(LoadError, match=r"'ticket' is missing required column\(s\) 'custom_reason'"):
        zendesk.translate(ZENDESK_FIXTURES, tmp_path / "out", zendesk.CategoryRule(field="custom_reason"))


def test_bad_value_names_column_and_example(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "ticket_comment.csv").read_text().replace("2026-06-01T09:20:00Z", "yesterday")
    (folder / "ticket_comment.csv").write_text(text)
    with pytest.raises(
        LoadError,
        match=r"'ticket_comment', column 'created': 1 value\(s\) are not of type timestamp \(e.g. 'yesterday'\)",
    ):
        zendesk.translate(folder, tmp_path / "out")


def test_cli_format_zendesk_loads(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CX_DUCKDB_PATH", str(tmp_path / "cli.duckdb"))
    assert cli.main(["load", str(ZENDESK_FIXTURES), "--format", "zendesk"]) == 0
    # without the custom field, 1002 takes its tag (category_returns)
    rows = query(tmp_path / "cli.duckdb", "select ticket_id, category from raw.tickets order by 1")
    assert rows == [
        ("1001", "billing"),
        ("1002", "returns"),
        ("1003", "other"),
        ("1004", "account"),
        ("1007", "other"),
        ("1008", "billing"),
    ]
    assert cli.main(["load", str(REPO / "tests" / "fixtures" / "raw"), "--format", "zendesk"]) == 1
    assert "missing Zendesk table(s) 'ticket'" in capsys.readouterr().out


# ---------------------------------------------------------------- postgres (the load only)

PG_DATABASE = "cx_metrics_zendesk_test"


def test_postgres_zendesk_load_equals_duckdb(published, monkeypatch):
    """The same translation through the Postgres route of the native loader: the four raw
    tables and the presence record equal DuckDB's (dbt on these raw tables is the same
    project as on any native load; a full Postgres build was checked by hand)."""
    from engines import fresh_postgres_database, postgres_connection

    admin = fresh_postgres_database(PG_DATABASE)
    monkeypatch.setenv("CX_PG_DATABASE", PG_DATABASE)
    try:
        zendesk.load(ZENDESK_FIXTURES, target="postgres", category=RULE)
        con = postgres_connection(PG_DATABASE)
        try:
            with con.cursor() as cur:
                for name in (*HELPDESK, "cx_loaded_tables"):
                    columns = "table_name, is_present" if name == "cx_loaded_tables" else "*"
                    cur.execute(f"select {columns} from raw.{name}")
                    pg = sorted(cur.fetchall(), key=repr)
                    duck = sorted(query(published["database"], f"select {columns} from raw.{name}"), key=repr)
                    assert pg == duck, name
        finally:
            con.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {PG_DATABASE} with (force)")
        admin.close()
