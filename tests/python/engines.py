"""Helpers shared by the engine tests: which engines to run, and their results as rows."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("CX_ENGINE_BUILD_DIR", REPO / "build" / "engines")).resolve()
SPARK_DIR = BUILD_DIR / "spark" / "spark"  # where engine_fixture_build.sh puts Spark's metastore


def wanted(engine: str) -> str | None:
    """None when `engine` should run, else the reason to skip it."""
    engines = [e.strip() for e in os.environ.get("CX_ENGINES", "duckdb").split(",") if e.strip()]
    if engine not in engines:
        return f"{engine} not in CX_ENGINES={','.join(engines)} (e.g. CX_ENGINES=duckdb,postgres,spark)"
    if engine == "postgres":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return "postgres: the [postgres] extra is not installed"
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            return "spark: the [spark] extra is not installed"
        if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
            return "spark: no Java runtime (java not on PATH, JAVA_HOME unset)"
    return None


def spark_session():
    """The in-process SparkSession on the fixture build's metastore (UTC everywhere)."""
    os.environ["TZ"] = "UTC"  # pyspark turns timestamps into naive datetimes in local time
    time.tzset()
    os.environ["CX_SPARK_DIR"] = str(SPARK_DIR)
    from cx_metrics.load import spark_session as session

    spark = session()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def postgres_connection(dbname: str | None = None):
    import psycopg2

    env = os.environ.get
    return psycopg2.connect(
        host=env("CX_PG_HOST", "127.0.0.1"),
        port=int(env("CX_PG_PORT", "5432")),
        user=env("CX_PG_USER", "postgres"),
        password=env("CX_PG_PASSWORD", ""),
        dbname=dbname or env("CX_PG_DATABASE", "cx_metrics"),
        connect_timeout=5,
    )


def fresh_postgres_database(name: str):
    """Drop and create database `name` on the CX_PG_* server; the admin connection (autocommit).

    Skips the calling test when Postgres is not among CX_ENGINES or the server does not answer.
    """
    import psycopg2

    if reason := wanted("postgres"):
        pytest.skip(reason)
    try:
        admin = postgres_connection()
    except psycopg2.Error as exc:
        pytest.skip(f"postgres: no server at CX_PG_* ({str(exc).strip()}); scripts/postgres.sh start")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {name} with (force)")
        cur.execute(f"create database {name}")
    return admin
