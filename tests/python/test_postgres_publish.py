"""The guarded build on Postgres: gates in the database, shadow schemas, one swap, a read-only role.

Run with CX_ENGINES=...,postgres (Postgres from the CX_PG_* variables, e.g.
eval "$(scripts/postgres.sh env)"); skipped otherwise. The module has a database
of its own and builds the fixtures once (1% of surveys out of scale, as in
test_pipeline.py, with a 60% dirt threshold); the faults run full guarded builds
against it, the reader test last (it publishes a second data set).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from cx_metrics import load as load_mod
from cx_metrics.pipeline import BuildOptions, PipelineStopped, build
from engines import fresh_postgres_database, postgres_connection
from quality_helpers import FIXTURES, fixture_folder, project_without_dedupe

pytestmark = pytest.mark.filterwarnings("ignore")
TEST_DATABASE = "cx_metrics_publish_test"
READER = "cx_metrics_reader_test"
MART_QUERY = "select date_day, queue, offered_legs, service_level from marts.mart_queue_daily order by 1, 2"
# One extra e-mail ticket an agent answered: one more contact, handled, on 2026-06-01.
EXTRA_TICKET = (
    "T5,C2,email,billing,P1,normal,solved,A1,2026-06-01 11:00:00,2026-06-01 11:30:00,"
    "2026-06-01 11:30:00,2026-06-02 02:00:00\n"
)
EXTRA_EVENTS = (
    "E90,T5,2026-06-01 11:00:00,created,,,,2026-06-02 02:00:00\n"
    "E91,T5,2026-06-01 11:10:00,agent_reply,A1,,120,2026-06-02 02:00:00\n"
)


def _options(tmp: Path, **extra) -> BuildOptions:
    return BuildOptions(
        target="postgres",
        dirt_threshold=0.6,
        dbt_target_path=tmp / "target",
        dbt_log_path=tmp / "logs",
        reports_dir=tmp / "reports",
        progress=lambda m: None,
        # the faults rebuild data every build has covered: without it a build finds nothing new
        **{"full_refresh": True, **extra},
    )


def _query(sql: str = MART_QUERY, role: str | None = None) -> list[tuple]:
    con = postgres_connection(TEST_DATABASE)
    try:
        with con.cursor() as cur:
            if role:
                cur.execute(f"set role {role}")
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


def _schemas() -> set[str]:
    return {r[0] for r in _query("select nspname from pg_namespace")}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict:
    """A database of the module's own with the fixtures published by a passing guarded build."""
    admin = fresh_postgres_database(TEST_DATABASE)
    tmp = tmp_path_factory.mktemp("pg_good")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_PG_DATABASE", TEST_DATABASE)
        mp.setenv("CX_PG_READER_ROLE", READER)
        load_mod.load(fixture_folder(tmp / "raw", out_of_scale=1), target="postgres", progress=lambda m: None)
        result = build(_options(tmp))
        yield {"tmp": tmp, "result": result, "marts": _query()}
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {TEST_DATABASE} with (force)")
        cur.execute(f"drop role if exists {READER}")
    admin.close()


def test_guarded_build_checks_in_postgres_and_publishes(good):
    assert good["marts"], "the good build published mart rows"
    schemas = _schemas()
    assert {"marts", "staging", "quarantine", "audit", "intermediate", "seeds"} <= schemas
    assert not {s for s in schemas if s.endswith(("__shadow", "__previous"))}
    layers = {layer.layer: layer for layer in good["result"].layers}
    assert set(layers) == {"raw", "staging", "marts"} and all(layer.passed for layer in layers.values())
    score = [
        c
        for c in layers["raw"].results
        if c.table == "raw.survey_responses" and c.column == "score" and c.status == "warn"
    ]
    assert score and (score[0].unexpected_count, score[0].element_count) == (1, 100)
    assert (good["result"].report_dir / "quality_report.json").exists()


def test_reader_role_reads_marts_only_and_cannot_write(good):
    assert _query("select count(*) from marts.fct_contacts", role=READER) == [(5,)]
    import psycopg2

    for sql in (
        "select count(*) from raw.calls",
        "select count(*) from quarantine.quarantine_surveys__survey_responses",
        "select count(*) from staging.stg_telephony__calls",
        "insert into marts.fct_contacts select * from marts.fct_contacts",
        "delete from marts.mart_queue_daily",
        "create table marts.scratch (x int)",
        "drop table marts.mart_queue_daily",
    ):
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            _query(sql, role=READER)
    assert _query() == good["marts"]


def test_blocking_mart_check_stops_and_keeps_published_marts(good, tmp_path):
    def corrupt(warehouse) -> None:
        con = postgres_connection(TEST_DATABASE)
        with con, con.cursor() as cur:
            cur.execute("update marts__shadow.mart_queue_daily set service_level = 1.5")
        con.close()

    with pytest.raises(PipelineStopped) as stop:
        build(_options(tmp_path, before_mart_checks=corrupt))
    rows = len(good["marts"])
    assert (stop.value.layer, stop.value.step) == ("marts", "marts checks")
    assert str(stop.value) == (
        "stopped at layer marts (marts checks): 1 blocking check(s) failed: layer marts: "
        f"marts.mart_queue_daily.service_level: expect_column_values_to_be_between failed; "
        f"{rows} of {rows} rows (100.0%); sample {[1.5] * min(rows, 5)}"
    )
    assert _query() == good["marts"]
    assert _query("select distinct service_level from marts__shadow.mart_queue_daily") == [(1.5,)], (
        "the failed build is kept in the shadow schemas"
    )


def test_dbt_failure_stops_at_staging_and_keeps_published_marts(good, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_PROJECT_DIR", str(project_without_dedupe(tmp_path / "project")))
    with pytest.raises(PipelineStopped) as stop:
        build(_options(tmp_path))
    assert (stop.value.layer, stop.value.step) == ("staging", "dbt build")
    message = str(stop.value)
    assert "unique_stg_telephony__calls_call_id (fail: Got 1 result, configured to fail if != 0)" in message
    assert (
        "layer staging: staging.stg_commerce__customers.customer_id: expect_column_values_to_be_unique "
        "failed; 2 of 4 rows (50.0%)"
    ) in message
    assert _query() == good["marts"]
    assert {"staging__shadow", "seeds__shadow"} <= _schemas() and "marts__shadow" not in _schemas()
    assert _query("select count(*) from marts.fct_contacts", role=READER) == [(5,)]


READS = (
    "select count(*) from marts.fct_contacts",
    "select sum(handled_contacts) from marts.mart_fcr_daily",
    "select count(*) from dashboards.fcr_days",
)


def _state(role: str | None = READER) -> tuple:
    return tuple(int(_query(sql, role=role)[0][0]) for sql in READS)


def test_reader_sees_old_or_new_set_never_a_mix_during_a_build(good, tmp_path):
    """A reader (the read-only role, one transaction per read) loops over three marts during a full build."""
    con = postgres_connection(TEST_DATABASE)
    with con, con.cursor() as cur:  # a dashboard's own view on a mart, granted to the reader
        cur.execute("create schema if not exists dashboards")
        cur.execute(
            "create or replace view dashboards.fcr_days as select date_day, channel, handled_contacts "
            "from marts.mart_fcr_daily where handled_contacts > 0"
        )
        cur.execute(f"grant usage on schema dashboards to {READER}")
        cur.execute(f"grant select on dashboards.fcr_days to {READER}")
    con.close()
    old = _state()
    folder = fixture_folder(tmp_path / "raw", out_of_scale=1)
    for name, rows in (("tickets.csv", EXTRA_TICKET), ("ticket_events.csv", EXTRA_EVENTS)):
        with (folder / name).open("a") as handle:
            handle.write(rows)
    load_mod.load(folder, target="postgres", progress=lambda m: None)
    assert _state() == old, "a load replaces raw only; the published marts still answer"

    reads: list[tuple] = []
    errors: list[str] = []
    done = threading.Event()

    def reader() -> None:
        rcon = postgres_connection(TEST_DATABASE)
        with rcon.cursor() as cur:
            cur.execute(f"set role {READER}")
            rcon.commit()
            deadline = time.monotonic() + 900
            while not done.is_set() and len(reads) < 50_000 and time.monotonic() < deadline:
                try:
                    values = []
                    for sql in READS:  # three statements in one transaction, with a pause between them
                        cur.execute(sql)
                        values.append(int(cur.fetchone()[0]))
                        time.sleep(0.01)
                    rcon.commit()
                    reads.append(tuple(values))
                except Exception as exc:  # noqa: BLE001 - every error is a finding
                    rcon.rollback()
                    errors.append(repr(exc))
                time.sleep(0.003)
        rcon.close()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        build(_options(tmp_path))
        time.sleep(0.3)  # a few reads of the new set
    finally:
        done.set()
        thread.join(timeout=60)
    new = _state()
    # contacts, handled contacts in mart_fcr_daily, rows of the dashboard view: T5 adds one to each
    assert (old, new) == ((5, 3, 3), (6, 4, 4))
    assert errors == []
    assert set(reads) <= {old, new}, f"mixed reads: {sorted(set(reads) - {old, new})}"
    switch = reads.index(new)
    assert reads[0] == old and switch > 10 and set(reads[switch:]) == {new}, "old until the swap, new after"


# ---------------------------------------------------------------- pure helpers (no server needed)


def test_shadow_rewrite_leaves_labels_and_raw_alone():
    from cx_metrics.quality.postgres import PostgresWarehouse

    warehouse = PostgresWarehouse("h", 1, "u", "", "d", suffix="__shadow")
    sql = (
        "select 'marts.mart_queue_daily: ' || x, (select count(*) from marts.fct_call_legs) "
        "from staging.stg_telephony__calls as stg_telephony__calls join raw.tickets as t "
        "on t.ticket_id = stg_telephony__calls.ticket_id where table_schema = 'marts'"
    )
    assert warehouse.rewrite(sql) == (
        "select 'marts.mart_queue_daily: ' || x, (select count(*) from marts__shadow.fct_call_legs) "
        "from staging__shadow.stg_telephony__calls as stg_telephony__calls join raw.tickets as t "
        "on t.ticket_id = stg_telephony__calls.ticket_id where table_schema = 'marts__shadow'"
    )
    assert PostgresWarehouse("h", 1, "u", "", "d").rewrite(sql) == sql


def test_pandas_row_condition_becomes_gx_sql_syntax():
    from cx_metrics.quality.postgres import sql_check
    from cx_metrics.quality.runner import Check

    check = Check(
        "raw.survey_responses",
        "score",
        "ExpectColumnValuesToBeBetween",
        {
            "column": "score",
            "min_value": 0,
            "max_value": 10,
            "row_condition": 'survey_type__key=="nps"',
            "condition_parser": "pandas",
        },
    )
    assert sql_check(check).kwargs == {
        "column": "score",
        "min_value": 0,
        "max_value": 10,
        "row_condition": 'col("survey_type__key")=="nps"',
        "condition_parser": "great_expectations",
    }


def test_shadow_vars_keep_the_callers_vars():
    from cx_metrics.postgres_build import shadow_vars

    assert shadow_vars(None) == '{"cx_schema_suffix": "__shadow"}'
    assert shadow_vars("{repeat_window_days: 3}") == (
        '{"repeat_window_days": 3, "cx_schema_suffix": "__shadow"}'
    )


# ---------------------------------------------------------------- the swap on its own (no dbt)

SWAP_DATABASE = "cx_metrics_swap_test"
OTHER = "cx_metrics_swap_test_other"


@pytest.fixture()
def swap_db():
    """A database of its own with published marts.t = 1, a grant, a dashboard view, and a shadow marts.t = 2."""
    admin = fresh_postgres_database(SWAP_DATABASE)
    with admin.cursor() as cur:
        cur.execute(f"drop role if exists {OTHER}")
        cur.execute(f"create role {OTHER} nologin")
    con = postgres_connection(SWAP_DATABASE)
    con.autocommit = True
    with con.cursor() as cur:
        for sql in (
            "create schema marts",
            "create table marts.t as select 1 as x",
            f"grant usage on schema marts to {OTHER}",
            f"grant select on marts.t to {OTHER}",
            "create schema dashboards",
            "create view dashboards.v as select * from marts.t",
            "create schema marts__shadow",
            "create table marts__shadow.t as select 2 as x",
        ):
            cur.execute(sql)
    yield con
    con.close()
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {SWAP_DATABASE} with (force)")
        cur.execute(f"drop role if exists {OTHER}")
        cur.execute(f"drop role if exists {READER}_swap")
    admin.close()


def _one(con, sql: str):
    with con.cursor() as cur:
        cur.execute(sql)
        return cur.fetchone()[0]


def test_swap_waits_for_a_reader_then_carries_grants_and_views(swap_db):
    from cx_metrics import publish

    reader = postgres_connection(SWAP_DATABASE)  # a dashboard mid-transaction on the published table
    assert _one(reader, "select x from marts.t") == 1
    with pytest.raises(publish.PublishError, match="readers held published tables for 1s"):
        publish.swap(postgres_connection(SWAP_DATABASE), role=f"{READER}_swap", retry_seconds=1)
    assert (_one(swap_db, "select x from marts.t"), _one(swap_db, "select x from marts__shadow.t")) == (1, 2)
    reader.commit()
    reader.close()

    assert publish.swap(postgres_connection(SWAP_DATABASE), role=f"{READER}_swap") == ["marts"]
    assert _one(swap_db, "select x from marts.t") == 2
    assert _one(swap_db, "select x from dashboards.v") == 2, "the dashboard's view reads the new table"
    assert _one(swap_db, f"select has_table_privilege('{OTHER}', 'marts.t', 'select')") is True
    assert _one(swap_db, f"select has_schema_privilege('{OTHER}', 'marts', 'usage')") is True
    assert _one(swap_db, f"select has_table_privilege('{READER}_swap', 'marts.t', 'select')") is True
    assert _one(swap_db, f"select has_table_privilege('{READER}_swap', 'marts.t', 'insert')") is False
    assert _one(swap_db, "select count(*) from pg_namespace where nspname like 'marts\\_\\_%'") == 0


def test_swap_refuses_a_materialized_view_and_publishes_nothing(swap_db):
    from cx_metrics import publish

    with swap_db.cursor() as cur:
        cur.execute("create materialized view dashboards.mv as select x from marts.t")
    with pytest.raises(publish.PublishError, match="materialized view.*dashboards.mv"):
        publish.swap(postgres_connection(SWAP_DATABASE), role=f"{READER}_swap")
    assert (_one(swap_db, "select x from marts.t"), _one(swap_db, "select x from marts__shadow.t")) == (1, 2)


def test_published_build_marks_its_loads_and_a_rebuild_does_nothing(good, tmp_path):
    """A published build marks the loads it covered built, in the swap's transaction; a build
    with nothing new says so and leaves the published schemas alone. (One new ticket is
    appended first: the module's other tests load and publish too.)"""
    folder = tmp_path / "day"
    folder.mkdir()
    header = (FIXTURES / "tickets.csv").read_text().splitlines()[0]
    (folder / "tickets.csv").write_text(header + "\n" + EXTRA_TICKET.replace("T5,", "T6,", 1))
    # (the `good` fixture's CX_PG_DATABASE holds for the whole module)
    load_mod.load(folder, target="postgres", append=True, progress=lambda m: None)
    assert _query("select count(*) from raw.cx_load_ledger where not is_built") == [(1,)]
    published = build(_options(tmp_path / "published", full_refresh=False))
    run_id = published.report_dir.name
    assert _query("select count(*) from raw.cx_load_ledger where not is_built") == [(0,)]
    assert _query(
        "select built_by from raw.cx_load_ledger where load_mode = 'append' and table_name = 'tickets'"
    ) == [(run_id,)]
    marts = _query()
    result = build(_options(tmp_path / "again", full_refresh=False))
    assert result.nothing_new is not None and result.nothing_new.startswith(
        f"nothing new since build {run_id}"
    )
    assert _query() == marts
