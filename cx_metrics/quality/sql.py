"""The suites validated inside the engine: GX's SQL route, shared by Postgres and DuckDB.

Each relation batch becomes a GX query asset (the suite's select, its derived columns
and its row filter) on a SQLAlchemy datasource: GX sends aggregate queries and fetches
only the few unexpected values it samples, so no table is read into Python. Frame
batches (the raw schema: one row per contract column, from the catalog) stay small
pandas frames. Results and the report are the pandas route's (runner._to_result).

- Postgres (cx_metrics.quality.postgres.PostgresQualityRun): the shadow schemas,
  through a read-only psycopg2 connection that rewrites schema names.
- DuckDB (DuckDBQualityRun below): the warehouse or build file, opened read-only by
  duckdb-engine with DuckDB's `memory_limit` (it spills beyond it), for every layer;
  raw checks filter the rows of the unbuilt loads (cx_metrics.ledger.raw_scope) in
  the query. A first build checks all of raw: on the pandas route that read 126
  million raw rows into memory at ten million contacts. GX needs one registration for DuckDB
  (cx_metrics.quality._gx_patches.register_duckdb_dialect) and both SQLAlchemy
  engines it holds are disposed after each layer, so dbt can take the file's lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import time
from pathlib import Path
from typing import Any

from cx_metrics.quality import runner
from cx_metrics.quality._gx_patches import configuration_built_once, register_duckdb_dialect
from cx_metrics.quality.runner import (
    BLOCKING,
    SAMPLE_SIZE,
    Batch,
    Check,
    CheckResult,
    LayerResult,
    QualityRun,
    _select_sql,
    _to_result,
    columns_by_relation,
    where_sql,
)

_PANDAS_CONDITION = re.compile(r'^\s*(\w+)\s*==\s*"([^"]*)"\s*$')
# Derived columns the suites compute with a correlated subquery, which DuckDB turns into a join
# but Postgres runs once per row (a scan of the other table per row, per GX query: hours at
# 180k ticket events). Here they come from a join: (relation, column) -> (join, expression,
# key). A derived column not listed keeps the suite's own expression (same result, slower).
# `{named}` in the join: for a filtered batch, the other table's rows are only those whose
# `key` the batch's rows name (the rows of the unbuilt loads, or those a build staged again);
# the other table is read whole when the batch is. At ten million contacts the events'
# join grouped all 8.3M raw tickets for a day's 117k new events: 3.2 s of the raw checks.
DECORRELATED: dict[tuple[str, str], tuple[str, str, str]] = {
    ("raw.ticket_events", "ticket_created_at"): (
        "left join (select ticket_id as first_ticket_id, min(created_at) as first_created_at "
        "from raw.tickets{named} group by ticket_id) as first_ticket "
        "on first_ticket.first_ticket_id = ticket_events.ticket_id",
        "first_ticket.first_created_at",
        "ticket_id",
    ),
    ("staging.stg_telephony__calls", "unresolved_ticket_id"): (
        "left join (select distinct ticket_id as known_ticket_id from staging.stg_helpdesk__tickets{named}) "
        "as known on known.known_ticket_id = stg_telephony__calls.ticket_id",
        "case when stg_telephony__calls.ticket_id is not null and known.known_ticket_id is null "
        "then stg_telephony__calls.ticket_id end",
        "ticket_id",
    ),
}
# Where the DuckDB route writes the rows of filtered batches for the length of a layer's checks.
SCOPED_ROWS_SCHEMA = "cx_check_rows"
# DuckDB's memory limit for GX's connection (CX_GX_DUCKDB_MEMORY_LIMIT): the checks spill beyond it.
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"


def sql_check(check: Check) -> Check:
    """The check as GX's SQL engine takes it: a pandas row_condition in GX's own syntax."""
    kwargs = dict(check.kwargs)
    if kwargs.get("condition_parser") == "pandas":
        match = _PANDAS_CONDITION.match(kwargs["row_condition"])
        if not match:
            raise ValueError(f"row_condition {kwargs['row_condition']!r} has no SQL form")
        kwargs["row_condition"] = f'col("{match.group(1)}")=="{match.group(2)}"'
        kwargs["condition_parser"] = "great_expectations"
    return dataclasses.replace(check, kwargs=kwargs)


def relation_sql(batch: Batch, existing: dict[str, str]) -> str:
    """The suite's select for a relation batch, with DECORRELATED columns computed by a join."""
    derived, joins = dict(batch.derived), []
    for name, (_, needs) in batch.derived.items():
        if (batch.relation, name) in DECORRELATED and all(n in existing for n in needs):
            join, expression, key = DECORRELATED[(batch.relation, name)]
            derived[name] = (expression, needs)
            named = (
                f" where {key} in (select {key} from {batch.relation}{where_sql(batch)})"
                if batch.where
                else ""
            )
            joins.append(join.format(named=named))
    sql = _select_sql(dataclasses.replace(batch, derived=derived), existing)
    return " ".join([sql, *joins]) + where_sql(batch)


class SqlQualityRun(QualityRun):
    """QualityRun whose relation batches are validated by GX in the database (see the module doc).

    Subclasses say how to connect (`_connection`: execute/fetchall/columns/close), how the
    suite's SQL reads there (`_rewrite`), which GX datasource runs it (`_sql_datasource`),
    what a frame batch becomes (`_frame_batch`) and how to let go of GX's connections.
    """

    def _connection(self, database: Any):
        raise NotImplementedError

    def _rewrite(self, database: Any, sql: str) -> str:
        return sql

    def _sql_datasource(self, database: Any):
        raise NotImplementedError

    def _frame_batch(self, layer: str, con: Any, batch: Batch) -> Batch:
        return batch

    def _dispose(self) -> None:
        """Close the connections GX pooled: no session outlives a layer's checks."""

    def _write_scoped_rows(self, database: Any, batches: list[Batch]) -> dict[str, str]:
        """Where the engine allows: the rows of each filtered batch written once, before the
        checks; batch name -> the select GX reads instead. Default: none (each check filters)."""
        return {}

    def _drop_scoped_rows(self, database: Any, scoped: dict[str, str]) -> None:
        """Remove what _write_scoped_rows wrote."""

    def validate_in_database(self, layer: str, database: Any, batches: list[Batch]) -> LayerResult:
        """Validate every batch of a layer in the database; a missing relation is a blocking failure."""
        start = time.perf_counter()
        results: list[CheckResult] = []
        self._runs[layer] = self._runs.get(layer, 0) + 1
        prefix = layer if self._runs[layer] == 1 else f"{layer}_{self._runs[layer]}"
        scoped = self._write_scoped_rows(database, batches)
        con = self._connection(database)
        try:
            columns = columns_by_relation(con, batches)
            for batch in batches:
                if batch.skip_note:
                    results += runner.skipped_results(layer, batch)
                    continue
                if batch.frame is not None:
                    batch = self._frame_batch(layer, con, batch)
                    results += self._validate_frame(layer, prefix, batch, (batch.frame, ""))
                    continue
                if batch.name in scoped:
                    sql, present = scoped[batch.name], set(con.columns(scoped[batch.name]))
                elif batch.sql is not None:
                    sql, present = batch.sql, set(con.columns(batch.sql))
                else:
                    existing = columns.get(batch.relation, {})
                    if not existing:
                        results.append(
                            CheckResult(
                                layer,
                                batch.relation,
                                None,
                                "expect_relation_to_exist",
                                BLOCKING,
                                "fail",
                                False,
                                note=f"relation {batch.relation} does not exist",
                            )
                        )
                        continue
                    sql = relation_sql(batch, existing)
                    present = set(con.columns(sql))
                results += self._validate_query(
                    layer, prefix, batch, self._rewrite(database, sql), present, database
                )
        finally:
            con.close()
            self._dispose()
            self._drop_scoped_rows(database, scoped)
        layer_result = LayerResult(layer, results, time.perf_counter() - start)
        self.layers.append(layer_result)
        return layer_result

    def _validate_query(
        self, layer: str, prefix: str, batch: Batch, sql: str, present: set[str], database: Any
    ) -> list[CheckResult]:
        runnable, skipped = runner.runnable_checks(layer, batch, present)
        if not runnable:
            return skipped
        self.ready()
        self._join_docs(raise_error=False)
        expectation = runner._expectation
        suite_name = f"{prefix}.{batch.name}"
        with runner._GX_LOCK:
            suite = self.context.suites.add(
                self.gx.ExpectationSuite(
                    name=suite_name,
                    expectations=[expectation(sql_check(c), i) for i, c in enumerate(runnable)],
                )
            )
            asset = self._sql_datasource(database).add_query_asset(suite_name, query=sql)
            definition = asset.add_batch_definition_whole_table("all")
            validation = self.context.validation_definitions.add(
                self.gx.ValidationDefinition(name=suite_name, data=definition, suite=suite)
            )
            with configuration_built_once():
                outcome = validation.run(
                    result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
                )
        by_index = {r.expectation_config.meta["check_index"]: r for r in outcome.results}
        return [_as_pandas(_to_result(layer, c, by_index[i])) for i, c in enumerate(runnable)] + skipped


def _as_pandas(result: CheckResult) -> CheckResult:
    """A column check over no (non-null) values: GX's SQL route reports no unexpected count
    where its pandas route reports 0; the report says 0 on both (the outcome is the same)."""
    if result.element_count == 0 and result.unexpected_count is None and result.observed is None:
        return dataclasses.replace(result, unexpected_count=0, unexpected_share=0.0)
    return result


class DuckDBConnection:
    """A read-only DuckDB connection with the slice of calls the SQL route uses."""

    def __init__(self, database: Path) -> None:
        import duckdb

        # the configuration GX's connections get: DuckDB shares one instance per file in a
        # process and refuses a second connection with another configuration
        self.con = duckdb.connect(str(database), read_only=True, config=duckdb_config(with_agent=True))

    def execute(self, sql: str, params: list[Any] | None = None) -> DuckDBConnection:
        self.result = self.con.execute(sql, params or [])
        return self

    def fetchall(self) -> list[tuple]:
        return self.result.fetchall()

    def fetchone(self) -> tuple | None:
        return self.result.fetchone()

    def columns(self, sql: str) -> list[str]:
        """The column names a query returns (planned, not run: limit 0)."""
        return [d[0] for d in self.con.execute(f"select * from ({sql}) as q limit 0").description]

    def close(self) -> None:
        self.con.close()


def duckdb_config(with_agent: bool = False) -> dict[str, str]:
    """DuckDB's configuration for the checks' connections: the memory limit
    (CX_GX_DUCKDB_MEMORY_LIMIT, default 2GB) and, for connections opened outside
    SQLAlchemy, the user agent duckdb-engine adds to its own."""
    config = {"memory_limit": os.environ.get("CX_GX_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT)}
    if with_agent:
        import duckdb_engine
        import sqlalchemy

        if getattr(duckdb_engine, "supports_user_agent", False):
            config["custom_user_agent"] = (
                f"duckdb_engine/{duckdb_engine.__version__}(sqlalchemy/{sqlalchemy.__version__})"
            )
    return config


class DuckDBQualityRun(SqlQualityRun):
    """Raw on the pandas route (the unbuilt loads' rows only); staging and marts in DuckDB."""

    IN_DATABASE = ("raw", "staging", "marts")

    def __init__(self, report_dir=None, background: bool = False) -> None:
        self._datasources: dict[str, Any] = {}
        super().__init__(report_dir, background)

    def _start(self) -> None:
        super()._start()
        register_duckdb_dialect()

    def validate(self, layer: str, database: Path, batches: list[Batch]) -> LayerResult:
        if layer not in self.IN_DATABASE:
            return super().validate(layer, database, batches)
        return self.validate_in_database(layer, database, batches)

    def _connection(self, database: Path) -> DuckDBConnection:
        return DuckDBConnection(database)

    def _write_scoped_rows(self, database: Path, batches: list[Batch]) -> dict[str, str]:
        """The rows of each filtered batch (raw: the unbuilt loads; staging, in an incremental
        build: the rows it staged again), written once into SCOPED_ROWS_SCHEMA of the file checked (a
        build file: unscoped checks of the published warehouse write nothing). GX sends several
        queries per check, and each used to filter the whole relation again: at ten million
        contacts the staging checks scanned the 85M-row event log and the calls' join of every
        ticket once per query (65.7 s). The checks read exactly the rows the filter selects."""
        filtered = [b for b in batches if b.where and not b.skip_note and b.frame is None and b.sql is None]
        if not filtered:
            return {}
        import duckdb

        scoped = {}
        con = duckdb.connect(str(database), config=duckdb_config(with_agent=True))
        try:
            columns = columns_by_relation(con, filtered)
            con.execute(f"drop schema if exists {SCOPED_ROWS_SCHEMA} cascade")
            con.execute(f"create schema {SCOPED_ROWS_SCHEMA}")
            for batch in filtered:
                existing = columns.get(batch.relation, {})
                if existing:  # a missing relation is reported by the checks
                    table = f'{SCOPED_ROWS_SCHEMA}."{batch.name}"'
                    con.execute(f"create table {table} as {relation_sql(batch, existing)}")
                    scoped[batch.name] = f"select * from {table}"
        finally:
            con.close()
        return scoped

    def _drop_scoped_rows(self, database: Path, scoped: dict[str, str]) -> None:
        """Drop SCOPED_ROWS_SCHEMA: the published warehouse never carries it."""
        if not scoped:
            return
        import duckdb

        con = duckdb.connect(str(database), config=duckdb_config(with_agent=True))
        try:
            con.execute(f"drop schema if exists {SCOPED_ROWS_SCHEMA} cascade")
        finally:
            con.close()

    def _sql_datasource(self, database: Path):
        key = str(Path(database).resolve())
        if key not in self._datasources:
            self._datasources[key] = self.context.data_sources.add_sql(
                f"duckdb_{len(self._datasources)}",
                connection_string=f"duckdb:///{key}",
                # the same configuration as DuckDBConnection's (one DuckDB instance per file)
                kwargs={"connect_args": {"read_only": True, "config": duckdb_config()}},
            )
        return self._datasources[key]

    def _dispose(self) -> None:
        """Close GX's persisted connection and dispose both engines (the datasource's and the
        execution engine's): a read-only handle left open would keep dbt from the file."""
        for datasource in self._datasources.values():
            with contextlib.suppress(Exception):  # closing is best effort
                engine = datasource.get_execution_engine()
                connection = getattr(engine, "_connection", None)
                if connection is not None:
                    connection.close()
                    engine._connection = None
                engine.engine.dispose()
            with contextlib.suppress(Exception):
                datasource.get_engine().dispose()
