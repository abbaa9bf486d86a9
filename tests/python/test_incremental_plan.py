"""When a guarded build is incremental, and what it tells dbt (cx_metrics/incremental.py, issue 16).

The plan is read from the warehouse: the load ledger's unbuilt loads and the state the
published build recorded (build_scope.cx_build_state). Each rule below flips one input
of an otherwise incremental case and asserts the reason said on the terminal.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cx_metrics import incremental
from cx_metrics.ledger import LedgerState

FINGERPRINT = "f" * 64


def _state(unbuilt=(7, 8), modes=("append", "append"), last_build="b1", last_seq=8) -> LedgerState:
    return LedgerState(
        files=8,
        unbuilt=tuple(unbuilt),
        unbuilt_files=tuple((seq, "tickets", mode) for seq, mode in zip(unbuilt, modes, strict=True)),
        last_build=last_build,
        last_built_at=None,
        last_seq=last_seq,
    )


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A warehouse whose published build recorded FINGERPRINT and as_of 2026-06-28 23:30."""
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_as_of as select timestamp '2026-06-28 23:30:00' as as_of")
    incremental.record(con, FINGERPRINT, "b1")
    return con


def test_appends_after_a_recorded_build_are_incremental_from_the_lowest_unbuilt_load(con) -> None:
    plan = incremental.plan(con, _state(), FINGERPRINT, full_refresh=False)
    assert plan.incremental
    assert (plan.new_loads_from, plan.previous_as_of) == (7, "2026-06-28 23:30:00")
    assert plan.dbt_args() == []
    assert plan.dbt_env() == {"CX_NEW_LOADS_FROM": "7", "CX_PREVIOUS_AS_OF": "2026-06-28 23:30:00"}
    assert plan.message() == (
        "incremental build: the rows loads 7+ affect (previous as_of 2026-06-28 23:30:00)"
    )


def test_nothing_unbuilt_scopes_the_loads_after_the_last(con) -> None:
    # a scheduled run with no new file: the loads after load 8, i.e. none
    plan = incremental.plan(con, _state(unbuilt=(), modes=()), FINGERPRINT, full_refresh=False)
    assert plan.incremental and plan.new_loads_from == 9


@pytest.mark.parametrize(
    ("state", "current", "full_refresh", "reason"),
    [
        (_state(), FINGERPRINT, True, "--full-refresh"),
        (None, FINGERPRINT, False, "the first build of this warehouse"),
        (_state(last_build=None), FINGERPRINT, False, "the first build of this warehouse"),
        (
            _state(modes=("append", "replace")),
            FINGERPRINT,
            False,
            "a replace load since the last build (tickets)",
        ),
        (
            _state(),
            "0" * 64,
            False,
            "the project, its vars or the present sources changed since the last build",
        ),
    ],
)
def test_anything_else_is_a_full_build_with_its_reason(con, state, current, full_refresh, reason) -> None:
    plan = incremental.plan(con, state, current, full_refresh)
    assert not plan.incremental
    assert plan.reason == reason
    assert plan.dbt_args() == ["--full-refresh"]
    assert plan.dbt_env() == {"CX_NEW_LOADS_FROM": "", "CX_PREVIOUS_AS_OF": ""}  # no scope
    assert plan.message() == f"full build: {reason}"


def test_a_build_that_recorded_nothing_is_followed_by_a_full_build() -> None:
    con = duckdb.connect()
    plan = incremental.plan(con, _state(), FINGERPRINT, full_refresh=False)
    assert plan.reason == "the last build did not record its state (build_scope.cx_build_state)"


def test_the_fingerprint_follows_models_vars_and_present_sources(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    model = tmp_path / "models" / "m.sql"
    model.write_text("select 1")
    first = incremental.fingerprint(None, ["tickets"], tmp_path)
    assert incremental.fingerprint("{}", ["tickets"], tmp_path) == first  # no vars = empty vars
    assert incremental.fingerprint("{reporting_timezone: UTC}", ["tickets"], tmp_path) != first
    assert incremental.fingerprint(None, ["tickets", "calls"], tmp_path) != first
    model.write_text("select 2")
    assert incremental.fingerprint(None, ["tickets"], tmp_path) != first
