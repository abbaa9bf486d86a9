"""The demo's headline numbers are the marts' numbers (one definition everywhere).

One DuckDB build of the hand-built fixtures plus two call legs: an abandoned
inbound leg (so service level depends on service_level_counts_abandons) and an
outbound leg answered by A9, an agent missing from agents. The build runs with
service_level_counts_abandons: false, where service level divides by answered legs.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from cx_metrics import cli
from cx_metrics import load as load_mod
from cx_metrics.dbt import dbt_command

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "raw"
EXTRA_LEGS = [
    # abandoned after 60 s: offered, not answered
    [
        "L8",
        "",
        "inbound",
        "C3",
        "",
        "general",
        "2026-06-02 10:00:00",
        "",
        "2026-06-02 10:01:00",
        "",
        "0",
        "0",
        "0",
        "false",
        "",
        "2026-06-03 02:00:00",
    ],
    # answered by A9, who is not in agents.csv
    [
        "L9",
        "",
        "outbound",
        "C1",
        "",
        "general",
        "2026-06-03 10:00:00",
        "2026-06-03 10:00:05",
        "2026-06-03 10:05:05",
        "A9",
        "280",
        "0",
        "20",
        "false",
        "resolved",
        "2026-06-04 02:00:00",
    ],
]
# The headline labels and the scorecard column each must equal.
EXPECTED_COLUMNS = {
    "service level": "service_level",
    "abandon rate": "abandon_rate",
    "AHT (minutes)": "aht_minutes",
    "FCR": "fcr_rate",
    "NPS": "nps",
    "IXS": "ixs",
}
LINE = re.compile(r"^\[cx-metrics\]\s+(?P<label>.+?)(?: \((?P<month>\d{4}-\d{2})\))?: (?P<value>-?[\d.,]+)$")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("headline")
    raw = tmp / "raw"
    shutil.copytree(FIXTURES, raw)
    with (raw / "calls.csv").open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(EXTRA_LEGS)
    path = tmp / "wh.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DUCKDB_PATH", str(path))
        load_mod.load(raw, progress=lambda m: None)
        select = "+mart_scorecard_monthly +mart_agent_quality_monthly mart_queue_daily"
        for args in (["seed"], ["run", "--select", select]):
            cmd = dbt_command(
                args,
                target="duckdb",
                target_path=tmp / "target",
                log_path=tmp / "logs",
                vars="{service_level_counts_abandons: false}",
            )
            done = subprocess.run(cmd, check=False, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout[-3000:]
    return path


def _rows(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_headline_equals_monthly_scorecard_without_abandons(warehouse, capsys):
    offered, answered, within = _rows(
        warehouse,
        "select sum(offered_legs), sum(answered_legs), sum(answered_within_sl) from marts.mart_queue_daily",
    )[0]
    assert (offered, answered, within) == (4, 3, 3), "the abandoned leg is offered, not answered"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cli._headline(con)
    finally:
        con.close()
    printed = {}
    for line in capsys.readouterr().out.splitlines():
        match = LINE.match(line)
        if match:
            printed[match["label"]] = (match["month"], match["value"])
    for label, column in EXPECTED_COLUMNS.items():
        month, value = _rows(
            warehouse,
            f"select month, {column} from marts.mart_scorecard_monthly "
            f"where {column} is not null order by month desc limit 1",
        )[0]
        assert printed.get(label) == (f"{month:%Y-%m}", f"{value:.3f}"), (label, printed)
    # With abandons left out, service level divides by answered legs: 3 / 3, not 3 / 4.
    assert printed["service level"] == ("2026-06", "1.000")


def test_headline_figures_read_the_scorecard_row(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        figures = {label: (month, value) for label, month, value in cli.headline_figures(con)}
    finally:
        con.close()
    ((month, service_level, ixs),) = _rows(
        warehouse,
        "select month, service_level, ixs from marts.mart_scorecard_monthly order by month desc limit 1",
    )
    assert figures["service level"] == (month, service_level)
    assert figures["IXS"] == (month, ixs)


def test_unknown_agent_work_cost_is_null_in_both_agent_marts(warehouse):
    assert _rows(
        warehouse, "select is_known_agent, hourly_cost from marts.dim_agents where agent_id = 'A9'"
    ) == [(False, None)]
    assert _rows(
        warehouse, "select answered_legs, work_cost from marts.mart_agent_daily where agent_id = 'A9'"
    ) == [(0, None)]
    assert _rows(
        warehouse, "select evaluations, work_cost from marts.mart_agent_quality_monthly where agent_id = 'A9'"
    ) == [(0, None)]
    known = _rows(
        warehouse,
        "select sum(daily.work_cost), max(quality.work_cost) "
        "from marts.mart_agent_daily as daily "
        "inner join marts.mart_agent_quality_monthly as quality "
        "on daily.agent_id = quality.agent_id where daily.agent_id = 'A1'",
    )
    assert known[0][0] == pytest.approx(known[0][1])
