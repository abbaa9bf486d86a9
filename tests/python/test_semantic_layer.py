"""MetricFlow's answers equal the marts: on the fixtures and on a small demo warehouse, each on DuckDB and Postgres.

The semantic layer (models/semantic/) defines every rate as a ratio of additive
sums over the facts; the marts compute the same rates in SQL. Here MetricFlow is
asked (through cx_metrics.semantic, i.e. `mf query` in a subprocess) for the
saved queries and a few more breakdowns, and each answer is compared with the
mart that publishes the same figure, at the mart's grain. Monthly FCR per
channel and category is compared with sum(fcr_contacts) / sum(evaluable_contacts)
over mart_fcr_daily's days: a ratio of sums, never a mean of daily rates.
Spark is not covered: MetricFlow has no adapter for dbt-spark's session method.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("dbt_metricflow", reason="the [bi] extra (dbt-metricflow) is not installed")

from cx_metrics.semantic import query_metrics  # noqa: E402
from engines import (  # noqa: E402
    BUILD_DIR,
    REPO,
    fresh_postgres_database,
    postgres_connection,
    wanted,
)

DEMO_PG_DATABASE = "cx_metrics_semantic_demo"

REQUESTS = {
    "scorecard": {"saved_query": "scorecard_monthly"},
    "queue_daily": {"saved_query": "queue_daily"},
    "fcr": {"saved_query": "fcr_by_channel_category_monthly"},
    "experience": {
        "metrics": ["nps", "csat", "ces", "nps_responses"],
        "group_by": ["metric_time__month", "survey_response__survey_channel"],
    },
    "volume": {
        "metrics": ["tickets_per_100_customers", "channel_switch_rate"],
        "group_by": ["metric_time__month"],
    },
    "product": {"metrics": ["contacts_per_1000_units"], "group_by": ["metric_time__month", "product"]},
    "agent": {"metrics": ["aht_seconds", "work_cost"], "group_by": ["metric_time__day", "agent"]},
}

SCORECARD_RATES = [
    "aht_minutes",
    "asa_seconds",
    "service_level",
    "abandon_rate",
    "fcr_rate",
    "repeat_contact_rate",
    "callback_rate",
    "reopen_rate",
    "nps",
    "csat",
    "ces",
    "cost_per_contact",
    "ixs",
]
SCORECARD_SUMS = ["contacts", "handled_contacts", "work_cost"]  # additive: MetricFlow gives null for none


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


class Warehouse:
    """MetricFlow's answers for one build, and a reader of its marts."""

    def __init__(self, name: str, engine: str, target_path: Path, env: dict, read):
        self.name, self.read = name, read
        self.mf = query_metrics(REQUESTS, engine, target_path, env)


def _duckdb_reader(path: Path):
    import duckdb

    def read(sql: str) -> list[dict]:
        con = duckdb.connect(str(path), read_only=True)
        try:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]
        finally:
            con.close()

    return read


def _postgres_reader(dbname: str | None = None):
    def read(sql: str) -> list[dict]:
        con = postgres_connection(dbname)
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                names = [d[0] for d in cur.description]
                return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]
        finally:
            con.close()

    return read


def _duckdb_copy(source: Path, folder: Path) -> Path:
    """A copy of the warehouse with the same file name (the manifest's database), for MetricFlow:
    dbt-duckdb opens its file read-write, which another process's read-only handle would block."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    shutil.copyfile(source, copy)
    return copy


def _demo_on_postgres(demo: Path, folder: Path) -> Warehouse:
    """The demo warehouse's raw files loaded into a Postgres database of their own and built there."""
    from cx_metrics.load import load

    admin = fresh_postgres_database(DEMO_PG_DATABASE)
    admin.close()
    env = {**os.environ, "CX_PG_DATABASE": DEMO_PG_DATABASE, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    previous = os.environ.get("CX_PG_DATABASE")
    os.environ["CX_PG_DATABASE"] = DEMO_PG_DATABASE
    try:
        load(demo / "raw", target="postgres")
    finally:
        if previous is None:
            os.environ.pop("CX_PG_DATABASE")
        else:
            os.environ["CX_PG_DATABASE"] = previous
    build = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "build", "--resource-type", "seed", "--resource-type", "model"]
        + ["--target", "postgres", "--project-dir", str(REPO), "--profiles-dir", str(REPO / "profiles")]
        + ["--target-path", str(folder / "target"), "--log-path", str(folder / "logs")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:]
    return Warehouse(
        "demo_postgres",
        "postgres",
        folder / "target",
        {"CX_PG_DATABASE": DEMO_PG_DATABASE},
        _postgres_reader(DEMO_PG_DATABASE),
    )


@pytest.fixture(scope="module", params=["duckdb", "postgres", "demo", "demo_postgres"])
def warehouse(request, tmp_path_factory) -> Warehouse:
    name = request.param
    if name == "demo_postgres":
        if reason := wanted("postgres"):
            pytest.skip(reason)
        return _demo_on_postgres(
            request.getfixturevalue("demo_warehouse"), tmp_path_factory.mktemp("mf_demo_pg")
        )
    if name == "demo":
        folder = request.getfixturevalue("demo_warehouse")
        database = folder / "cx_metrics.duckdb"
        copy = _duckdb_copy(database, tmp_path_factory.mktemp("mf_demo"))
        return Warehouse(
            name, "duckdb", folder / "target", {"CX_DUCKDB_PATH": str(copy)}, _duckdb_reader(database)
        )
    if reason := wanted(name):
        pytest.skip(reason)
    if os.environ.get("CX_ENGINES_PREBUILT") != "1":
        subprocess.run(
            [str(REPO / "scripts" / "engine_fixture_build.sh"), name],
            check=True,
            env={**os.environ, "CX_ENGINE_BUILD_DIR": str(BUILD_DIR)},
        )
    target = BUILD_DIR / name / "target"
    if name == "duckdb":
        database = BUILD_DIR / "duckdb" / "fixtures.duckdb"
        copy = _duckdb_copy(database, tmp_path_factory.mktemp("mf_duckdb"))
        return Warehouse(name, name, target, {"CX_DUCKDB_PATH": str(copy)}, _duckdb_reader(database))
    return Warehouse(name, name, target, {}, _postgres_reader())


def _compare(
    mf_rows: list[dict],
    mart_rows: list[dict],
    keys: dict[str, str],
    columns: dict[str, str],
    zero_is_null: tuple[str, ...] = (),
) -> list[str]:
    """Differences between MetricFlow rows and mart rows matched on keys ({mf name: mart name})."""
    mart = {tuple(r[k] for k in keys.values()): r for r in mart_rows}
    problems = []
    seen = set()
    for row in mf_rows:
        key = tuple(row[k] for k in keys)
        if key not in mart:
            if any(row[c] not in (None, 0) for c in columns):
                problems.append(f"{key}: in MetricFlow, not in the mart: {row}")
            continue
        seen.add(key)
        for mf_column, mart_column in columns.items():
            got, want = row[mf_column], mart[key][mart_column]
            if mf_column in zero_is_null and got is None:
                got = 0
            if not _same(got, want):
                problems.append(f"{key} {mf_column}: MetricFlow {got!r} != mart {want!r}")
    for key, row in mart.items():
        if key not in seen and any(row[c] not in (None, 0) for c in columns.values()):
            problems.append(f"{key}: in the mart, not in MetricFlow: {row}")
    return problems


def test_scorecard_saved_query_equals_mart_scorecard_monthly(warehouse: Warehouse) -> None:
    mart = warehouse.read("select * from marts.mart_scorecard_monthly")
    assert any(r["fcr_rate"] is not None for r in mart), "no month with an FCR: nothing compared"
    columns = {c: c for c in SCORECARD_RATES + SCORECARD_SUMS}
    problems = _compare(
        warehouse.mf["scorecard"],
        mart,
        {"metric_time__month": "month"},
        columns,
        zero_is_null=tuple(SCORECARD_SUMS),
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)


def test_queue_daily_saved_query_equals_mart_queue_daily(warehouse: Warehouse) -> None:
    mart = warehouse.read("select * from marts.mart_queue_daily")
    columns = {
        c: c
        for c in (
            "offered_legs",
            "service_level",
            "abandon_rate",
            "asa_seconds",
            "aht_seconds",
            "aht_p50_seconds",
            "aht_p90_seconds",
        )
    }
    problems = _compare(
        warehouse.mf["queue_daily"],
        mart,
        {"metric_time__day": "date_day", "call_leg__queue": "queue"},
        columns,
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)


def test_monthly_fcr_is_a_ratio_of_sums_of_mart_fcr_daily(warehouse: Warehouse) -> None:
    sums = defaultdict(lambda: [0, 0, 0])
    for row in warehouse.read("select * from marts.mart_fcr_daily"):
        key = (row["date_day"][:8] + "01", row["channel"], row["category"])
        sums[key][0] += row["fcr_contacts"]
        sums[key][1] += row["repeated_contacts"]
        sums[key][2] += row["evaluable_contacts"]
    expected = [
        {
            "month": m,
            "channel": c,
            "category": g,
            "evaluable_contacts": e,
            "fcr_rate": f / e if e else None,
            "repeat_contact_rate": r / e if e else None,
        }
        for (m, c, g), (f, r, e) in sums.items()
    ]
    assert any(r["evaluable_contacts"] for r in expected), "no evaluable contact: nothing compared"
    problems = _compare(
        warehouse.mf["fcr"],
        expected,
        {
            "metric_time__month": "month",
            "contact_outcome__channel": "channel",
            "contact_outcome__category": "category",
        },
        {
            "evaluable_contacts": "evaluable_contacts",
            "fcr_rate": "fcr_rate",
            "repeat_contact_rate": "repeat_contact_rate",
        },
        zero_is_null=("evaluable_contacts",),
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)


def test_experience_by_channel_equals_mart_experience_monthly(warehouse: Warehouse) -> None:
    mart = warehouse.read("select * from marts.mart_experience_monthly")
    problems = _compare(
        warehouse.mf["experience"],
        mart,
        {"metric_time__month": "month", "survey_response__survey_channel": "channel"},
        {"nps": "nps", "csat": "csat", "ces": "ces", "nps_responses": "nps_responses"},
        zero_is_null=("nps_responses",),
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)


def test_volume_and_switch_rates_equal_their_marts(warehouse: Warehouse) -> None:
    volume = {r["month"]: r for r in warehouse.read("select * from marts.mart_volume_monthly")}
    switches = defaultdict(lambda: [0, 0])
    for row in warehouse.read("select * from marts.mart_channel_switches_monthly"):
        switches[row["month"]][0] += row["repeats"] if row["is_channel_switch"] else 0
        switches[row["month"]][1] += row["repeats"]
    expected = [
        {
            "month": month,
            "tickets_per_100_customers": row["tickets_per_100_customers"],
            "channel_switch_rate": (switches[month][0] / switches[month][1]) if switches[month][1] else None,
        }
        for month, row in volume.items()
    ]
    problems = _compare(
        warehouse.mf["volume"],
        expected,
        {"metric_time__month": "month"},
        {
            "tickets_per_100_customers": "tickets_per_100_customers",
            "channel_switch_rate": "channel_switch_rate",
        },
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)


def test_contacts_per_1000_units_equals_mart_product_contact_rate(warehouse: Warehouse) -> None:
    mart = warehouse.read("select * from marts.mart_product_contact_rate_monthly")
    problems = _compare(
        warehouse.mf["product"],
        mart,
        {"metric_time__month": "month", "product": "product_id"},
        {"contacts_per_1000_units": "contacts_per_1000_units"},
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)


def test_agent_aht_and_work_cost_equal_mart_agent_daily(warehouse: Warehouse) -> None:
    mart = warehouse.read("select * from marts.mart_agent_daily")
    problems = _compare(
        warehouse.mf["agent"],
        mart,
        {"metric_time__day": "date_day", "agent": "agent_id"},
        {"aht_seconds": "aht_seconds", "work_cost": "work_cost"},
        zero_is_null=("work_cost",),
    )
    assert not problems, f"{warehouse.name}:\n" + "\n".join(problems)
