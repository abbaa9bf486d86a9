"""Gates that scale (issue 16 part 3): staging and mart checks inside DuckDB, raw checks on the
unbuilt loads only.

The DuckDB SQL route (GX + duckdb-engine, cx_metrics.quality.sql) must give every check the
pandas route's outcome and unexpected count on the fixtures, and let go of the file after
each layer (dbt writes it next)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from cx_metrics import ledger, sources
from cx_metrics import load as load_mod
from cx_metrics.pipeline import UPSTREAM, BuildOptions, build, check_layer, plan_build, run_dbt_build
from cx_metrics.quality import marts, raw, staging
from cx_metrics.quality.runner import QualityRun
from cx_metrics.quality.sql import SCOPED_ROWS_SCHEMA, DuckDBQualityRun, relation_sql
from quality_helpers import fixture_folder

pytestmark = pytest.mark.filterwarnings("ignore")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixtures loaded and built by the guarded build (1% of surveys out of scale)."""
    tmp = tmp_path_factory.mktemp("sql_route")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DUCKDB_PATH", str(tmp / "wh.duckdb"))
        load_mod.load(fixture_folder(tmp / "raw", out_of_scale=1), progress=lambda m: None)
        build(
            BuildOptions(
                dirt_threshold=0.6,
                dbt_target_path=tmp / "target",
                dbt_log_path=tmp / "logs",
                reports_dir=tmp / "reports",
                progress=lambda m: None,
            )
        )
    return tmp / "wh.duckdb"


def _outcomes(run: QualityRun, database: Path) -> dict[tuple, tuple]:
    present = sources.present_tables(database, None)
    out = {}
    suites = (
        ("raw", raw.suite(database, REPO, 0.6, present=present)),
        ("staging", staging.suite(database, present)),
        ("marts", marts.suite(database, present)),
    )
    for layer, batches in suites:
        for r in run.validate(layer, database, batches).results:
            key = (r.layer, r.table, r.column, r.expectation, str(r.kwargs))
            assert key not in out, key
            out[key] = (r.status, r.unexpected_count, r.element_count)
    return out


def test_sql_route_matches_pandas_route_on_every_check(built: Path) -> None:
    pandas_route = _outcomes(QualityRun(None), built)
    sql_route = _outcomes(DuckDBQualityRun(None), built)
    assert len(pandas_route) > 150
    assert sql_route == pandas_route
    # the file is free again: a writer (dbt) can open it
    con = duckdb.connect(str(built))
    con.close()


def test_raw_scope_follows_the_unbuilt_loads() -> None:
    state = ledger.LedgerState(
        files=4,
        unbuilt=(3, 4, 5),
        unbuilt_files=((3, "calls", "append"), (4, "calls", "append"), (5, "tickets", "replace")),
        last_build="b1",
        last_built_at=None,
    )
    assert ledger.raw_scope(state, full_refresh=False) == {"calls": (3, 4), "tickets": None}
    assert ledger.raw_scope(state, full_refresh=True) is None
    assert ledger.raw_scope(None, full_refresh=False) is None


def test_raw_checks_read_only_the_rows_of_unbuilt_loads(built: Path) -> None:
    batches = raw.suite(built, REPO, 0.6, scope={"calls": (7,), "tickets": None})
    by_name = {b.name: b for b in batches}
    assert by_name["calls"].where == "_load_seq in (7)"
    assert by_name["tickets"].where == ""
    assert by_name["orders"].skip_note == raw.NOTHING_NEW_NOTE
    assert by_name["schema"].skip_note == ""
    # the rows read: none of calls (no load 7 there), all of tickets
    run = QualityRun(None)
    result = run.validate("raw", built, [by_name["calls"], by_name["tickets"]])
    con = duckdb.connect(str(built), read_only=True)
    tickets = con.execute("select count(*) from raw.tickets").fetchall()[0][0]
    con.close()
    calls_counts = {r.element_count for r in result.results if r.table == "raw.calls"}
    tickets_counts = {r.element_count for r in result.results if r.table == "raw.tickets"}
    assert calls_counts <= {0, None}
    assert max(c for c in tickets_counts if c is not None) == tickets
    # no rows of calls in the unbuilt loads is no failure ("table has rows" is the whole table's)
    assert [r.message() for r in result.failures] == []


def test_a_filtered_batch_joins_only_the_rows_its_rows_name(built: Path) -> None:
    """The events' "after their ticket's created_at" check joins raw tickets: for the rows of
    an unbuilt load, only the tickets those rows name are grouped (DECORRELATED's `{named}`),
    with the same outcome as over every ticket. The fixture loaded all events in one load."""
    con = duckdb.connect(str(built), read_only=True)
    (seq,) = con.execute(
        "select load_seq from raw.cx_load_ledger where table_name = 'ticket_events'"
    ).fetchone()
    con.close()

    def after_ticket(scope: dict | None) -> tuple:
        (events,) = [b for b in raw.suite(built, REPO, 0.6, scope=scope) if b.name == "ticket_events"]
        sql = relation_sql(events, {c: "" for c in [*events.columns, "ticket_id", "created_at"]})
        result = DuckDBQualityRun(None).validate("raw", built, [events])
        (check,) = [r for r in result.results if r.kwargs.get("column_B") == "ticket_created_at"]
        return sql, check.unexpected_count, check.element_count

    whole_sql, *whole = after_ticket(None)
    scoped_sql, *scoped = after_ticket({"ticket_events": (seq,)})
    assert "from raw.tickets group by ticket_id" in whole_sql
    assert (
        f"from raw.tickets where ticket_id in (select ticket_id from raw.ticket_events where _load_seq in ({seq}))"
        in scoped_sql
    )
    assert whole[0] > 0  # the fixture has events dated before their ticket
    assert scoped == whole


def test_staging_checks_of_an_incremental_build_read_the_rows_it_staged(built: Path, tmp_path: Path) -> None:
    """In an incremental build a stg_ model's checks read the rows that build staged again
    (their `_staged_by_build` is its number): a duplicate key among them fails; one among the
    other rows (checked when they were built) is not read. In a copy of the fixture warehouse,
    call L4 is duplicated and both its rows are stamped as staged by build 7."""
    copy = tmp_path / "wh.duckdb"
    copy.write_bytes(built.read_bytes())
    con = duckdb.connect(str(copy))
    clean_calls = con.execute("select count(*) from staging.stg_telephony__calls").fetchall()[0][0]
    con.execute("alter view staging.stg_telephony__calls rename to stg_calls_before")
    con.execute(
        "create view staging.stg_telephony__calls as "
        "select * replace (case when call_id = 'L4' then 7 else _staged_by_build end as _staged_by_build) "
        "from (select * from staging.stg_calls_before "
        "union all select * from staging.stg_calls_before where call_id = 'L4')"
    )
    con.close()

    def unique_calls(new_loads_from: int | None) -> tuple:
        batches = {b.name: b for b in staging.suite(copy, new_loads_from=new_loads_from)}
        result = DuckDBQualityRun(None).validate("staging", copy, [batches["stg_telephony__calls"]])
        (unique,) = [r for r in result.results if r.expectation == "expect_column_values_to_be_unique"]
        return unique.status, unique.element_count

    where = {b.name: b.where for b in staging.suite(copy, new_loads_from=7)}
    assert where["stg_telephony__calls"] == "_staged_by_build = 7"
    assert where["row_reconciliation"] == where["orphan_customers"] == ""
    # a full build: all 8 staged calls (L4 twice: 9 rows) are read, L4 fails
    assert unique_calls(None) == ("fail", clean_calls + 1)
    # build 7 staged L4's two rows: they are read, and fail
    assert unique_calls(7) == ("fail", 2)
    # build 8 staged no call: none is read
    assert unique_calls(8) == ("pass", 0)
    # the filtered rows were written once for the checks and are gone with them
    con = duckdb.connect(str(copy), read_only=True)
    schemas = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    con.close()
    assert "raw" in schemas and SCOPED_ROWS_SCHEMA not in schemas


def test_check_layer_reads_the_rows_the_build_staged(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler's asset checks (check_layer, cx_metrics.orchestration) plan the build
    as `cx-metrics build` does: after an append that re-extracts call L4 and the build's
    first dbt step (seeds, staging) scoped by that plan, the checks of stg_telephony__calls
    read L4's row only, and every call on --full-refresh."""
    copy = tmp_path / "wh.duckdb"
    copy.write_bytes(built.read_bytes())
    header, *rows = (REPO / "tests" / "fixtures" / "raw" / "calls.csv").read_text().splitlines()
    day = tmp_path / "day"
    day.mkdir()
    (day / "calls.csv").write_text("\n".join([header, *[r for r in rows if r.startswith("L4,")]]) + "\n")
    monkeypatch.setenv("CX_DUCKDB_PATH", str(copy))
    load_mod.load(day, append=True, progress=lambda m: None)
    options = BuildOptions(
        dirt_threshold=0.6,
        dbt_target_path=tmp_path / "target",
        dbt_log_path=tmp_path / "logs",
        reports_dir=tmp_path / "reports",
        progress=lambda m: None,
    )
    plan = plan_build(copy, options)
    assert plan.incremental
    staged = run_dbt_build(
        ["--select", *UPSTREAM, "--exclude-resource-type", "unit_test", *plan.dbt_args()],
        copy,
        dataclasses.replace(options, dbt_env=plan.dbt_env()),
    )
    assert staged == []

    def unique_calls(options: BuildOptions) -> int | None:
        result = check_layer("staging", copy, options)
        (unique,) = [
            r
            for r in result.results
            if r.table == "staging.stg_telephony__calls"
            and r.expectation == "expect_column_values_to_be_unique"
        ]
        return unique.element_count

    assert unique_calls(options) == 1
    # a --full-refresh build checks every call
    con = duckdb.connect(str(copy), read_only=True)
    calls = con.execute("select count(*) from staging.stg_telephony__calls").fetchall()[0][0]
    con.close()
    assert calls > 1
    assert unique_calls(dataclasses.replace(options, full_refresh=True)) == calls
