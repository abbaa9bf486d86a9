"""Any subset of sources builds (README "Bring your own data"), end to end on DuckDB.

The hand-built fixtures are loaded as four combinations: helpdesk only (tickets,
ticket_events, customers, agents), telephony only (calls, customers, agents),
helpdesk and surveys, and all tables; plus generated data with every table but
telephony's removed. Each builds (dbt build, data tests included; unit tests do not
read the warehouse and run in the fixture builds), every mart exists, a mart has
rows when a source it is built from is present, a metric that needs an absent
source is null (never 0), and the numbers the subset shares with the full build
are the full build's. The helpdesk-only load runs the guarded `cx-metrics build`
(GX raw, staging and mart checks) from header-only files for the other tables.

The subsets other than the guarded one are built with as_of pinned to the full
build's, so that "the same rows" give the same numbers whatever else is loaded;
the guarded build keeps its own as_of, the latest business timestamp over the
present sources. Every dbt run shares one target folder and one warehouse path,
so dbt parses the project once (partial parsing); under `make test`
(CX_ENGINES_PREBUILT=1) the full build is the engine fixture build's warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, REPO
from cx_metrics import load as load_mod
from cx_metrics import sources
from cx_metrics.contract import TABLES
from cx_metrics.dbt import dbt_command
from cx_metrics.generate import generate
from cx_metrics.quality.marts import ROWS_FROM
from subset_helpers import HELPDESK, assert_helpdesk_publishes, guarded_build
from subset_helpers import expect_marts as _expect_marts
from subset_helpers import marts as _marts
from subset_helpers import query as _query

PREBUILT = REPO / "build" / "engines" / "duckdb" / "fixtures.duckdb"

pytestmark = pytest.mark.filterwarnings("ignore")

TELEPHONY = ("calls", "customers", "agents")
COMBINATIONS = {
    "all": tuple(TABLES),
    "telephony": TELEPHONY,
    "helpdesk_surveys": (*HELPDESK, "survey_responses"),
}


def _subset(
    folder: Path, tables: tuple[str, ...], source: Path = FIXTURES, header_only: bool = False
) -> Path:
    """A folder with `tables` from `source`; the others absent, or header-only files."""
    folder.mkdir(parents=True)
    for name in TABLES:
        path = next(p for p in (source / f"{name}.csv", source / f"{name}.parquet") if p.exists())
        if name in tables:
            shutil.copy(path, folder / path.name)
        elif header_only:
            header = duckdb.sql(f"select * from '{path}' limit 0").columns
            (folder / f"{name}.csv").write_text(",".join(header) + "\n")
    return folder


def _dbt_build(work: Path, vars_yaml: str | None) -> subprocess.CompletedProcess:
    cmd = dbt_command(
        ["build", "--exclude", "resource_type:unit_test"], "duckdb", work / "target", work / "logs", vars_yaml
    )
    return subprocess.run(cmd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """Each combination loaded and built; the warehouses by name, plus the full build's as_of."""
    work = tmp_path_factory.mktemp("subsets")
    warehouse = work / "wh.duckdb"  # one path for every dbt run: one parse
    out: dict = {"work": work}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DUCKDB_PATH", str(warehouse))
        as_of = None
        for name, tables in COMBINATIONS.items():
            warehouse.unlink(missing_ok=True)
            if name == "all" and os.environ.get("CX_ENGINES_PREBUILT") == "1" and PREBUILT.exists():
                # `make test` has just built every fixture table (scripts/engine_fixture_build.sh)
                out[name] = work / f"{name}.duckdb"
                shutil.copy(PREBUILT, out[name])
                as_of = _query(out[name], "select as_of from intermediate.int_as_of")[0][0]
                continue
            load_mod.load(_subset(work / name, tables), progress=lambda m: None)
            result = _dbt_build(work, None if as_of is None else f"{{as_of: '{as_of}'}}")
            assert result.returncode == 0, f"{name}: dbt build failed\n{result.stdout[-3000:]}"
            if as_of is None:  # the full build comes first
                as_of = _query(warehouse, "select as_of from intermediate.int_as_of")[0][0]
            out[name] = work / f"{name}.duckdb"
            shutil.move(warehouse, out[name])
        out["as_of"] = as_of
    return out


@pytest.fixture(scope="module")
def guarded_helpdesk(tmp_path_factory, builds) -> dict:
    """Helpdesk only, header-only files for the other seven tables, through the guarded build."""
    work = builds["work"]
    published = work / "helpdesk.duckdb"
    folder = _subset(work / "helpdesk", HELPDESK, header_only=True)
    result = guarded_build(work, published, lambda: load_mod.load(folder, progress=lambda m: None))
    return {"published": published, "result": result}


def _rows(database: Path, sql: str) -> list[tuple]:
    return sorted(_query(database, sql), key=repr)


# ---------------------------------------------------------------- helpdesk only, guarded


def test_helpdesk_only_guarded_build_publishes(guarded_helpdesk, builds):
    # the fixtures' tickets are all of 2026-06-01 and as_of is 13:10 that day: no contact's
    # repeat window has closed, so FCR, repeat rate and the IXS have no value yet
    assert_helpdesk_publishes(guarded_helpdesk["published"], builds["all"], fcr_evaluable=False)


def test_helpdesk_only_record_and_reconciliation(guarded_helpdesk):
    published = guarded_helpdesk["published"]
    record = dict(_query(published, "select table_name, is_present from raw.cx_loaded_tables"))
    assert record == {t: t in HELPDESK for t in TABLES}
    audit = dict(_query(published, "select source_table, is_present from audit.audit__row_reconciliation"))
    assert audit == record


def test_helpdesk_only_reports_the_skipped_sources(guarded_helpdesk):
    report = json.loads((guarded_helpdesk["result"].report_dir / "quality_report.json").read_text())
    absent = [t for t in TABLES if t not in HELPDESK]
    assert report["sources"] == {"present": [t for t in TABLES if t in HELPDESK], "absent": absent}
    checks = [c for layer in report["layers"] for c in layer["checks"]]
    skipped = {c["table"] for c in checks if c["status"] == "skip" and c["note"].startswith("source absent")}
    assert {f"raw.{t}" for t in absent} <= skipped
    assert "staging.stg_telephony__calls" in skipped
    assert "marts.fct_call_legs" in skipped
    assert not {f"raw.{t}" for t in HELPDESK} & skipped


def test_helpdesk_only_as_of_is_latest_helpdesk_timestamp(guarded_helpdesk, builds):
    # tickets/ticket_events end at 2026-06-01 13:10; calls, orders and surveys run later
    as_of = _query(guarded_helpdesk["published"], "select as_of, as_of_source from intermediate.int_as_of")
    assert as_of == [(datetime(2026, 6, 1, 13, 10), "latest_business_timestamp")]
    assert builds["as_of"] == datetime(2026, 6, 9, 9, 0)


def test_helpdesk_only_metrics_of_absent_sources_are_null(guarded_helpdesk):
    published = guarded_helpdesk["published"]
    rows = _query(
        published,
        "select contacts, service_level, aht_minutes, abandon_rate, asa_seconds, revenue, "
        "nps, csat, compliance_rate, reopen_rate from marts.mart_scorecard_monthly",
    )
    assert rows == [(3, None, None, None, None, None, None, None, None, 0.0)]
    agents = _query(
        published,
        "select agent_id, answered_legs, handle_seconds_total, tickets_handled, "
        "work_cost from marts.mart_agent_daily order by 1",
    )
    assert agents == [("A1", None, None, 1, 3.0)]
    volume = _query(
        published,
        "select tickets_created, contacts, customers_at_month_end, "
        "tickets_per_100_customers from marts.mart_volume_monthly",
    )
    assert volume == [(3, 3, 3, 100.0)]
    quality = _query(published, "select count(*), count(evaluations) from marts.mart_agent_quality_monthly")
    assert quality[0][0] > 0 and quality[0][1] == 0


# ---------------------------------------------------------------- the other combinations


@pytest.mark.parametrize("name", ["all", "telephony", "helpdesk_surveys"])
def test_combination_builds_the_marts_that_can_exist(builds, name):
    _expect_marts(builds[name], COMBINATIONS[name], builds["all"])


TICKET_SQL = ["select * from marts.fct_tickets", "select * from marts.mart_ticket_daily"]
CALL_SQL = [
    "select * from marts.fct_call_legs",
    "select * from marts.mart_queue_daily",
    "select month, service_level, asa_seconds, aht_minutes, abandon_rate "
    "from marts.mart_scorecard_monthly where month = date '2026-06-01'",
]
SURVEY_SQL = [
    "select response_id, survey_type, score, nps_bucket, is_csat_satisfied, is_ces_easy "
    "from marts.fct_survey_responses",
    "select month, nps, csat, ces from marts.mart_scorecard_monthly where month = date '2026-06-01'",
]


@pytest.mark.parametrize(
    "name, queries",
    [
        ("helpdesk_surveys", TICKET_SQL + SURVEY_SQL),
        ("telephony", CALL_SQL),
    ],
)
def test_shared_numbers_equal_the_full_build(builds, name, queries):
    for sql in queries:
        subset, full = _rows(builds[name], sql), _rows(builds["all"], sql)
        assert subset and subset == full, sql


def test_telephony_only_ticket_metrics_are_null(builds):
    db = builds["telephony"]
    volume = _query(
        db,
        "select tickets_created, contacts, customers_at_month_end, tickets_per_100_customers, "
        "contacts_per_100_customers from marts.mart_volume_monthly "
        "where month = date '2026-06-01'",
    )
    assert volume[0][0] is None and volume[0][3] is None
    assert volume[0][1] > 0 and volume[0][4] is not None
    card = _query(
        db,
        "select reopen_rate, revenue, nps, service_level from marts.mart_scorecard_monthly "
        "where month = date '2026-06-01'",
    )
    assert card[0][:3] == (None, None, None) and card[0][3] is not None
    assert _query(db, "select count(*), count(tickets_handled) from marts.mart_agent_daily")[0][1] == 0


def test_ixs_renormalises_over_components_with_data(builds):
    ixs = dict(
        _query(
            builds["telephony"],
            "select metric, value is not null from marts.mart_ixs_components_monthly "
            "where month = date '2026-06-01'",
        )
    )
    assert ixs["aht_minutes"] and ixs["abandon_rate"]
    assert not ixs["nps"] and not ixs["csat"] and not ixs["ces"]
    used = _query(
        builds["telephony"],
        "select components_used, ixs from marts.mart_ixs_monthly where month = date '2026-06-01'",
    )
    assert used[0][0] == sum(ixs.values()) and used[0][1] is not None


def test_vars_override_the_record(builds):
    """using_<table> overrides what the loader recorded (read at run time, not at parse time)."""
    work = builds["work"]
    target = work / "target"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DUCKDB_PATH", str(builds["telephony"]))
        # the record alone (telephony load): no tickets, customers present
        assert sources.present_tables(builds["telephony"]) == ["customers", "agents", "calls"]
        overrides = "{using_customers: false, using_tickets: true}"
        assert sources.present_tables(builds["telephony"], overrides) == ["agents", "tickets", "calls"]
        result = subprocess.run(
            dbt_command(
                ["compile", "--select", "mart_volume_monthly"], "duckdb", target, work / "logs", overrides
            ),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-2000:]
        compiled = next(target.glob("compiled/**/mart_volume_monthly.sql")).read_text()
    assert "coalesce(ticket_counts.tickets_created, 0)" in compiled
    assert "case when false then customer_base.customers_at_month_end end" in compiled


# ---------------------------------------------------------------- generated data


def test_generated_telephony_only_builds(builds, tmp_path, monkeypatch):
    """Generated data with every table but telephony's (and customers, agents) removed."""
    generated = tmp_path / "generated"
    generate(generated, customers=200, days=14)
    work = builds["work"]
    warehouse = work / "wh.duckdb"
    warehouse.unlink(missing_ok=True)
    monkeypatch.setenv("CX_DUCKDB_PATH", str(warehouse))
    load_mod.load(_subset(tmp_path / "raw", TELEPHONY, source=generated), progress=lambda m: None)
    result = _dbt_build(work, None)
    assert result.returncode == 0, result.stdout[-3000:]
    marts = _marts(warehouse)
    assert marts["fct_call_legs"] >= 10 and marts["mart_queue_daily"] > 0 and marts["fct_tickets"] == 0
    card = _query(
        warehouse,
        "select count(*), count(service_level), count(reopen_rate), count(revenue) "
        "from marts.mart_scorecard_monthly",
    )
    assert card[0][1] > 0 and card[0][2:] == (0, 0)


# ---------------------------------------------------------------- postgres, helpdesk only

PG_DATABASE = "cx_metrics_subsets_test"
PG_QUERIES = [
    "select contacts, service_level, aht_minutes, abandon_rate, revenue, nps, reopen_rate "
    "from marts.mart_scorecard_monthly",
    "select agent_id, answered_legs, tickets_handled, work_cost from marts.mart_agent_daily",
    "select tickets_created, contacts, customers_at_month_end, tickets_per_100_customers "
    "from marts.mart_volume_monthly",
    "select ticket_id, status, reopen_count, agent_reply_count from marts.fct_tickets",
]


def _plain(rows: list[tuple]) -> list[tuple]:
    return sorted(
        (
            tuple(
                float(v) if isinstance(v, (int, float)) or type(v).__name__ == "Decimal" else v for v in row
            )
            for row in rows
        ),
        key=repr,
    )


def test_postgres_helpdesk_only_builds_like_duckdb(guarded_helpdesk, builds, monkeypatch):
    from engines import fresh_postgres_database, postgres_connection

    admin = fresh_postgres_database(PG_DATABASE)
    monkeypatch.setenv("CX_PG_DATABASE", PG_DATABASE)
    work = builds["work"]
    try:
        load_mod.load(_subset(work / "pg_helpdesk", HELPDESK), target="postgres", progress=lambda m: None)
        cmd = dbt_command(
            ["build", "--exclude", "resource_type:unit_test"],
            "postgres",
            work / "pg_target",
            work / "pg_logs",
        )
        result = subprocess.run(cmd, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:]
        con = postgres_connection(PG_DATABASE)
        try:
            with con.cursor() as cur:
                cur.execute("select table_name, is_present from raw.cx_loaded_tables")
                assert dict(cur.fetchall()) == {t: t in HELPDESK for t in TABLES}
                for relation, srcs in ROWS_FROM.items():
                    cur.execute(f"select count(*) from {relation}")
                    assert (cur.fetchone()[0] > 0) == any(t in HELPDESK for t in srcs), relation
                for sql in PG_QUERIES:
                    cur.execute(sql)
                    assert _plain(cur.fetchall()) == _plain(_query(guarded_helpdesk["published"], sql)), sql
        finally:
            con.close()
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {PG_DATABASE} with (force)")
        admin.close()
