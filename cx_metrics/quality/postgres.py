"""The quality suites on Postgres: GX's SQL datasource, so every check runs in the database.

The suites (raw.py, staging.py, marts.py) are written once, against the published
schema names (`staging.stg_...`, `marts.fct_...`). On Postgres the guarded build
checks the shadow schemas dbt built into (`marts__shadow`, ...: cx_metrics.publish),
so a `PostgresWarehouse` stands where the DuckDB file stands on DuckDB: the suites'
`connect_read_only(database)` gets a read-only psycopg2 connection whose SQL is
rewritten to the shadow schemas, and `PostgresQualityRun` validates each batch as
a GX query asset on a `postgresql` datasource (SQLAlchemy + psycopg2): GX sends
aggregate queries and fetches only the few unexpected values it samples. Reports
name the published relations, as on DuckDB.

Only the raw schema batch (one row per contract column: its actual type) is a
small pandas frame, built from the catalog; no table data is read into Python.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cx_metrics.quality import runner
from cx_metrics.quality.raw import schema_checks
from cx_metrics.quality.runner import Batch, Check, LayerResult
from cx_metrics.quality.sql import DECORRELATED, SqlQualityRun, relation_sql, sql_check  # noqa: F401 (re-exported)

# Schemas dbt builds (generate_schema_name); raw is written by the loader and never shadowed.
DBT_SCHEMAS = ("seeds", "staging", "quarantine", "audit", "intermediate", "metric_inputs", "marts", "main")
# Contract type -> the name Postgres' format_type() gives it (cx_metrics.load.POSTGRES_TYPES).
PG_FORMAT = {
    "text": "text",
    "timestamp": "timestamp without time zone",
    "date": "date",
    "integer": "bigint",
    "boolean": "boolean",
    "decimal(12,2)": "numeric(12,2)",
    "decimal(10,2)": "numeric(10,2)",
}


@dataclass(frozen=True)
class PostgresWarehouse:
    """The Postgres warehouse named by the CX_PG_* variables, seen through `suffix`.

    With a suffix, the dbt schemas of every query (`marts.x`) are read as their
    shadow (`marts__shadow.x`); the suites' own names stay the published ones.
    """

    host: str
    port: int
    user: str
    password: str
    dbname: str
    suffix: str = ""
    schemas: tuple[str, ...] = field(default=DBT_SCHEMAS)

    @classmethod
    def from_env(cls, suffix: str = "") -> PostgresWarehouse:
        env = os.environ.get
        return cls(
            env("CX_PG_HOST", "127.0.0.1"),
            int(env("CX_PG_PORT", "5432")),
            env("CX_PG_USER", "postgres"),
            env("CX_PG_PASSWORD", ""),
            env("CX_PG_DATABASE", "cx_metrics"),
            suffix,
        )

    def __str__(self) -> str:
        where = f"postgres://{self.host}:{self.port}/{self.dbname}"
        return where + (f" (schemas *{self.suffix})" if self.suffix else "")

    def connect(self):
        """A psycopg2 connection (autocommit off)."""
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.dbname,
            connect_timeout=10,
        )

    def url(self) -> str:
        """The SQLAlchemy URL for GX's postgresql datasource."""
        from urllib.parse import quote

        auth = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        return f"postgresql+psycopg2://{auth}@{self.host}:{self.port}/{self.dbname}"

    def schema(self, name: str) -> str:
        return name + self.suffix if self.suffix and name in self.schemas else name

    def rewrite(self, sql: str) -> str:
        """`marts.x` -> `marts__shadow.x` (not inside quoted labels), and catalog filters by schema name."""
        if not self.suffix:
            return sql
        names = "|".join(self.schemas)
        sql = re.sub(
            rf"(?<![\w'\".])({names})\.(?=[A-Za-z_\"])", lambda m: self.schema(m.group(1)) + ".", sql
        )
        return re.sub(
            rf"(table_schema\s*=\s*')({names})'", lambda m: m.group(1) + self.schema(m.group(2)) + "'", sql
        )


class ReadOnlyConnection:
    """The slice of a DuckDB connection the suites use (`execute(sql, params).fetchall()`), on Postgres."""

    def __init__(self, warehouse: PostgresWarehouse) -> None:
        self.warehouse = warehouse
        self.con = warehouse.connect()
        self.con.set_session(readonly=True, autocommit=True)
        self.cur = self.con.cursor()

    def execute(self, sql: str, params: list[Any] | None = None) -> ReadOnlyConnection:
        params = [self.warehouse.schema(p) if isinstance(p, str) else p for p in params or []]
        self.cur.execute(self.warehouse.rewrite(sql).replace("?", "%s"), params or None)
        return self

    def fetchall(self) -> list[tuple]:
        return self.cur.fetchall()

    def fetchone(self) -> tuple | None:
        return self.cur.fetchone()

    def columns(self, sql: str) -> list[str]:
        """The column names a query returns (it is planned, not run: limit 0)."""
        self.cur.execute(f"select * from ({self.warehouse.rewrite(sql)}) as q limit 0")
        return [d.name for d in self.cur.description]

    def close(self) -> None:
        self.con.close()


def schema_frame(con: ReadOnlyConnection) -> tuple[pd.DataFrame, list[Check]]:
    """The raw schema batch on Postgres: "<column>: <actual type>" against the contract's Postgres types."""
    rows = con.execute(
        "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute as a "
        "join pg_class as c on c.oid = a.attrelid join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = 'raw' and a.attnum > 0 and not a.attisdropped"
    ).fetchall()
    actual: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        actual.setdefault(table, {})[column] = kind
    frame_rows, checks = schema_checks(actual, PG_FORMAT)
    return pd.DataFrame(frame_rows), checks


class PostgresQualityRun(SqlQualityRun):
    """The suites validated in Postgres (GX `postgresql` datasource) on the shadow schemas."""

    def __init__(self, warehouse: PostgresWarehouse, report_dir=None, background: bool = False) -> None:
        self.warehouse = warehouse
        super().__init__(report_dir, background)

    def _start(self) -> None:
        super()._start()
        with runner._GX_LOCK:
            self.sql_datasource = self.context.data_sources.add_postgres(
                "warehouse_postgres", connection_string=self.warehouse.url()
            )

    def validate(self, layer: str, database: Any, batches: list[Batch]) -> LayerResult:
        """Validate every batch of a layer in the database; a missing relation is a blocking failure."""
        warehouse = database if isinstance(database, PostgresWarehouse) else self.warehouse
        return self.validate_in_database(layer, warehouse, batches)

    def _connection(self, database: PostgresWarehouse) -> ReadOnlyConnection:
        return ReadOnlyConnection(database)

    def _rewrite(self, database: PostgresWarehouse, sql: str) -> str:
        return database.rewrite(sql)

    def _sql_datasource(self, database: PostgresWarehouse):
        return self.sql_datasource

    def _frame_batch(self, layer: str, con: ReadOnlyConnection, batch: Batch) -> Batch:
        if layer == "raw" and batch.name == "schema":
            frame, checks = schema_frame(con)
            return dataclasses.replace(batch, checks=checks, frame=frame)
        return batch

    def _dispose(self) -> None:
        """Close the connections GX pooled: no idle session outlives a layer's checks."""
        datasource = getattr(self, "sql_datasource", None)
        if datasource is None:
            return
        with contextlib.suppress(Exception):  # closing is best effort
            datasource.get_execution_engine().engine.dispose()
