"""Helpers shared by the any-subset tests (test_source_subsets.py) and the Zendesk
connector-format tests (test_zendesk_load.py): querying a warehouse, the marts it
holds, and the guarded build of a helpdesk-only load with what it must publish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cx_metrics.pipeline import BuildOptions, BuildResult, build
from cx_metrics.quality.marts import ROWS_FROM
from quality_helpers import query

HELPDESK = ("tickets", "ticket_events", "customers", "agents")


def marts(database: Path) -> dict[str, int]:
    """Every relation of schema marts and its row count."""
    names = [
        r[0]
        for r in query(
            database,
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1",
        )
    ]
    return {n: query(database, f"select count(*) from marts.{n}")[0][0] for n in names}


def expect_marts(database: Path, present: tuple[str, ...], full: Path | None = None) -> None:
    """A mart with a present source has rows, else none; with `full`, every mart of the full
    build exists too."""
    found = marts(database)
    if full is not None:
        assert set(found) == set(marts(full))
    for relation, needed in ROWS_FROM.items():
        name = relation.split(".")[1]
        assert (found[name] > 0) == any(t in present for t in needed), (name, found[name])


def guarded_build(
    work: Path, published: Path, load: Callable[[], object], dirt_threshold: float = 0.6
) -> BuildResult:
    """`load()` into the warehouse `published`, then the guarded `cx-metrics build` to publish it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DUCKDB_PATH", str(published))
        load()
        return build(
            BuildOptions(
                dirt_threshold=dirt_threshold,
                dbt_target_path=work / "target",
                dbt_log_path=work / "logs",
                reports_dir=work / "reports",
                progress=lambda m: None,
            )
        )


def assert_helpdesk_publishes(published: Path, full: Path | None = None, fcr_evaluable: bool = True) -> None:
    """A helpdesk-only warehouse, published: fct_tickets, mart_ticket_daily, the FCR and volume
    marts have rows; the scorecard and IXS rows carry the helpdesk metrics (reopen rate; FCR,
    repeat rate and the IXS from them once a contact's repeat window has closed before as_of,
    `fcr_evaluable`), never the absent sources' ones (service level, NPS, abandon rate)."""
    expect_marts(published, HELPDESK, full)
    found = marts(published)
    for name in (
        "fct_tickets",
        "mart_ticket_daily",
        "mart_fcr_daily",
        "mart_volume_monthly",
        "mart_ixs_monthly",
    ):
        assert found[name] > 0, name
    card = query(
        published,
        "select count(reopen_rate), count(service_level), count(nps), "
        "count(fcr_rate), count(repeat_contact_rate), count(ixs) from marts.mart_scorecard_monthly",
    )[0]
    assert card[0] > 0 and card[1:3] == (0, 0), card
    components = dict(
        query(published, "select metric, count(value) from marts.mart_ixs_components_monthly group by metric")
    )
    assert components["nps"] == components["abandon_rate"] == components["aht_minutes"] == 0, components
    if fcr_evaluable:
        assert min(card[3:]) > 0, card
        assert components["fcr_rate"] > 0 and components["repeat_contact_rate"] > 0, components
        assert query(published, "select count(ixs) from marts.mart_ixs_monthly")[0][0] > 0
