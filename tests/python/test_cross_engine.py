"""The same fixtures built on DuckDB, Postgres and Spark give the same relations.

Every model in schemas staging, quarantine, audit, intermediate, metric_inputs and marts (as
listed in each build's manifest) is read from every engine in CX_ENGINES and
compared row for row after normalising values (DECISIONLOG.md, "Engines"):
timestamps and dates as ISO text, numbers (integer, decimal, double) as floats
equal within 1e-9 (relative above 1), booleans as booleans, text exactly; rows
are sorted by all columns. `_load_seq` is left out: the loader numbers loads per
warehouse, so a Postgres server that an earlier fixture build left running numbers
the same fixtures from where its ledger stopped, while DuckDB and Spark start from
an empty warehouse (test_load_engines checks the numbering itself). The builds are run here with
scripts/engine_fixture_build.sh unless CX_ENGINES_PREBUILT=1 says that they
already ran into CX_ENGINE_BUILD_DIR.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
from decimal import Decimal

import pytest

from cx_metrics.contract import LOAD_SEQ
from engines import BUILD_DIR, REPO, postgres_connection, spark_session, wanted

ENGINES = ("duckdb", "postgres", "spark")
SCHEMAS = ("staging", "quarantine", "audit", "intermediate", "metric_inputs", "marts")
TOLERANCE = 1e-9


def _normalise(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sort_key(row):
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, f"{round(value, 6):+024.6f}"))
        else:
            key.append((2, str(value)))
    return key


def _equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return a == b


def _relations(engine: str) -> list[tuple[str, str]]:
    manifest = json.loads((BUILD_DIR / engine / "target" / "manifest.json").read_text())
    return sorted(
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["schema"] in SCHEMAS
        and node["config"].get("enabled", True)
    )


def _reader(engine: str):
    """A function (schema, name) -> (column names, normalised rows) for one engine."""
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect(str(BUILD_DIR / "duckdb" / "fixtures.duckdb"), read_only=True)

        def read(schema, name):
            cur = con.execute(f'select * from "{schema}"."{name}"')
            return [d[0].lower() for d in cur.description], cur.fetchall()
    elif engine == "postgres":
        con = postgres_connection()
        con.autocommit = True

        def read(schema, name):
            with con.cursor() as cur:
                cur.execute(f'select * from "{schema}"."{name}"')
                return [d[0].lower() for d in cur.description], cur.fetchall()
    else:
        spark = spark_session()

        def read(schema, name):
            frame = spark.table(f"{schema}.{name}")
            return [c.lower() for c in frame.columns], [tuple(r) for r in frame.collect()]

    def normalised(schema, name):
        columns, rows = read(schema, name)
        kept = [i for i, column in enumerate(columns) if column != LOAD_SEQ]
        return [columns[i] for i in kept], sorted(
            (tuple(_normalise(row[i]) for i in kept) for row in rows), key=_sort_key
        )

    return normalised


@pytest.fixture(scope="module")
def built() -> list[str]:
    engines = [e for e in ENGINES if wanted(e) is None]
    if len(engines) < 2:
        pytest.skip(
            "cross-engine comparison needs two engines: " + "; ".join(r for e in ENGINES if (r := wanted(e)))
        )
    if os.environ.get("CX_ENGINES_PREBUILT") != "1":
        for engine in engines:
            subprocess.run(
                [str(REPO / "scripts" / "engine_fixture_build.sh"), engine],
                check=True,
                env={**os.environ, "CX_ENGINE_BUILD_DIR": str(BUILD_DIR)},
            )
    return engines


def test_every_model_is_the_same_on_every_engine(built: list[str]) -> None:
    base, others = built[0], built[1:]
    relations = _relations(base)
    assert relations, f"no models in schemas {SCHEMAS} in the {base} manifest"
    readers = {engine: _reader(engine) for engine in built}
    differences = []
    for schema, name in relations:
        columns, expected = readers[base](schema, name)
        for engine in others:
            got_columns, got = readers[engine](schema, name)
            where = f"{schema}.{name} on {engine} vs {base}"
            if got_columns != columns:
                differences.append(f"{where}: columns {got_columns} != {columns}")
            elif len(got) != len(expected):
                differences.append(f"{where}: {len(got)} rows != {len(expected)}")
            else:
                for got_row, row in zip(got, expected, strict=True):
                    if len(got_row) != len(row) or not all(map(_equal, got_row, row)):
                        differences.append(f"{where}: row {got_row} != {row}")
                        break
    assert not differences, "\n".join(differences)


def test_unit_test_names_fit_postgres_relation_names() -> None:
    """dbt names a unit test's relation after the test; Postgres cuts names at 63 bytes."""
    import yaml

    too_long = [
        f"{path.relative_to(REPO)}: {test['name']} ({len(test['name'])})"
        for path in sorted((REPO / "models").rglob("*.yml"))
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests") or []
        if len(test["name"]) > 63
    ]
    assert not too_long, "unit test names longer than 63 characters:\n" + "\n".join(too_long)
