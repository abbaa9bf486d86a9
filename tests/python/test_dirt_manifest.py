"""Every dirt class the generator injects is found where the contract says, in its numbers.

Generates a small dirty sample, loads it, builds staging and the audits with
dbt, then checks the manifest key by key: duplicates superseded, misspellings
normalised, unknown spellings mapped to `other` and reported, impossible rows
quarantined with the right reason (and nothing else quarantined), orphans and
late rows kept; and raw = staged + quarantined + superseded for every table.
"""

from __future__ import annotations

import os
import subprocess

import duckdb
import pytest

from cx_metrics.contract import TABLES
from cx_metrics.dbt import dbt_command
from cx_metrics.load import load

DIRTY_RATE = 0.02


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, duckdb.DuckDBPyConnection]:
    from cx_metrics.generate import generate

    root = tmp_path_factory.mktemp("dirt")
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DUCKDB_PATH", str(root / "wh.duckdb"))
    manifest = generate(root / "raw", customers=3_000, days=30, seed=7, dirty_rate=DIRTY_RATE)
    load(root / "raw")
    # dbt in its own process, as a user runs it: in-process dbt-duckdb keeps the
    # file open with settings a read-only connection here may not share.
    subprocess.run(
        dbt_command(
            [
                "build",
                "--select",
                "resource_type:seed",
                "staging",
                "audit",
                "--exclude",
                "test_type:unit",
                "--indirect-selection",
                "cautious",
            ],
            target="duckdb",
            target_path=root / "target",
            log_path=root / "logs",
        ),
        check=True,
        env={**os.environ, "CX_DUCKDB_PATH": str(root / "wh.duckdb")},
        stdout=subprocess.DEVNULL,
    )
    con = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    yield manifest, con
    con.close()
    mp.undo()


def _keys(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    return {row[0] for row in con.execute(sql).fetchall()}


def _model(table: str, prefix: str) -> str:
    schema = "quarantine" if prefix == "quarantine" else "staging"
    return f"{schema}.{prefix}_{TABLES[table].source}__{table}"


def test_every_class_is_injected(built) -> None:
    manifest, _ = built
    classes = {name for t in manifest["tables"].values() for name in t["dirt"]}
    assert classes >= {
        "duplicates",
        "misspelt_enums",
        "unknown_enums",
        "negative_durations",
        "ended_before_queued",
        "out_of_scale_scores",
        "orphan_customers",
        "events_before_ticket",
        "late_rows",
    }
    for table in manifest["tables"].values():
        for entry in table["dirt"].values():
            assert entry["count"] == len(entry["keys"]) > 0


def test_raw_rows_reconcile_for_every_table(built) -> None:
    manifest, con = built
    rows = con.execute(
        "select source_table, raw_rows, staged_rows, quarantined_rows, superseded_rows "
        "from audit.audit__row_reconciliation"
    ).fetchall()
    assert {r[0] for r in rows} == set(TABLES)
    for table, raw, staged, quarantined, superseded in rows:
        assert raw == staged + quarantined + superseded, table
        assert raw == manifest["tables"][table]["rows"], table


def test_quarantine_holds_exactly_the_injected_impossible_rows(built) -> None:
    manifest, con = built
    for table, spec in manifest["tables"].items():
        expected: dict[str, set[str]] = {}
        for entry in spec["dirt"].values():
            if entry["expected"].startswith("quarantine:"):
                reason = entry["expected"].split(":", 1)[1]
                expected.setdefault(reason, set()).update(entry["keys"])
        found: dict[str, set[str]] = {}
        for key, reason in con.execute(
            f"select record_key, reason_code from {_model(table, 'quarantine')}"
        ).fetchall():
            found.setdefault(reason, set()).add(key)
        assert found == expected, table


def test_duplicates_are_superseded_and_the_original_kept(built) -> None:
    manifest, con = built
    for table, spec in manifest["tables"].items():
        entry = spec["dirt"].get("duplicates")
        if not entry:
            continue
        key = TABLES[table].primary_key
        # the key as raw spells it: stored staged, and untrimmed where raw spells it otherwise
        raw_key = f"coalesce({key}__untrimmed, {key}__staged)"
        superseded = _keys(con, f"select {raw_key} from {_model(table, 'base')} where _is_superseded")
        assert superseded == set(entry["keys"]), table
        staged = _keys(con, f"select {key} from {_model(table, 'stg')}")
        assert set(entry["keys"]) <= staged, table


def test_misspelt_enums_are_normalised_not_other(built) -> None:
    manifest, con = built
    for table, spec in manifest["tables"].items():
        entry = spec["dirt"].get("misspelt_enums")
        if not entry:
            continue
        assert entry["expected"] == "normalised"
        key = TABLES[table].primary_key
        staged = _keys(con, f"select {key} from {_model(table, 'stg')}")
        assert set(entry["keys"]) <= staged, table
    # none of them is reported as unknown
    reported = con.execute(
        "select coalesce(sum(row_count), 0) from audit.audit__unmapped_enum_values"
    ).fetchone()[0]
    unknown = sum(
        len(t["dirt"].get("unknown_enums", {}).get("keys", [])) for t in manifest["tables"].values()
    )
    assert reported == unknown


def test_unknown_enums_become_other(built) -> None:
    manifest, con = built
    entry = manifest["tables"]["tickets"]["dirt"]["unknown_enums"]
    others = _keys(
        con,
        "select ticket_id from staging.stg_helpdesk__tickets where channel = 'other' or category = 'other'",
    )
    assert set(entry["keys"]) <= others


def test_orphans_and_late_rows_are_kept_and_counted(built) -> None:
    manifest, con = built
    for table, spec in manifest["tables"].items():
        orphans = spec["dirt"].get("orphan_customers")
        if orphans:
            found = _keys(
                con, f"select record_key from audit.audit__orphan_customers where source_table = '{table}'"
            )
            assert found == set(orphans["keys"]), table
        late = spec["dirt"].get("late_rows")
        if late:
            key = TABLES[table].primary_key
            assert set(late["keys"]) <= _keys(con, f"select {key} from {_model(table, 'stg')}"), table
