"""Spark's physical plan of every model scales: no nested-loop or Cartesian joins (issue 21).

A `BroadcastNestedLoopJoin` compares every row of one side with every row of the
broadcast other side, and a `CartesianProduct` every row with every row: cost grows
with the product of the two sides, and a broadcast side is copied to every executor.
At fixture size both are free; on a cluster they are what does not finish (the old
`key not in (subquery)` of ranked_copies was one). Spark picks them for joins with no
equality condition whatever the size, so the plans of the fixture build show them.

For every model of the Spark fixture build (its manifest's compiled SQL), `EXPLAIN`
on the built metastore; any such operator fails unless ALLOWED lists that join of
that model with the reason it is bounded. Runs after `scripts/engine_fixture_build.sh spark` (in
`make test`, CX_ENGINES_PREBUILT=1); otherwise it runs that build first.
CX_SPARK_PLAN_MANIFEST names another manifest (to check the plans of other code).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from engines import BUILD_DIR, REPO, spark_session, wanted

UNSCALABLE = ("BroadcastNestedLoopJoin", "CartesianProduct")

# model -> [(a regex every such plan line of the model must match, why that join is bounded)].
# Scalar values (int_as_of, one row) are read as scalar subqueries, not cross joined: no entry.
_MONTHS = "the month spine: one row per month of the data, tens of rows, broadcast"
ALLOWED: dict[str, list[tuple[str, str]]] = {
    "dim_dates": [
        (
            r"BroadcastNestedLoopJoin Build\w+, Cross",
            "dbt.generate_series(10000) cross joins 14 two-row tables and the spine its one-row bounds: "
            "10,000 rows whatever the data",
        ),
    ],
    "metricflow_time_spine": [
        (
            r"BroadcastNestedLoopJoin Build\w+, Cross",
            "dbt.date_spine's generate_series cross joins two-row tables: one row per day of a fixed "
            "range (models/semantic/metricflow_time_spine.sql), whatever the data",
        ),
    ],
    "int_reporting_months": [
        (
            r"BroadcastNestedLoopJoin Build\w+, Cross",
            "dbt.generate_series(400) cross joins two-row tables and the month numbers the one-row bounds: "
            "400 rows whatever the data",
        ),
    ],
    "input_customer_value_windows": [
        (
            r"BroadcastNestedLoopJoin Build\w+, Inner, \(created_date#\d+ <= month_last_day#\d+\)",
            "every known customer x every month since their creation is the result itself (the no_contact "
            "anchors); the other side is " + _MONTHS,
        ),
    ],
    "mart_product_contact_rate_monthly": [
        (
            r"BroadcastNestedLoopJoin Build\w+, Cross$",
            "the panel is months x products, two small dimensions (" + _MONTHS + "; a dozen products)",
        ),
        (
            r"BroadcastNestedLoopJoin Build\w+, Inner, \(\(month_last_day#\d+ >= ordered_date#\d+\) AND",
            "units sold per product and day (bounded by the calendar x products) x "
            + _MONTHS
            + ": the installed-base window",
        ),
    ],
    "mart_volume_monthly": [
        (
            r"BroadcastNestedLoopJoin Build\w+, Inner, \(last_reported_day#\d+ >= created_date#\d+\)",
            "customers created by each month's end: customers x " + _MONTHS + " (an inner join, so Spark "
            "broadcasts the months; a left join from the months would broadcast the customers)",
        ),
    ],
}


def _unallowed(name: str, plan: str) -> list[str]:
    allowed = [re.compile(pattern) for pattern, _ in ALLOWED.get(name, [])]
    return [
        line.strip()
        for line in plan.splitlines()
        if any(op in line for op in UNSCALABLE) and not any(p.search(line) for p in allowed)
    ]


@pytest.fixture(scope="module")
def models() -> list[tuple[str, str]]:
    if reason := wanted("spark"):
        pytest.skip(reason)
    manifest_path = Path(
        os.environ.get("CX_SPARK_PLAN_MANIFEST", BUILD_DIR / "spark" / "target" / "manifest.json")
    )
    if os.environ.get("CX_ENGINES_PREBUILT") != "1" and "CX_SPARK_PLAN_MANIFEST" not in os.environ:
        subprocess.run(
            [str(REPO / "scripts" / "engine_fixture_build.sh"), "spark"],
            check=True,
            env={**os.environ, "CX_ENGINE_BUILD_DIR": str(BUILD_DIR)},
        )
    manifest = json.loads(manifest_path.read_text())
    found = sorted(
        (node["name"], node.get("compiled_code") or "")
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("enabled", True)
        and node["config"].get("materialized") != "ephemeral"
    )
    assert found, f"no models in {manifest_path}"
    return found


def test_no_model_plans_a_nested_loop_or_cartesian_join(models: list[tuple[str, str]]) -> None:
    spark = spark_session()
    uncompiled = [name for name, sql in models if not sql.strip()]
    if "CX_SPARK_PLAN_MANIFEST" in os.environ:  # a partial compile: check what it compiled
        models = [(name, sql) for name, sql in models if sql.strip()]
    else:
        assert not uncompiled, (
            f"no compiled SQL in the manifest for {uncompiled} (did the Spark build run them?)"
        )
    found = []
    for name, sql in models:
        plan = spark.sql(f"explain {sql}").collect()[0][0]
        if lines := _unallowed(name, plan):
            found.append(f"{name}:\n    " + "\n    ".join(line[:300] for line in lines))
    assert not found, (
        "physical plans that do not scale (rewrite as an equality join or a scalar subquery, or "
        "add the join to ALLOWED with the reason it is bounded):\n" + "\n".join(found)
    )


def test_allowed_names_real_models_and_gives_reasons(models: list[tuple[str, str]]) -> None:
    names = {name for name, _ in models}
    assert set(ALLOWED) <= names, f"ALLOWED names models that do not exist: {sorted(set(ALLOWED) - names)}"
    assert all(reason.strip() for entries in ALLOWED.values() for _, reason in entries)


def test_the_check_sees_a_null_aware_not_in(models: list[tuple[str, str]]) -> None:
    """The pattern issue 21 found: `x is null or x not in (subquery)` is a nested loop on Spark."""
    spark = spark_session()
    table = next(name for name, _ in models if name == "base_commerce__products")
    plan = spark.sql(
        f"explain select * from staging.{table} as p where p.product_id__staged is null "
        f"or p.product_id__staged not in (select product_id__staged from staging.{table} "
        "group by product_id__staged having count(*) > 1)"
    ).collect()[0][0]
    assert re.search("|".join(UNSCALABLE), plan), plan
