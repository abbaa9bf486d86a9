"""Run expectation suites (GX Core, pandas route) against relations of the DuckDB warehouse.

Why pandas: GX 1.24 has no DuckDB SQL dialect, so each relation is read
read-only into a DataFrame holding only the columns its checks need (DuckDB has
one writer; a read-only reader never blocks a build of another file). Suites are
plain data (`Batch` of `Check`s) so they can be reviewed and unit-tested without
importing GX, whose import costs seconds.

Cost (docs/quality.md, "Cost"): GX is imported in a background thread
(`QualityRun(background=True)`) while the pipeline copies the warehouse and reads
the first frames; the Data Docs pages of raw and staging are written while dbt
builds the marts; and the three patches of GX internals live in `_gx_patches.py`,
with their measured reasons. None of this changes a check or a result.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from cx_metrics.quality._gx_patches import configuration_built_once, import_gx, skip_project_config_saves

BLOCKING, WARNING, DIRT = "blocking", "warning", "dirt"
SAMPLE_SIZE = 5
SCHEMA_LABEL = "column_and_type"  # schema frames: "<column>: <TYPE>" per contract column


@dataclass(frozen=True)
class Check:
    """One expectation on one relation.

    severity: `blocking` (a failure stops the pipeline), `warning` (reported only)
    or `dirt` (contract dirt staging quarantines: a warning with its observed share,
    blocking above the dirt threshold — GX's `mostly` is set to 1 - threshold).
    `column` is the column reported to people; `kwargs` go to GX as they are.
    """

    table: str
    column: str | None
    expectation: str  # GX class name, e.g. "ExpectColumnValuesToBeBetween"
    kwargs: dict[str, Any]
    severity: str = BLOCKING
    description: str = ""

    def gx_columns(self) -> list[str]:
        """The DataFrame columns the expectation reads (to skip it when one is absent)."""
        keys = ("column", "column_A", "column_B")
        return [self.kwargs[k] for k in keys if k in self.kwargs]


@dataclass
class Batch:
    """One DataFrame to validate: a relation (or SQL) and the checks on it.

    `columns` are read when present; `derived` adds computed columns
    (name -> (SQL expression, columns it needs)) so ordering or join checks stay
    one GX expectation each. `sql` replaces the generated select entirely.
    """

    name: str
    relation: str | None
    checks: list[Check]
    columns: tuple[str, ...] = ()
    derived: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    sql: str | None = None
    frame: Any = None  # a ready DataFrame (e.g. the schema of a relation)
    skip_note: str = ""  # set: nothing is read, every check is reported as skipped with this note
    where: str = ""  # a filter on the relation's rows (e.g. the raw rows of the unbuilt loads)


@dataclass
class CheckResult:
    """The outcome of one check, as written to quality_report.json."""

    layer: str
    table: str
    column: str | None
    expectation: str
    severity: str
    status: str  # pass | warn | fail | skip
    success: bool | None
    observed: Any = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_share: float | None = None
    sample: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    note: str = ""

    @property
    def blocks(self) -> bool:
        return self.status == "fail"

    def message(self) -> str:
        """One line naming layer, table, column, expectation, share and sample."""
        where = f"{self.table}" + (f".{self.column}" if self.column else "")
        parts = [f"layer {self.layer}: {where}: {self.expectation} failed"]
        if self.unexpected_count is not None and self.element_count:
            parts.append(
                f"{self.unexpected_count} of {self.element_count} rows "
                f"({100 * (self.unexpected_share or 0):.1f}%)"
            )
        if self.observed is not None and self.unexpected_count is None:
            parts.append(f"observed {self.observed!r}")
        if self.sample:
            parts.append(f"sample {self.sample!r}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass
class LayerResult:
    """Every check of one layer and how long the layer took."""

    layer: str
    results: list[CheckResult]
    seconds: float

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.blocks]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == "warn"]

    @property
    def passed(self) -> bool:
        return not self.failures


def connect_read_only(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection: checks never take the single writer's lock.

    A PostgresWarehouse (cx_metrics.quality.postgres) gets its read-only Postgres
    connection, which answers the same `execute(sql, params).fetchall()` calls.
    """
    if hasattr(database, "connect") and hasattr(database, "rewrite"):  # a PostgresWarehouse
        from cx_metrics.quality.postgres import ReadOnlyConnection

        return ReadOnlyConnection(database)
    return duckdb.connect(str(database), read_only=True)


def relations_in_schema(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, dict[str, str]]:
    """Every relation of a schema with its columns, for suites that grow by convention."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [schema],
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        out.setdefault(f"{schema}.{table}", {})[column] = kind
    return out


def _select_sql(batch: Batch, existing: dict[str, str]) -> str:
    """Only the needed columns that exist, plus derived columns whose inputs exist."""
    alias = batch.relation.split(".", 1)[1]
    parts = [f'"{c}"' for c in batch.columns if c in existing]
    parts += [
        f'{expr} as "{name}"'
        for name, (expr, needs) in batch.derived.items()
        if all(n in existing for n in needs)
    ]
    return f"select {', '.join(parts) or '1 as _no_columns'} from {batch.relation} as {alias}"


def where_sql(batch: Batch) -> str:
    """The batch's row filter as a clause to append after the from (and joins), or ''."""
    return f" where {batch.where}" if batch.where else ""


def columns_by_relation(con: duckdb.DuckDBPyConnection, batches: list[Batch]) -> dict[str, dict[str, str]]:
    """Columns of every relation the batches read, in one information_schema query per layer."""
    schemas = sorted(
        {b.relation.split(".", 1)[0] for b in batches if b.relation and b.frame is None and b.sql is None}
    )
    out: dict[str, dict[str, str]] = {}
    for schema in schemas:
        out.update(relations_in_schema(con, schema))
    return out


def read_frame(con: duckdb.DuckDBPyConnection, batch: Batch, columns: dict[str, dict[str, str]]):
    """The batch's DataFrame, or None with a reason when the relation is missing.

    `columns` comes from `columns_by_relation`: one information_schema query per layer.
    """
    if batch.frame is not None:
        return batch.frame, ""
    if batch.sql is not None:
        return con.execute(batch.sql).df(), ""
    existing = columns.get(batch.relation, {})
    if not existing:
        return None, f"relation {batch.relation} does not exist"
    return con.execute(_select_sql(batch, existing) + where_sql(batch)).df(), ""


def skipped_results(layer: str, batch: Batch) -> list[CheckResult]:
    """A skipped batch's checks as results with status "skip" and the batch's reason."""
    return [
        CheckResult(
            layer,
            c.table,
            c.column,
            c.expectation,
            c.severity,
            "skip",
            None,
            kwargs=c.kwargs,
            description=c.description,
            note=batch.skip_note,
        )
        for c in batch.checks
    ]


def runnable_checks(layer: str, batch: Batch, present: set[str]) -> tuple[list[Check], list[CheckResult]]:
    """The batch's checks whose columns are present, and a skip result for each of the others."""
    runnable = [
        c
        for c in batch.checks
        if all(col in present for col in c.gx_columns()) or c.expectation == "ExpectColumnToExist"
    ]
    skipped = [
        CheckResult(
            layer, c.table, c.column, c.expectation, c.severity, "skip", None, note="column not present"
        )
        for c in batch.checks
        if c not in runnable
    ]
    return runnable, skipped


def _plain(value: Any) -> Any:
    """JSON-safe values (timestamps as ISO text, NaN as null)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return _plain(value.item())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _status(severity: str, success: bool, unexpected: int | None) -> str:
    if success:
        return "warn" if severity == DIRT and unexpected else "pass"
    return "warn" if severity == WARNING else "fail"


def _to_result(layer: str, check: Check, gx_result: Any) -> CheckResult:
    """Fold a GX ExpectationValidationResult into our flat record."""
    res = gx_result.result or {}
    exc = gx_result.exception_info or {}
    unexpected = res.get("unexpected_count")
    counted = res.get("element_count")
    missing = res.get("missing_count") or 0
    considered = (counted - missing) if counted is not None else None
    share = (
        (unexpected / considered)
        if unexpected is not None and considered
        else (0.0 if unexpected is not None else None)
    )
    note = exc.get("exception_message") or "" if exc.get("raised_exception") else ""
    success = bool(gx_result.success)
    sample = _plain(res.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]
    column = check.column
    if column is None and check.kwargs.get("column") == SCHEMA_LABEL and sample:
        column = ", ".join(sorted({str(s).split(":")[0] for s in sample}))
    return CheckResult(
        layer=layer,
        table=check.table,
        column=column,
        expectation=gx_result.expectation_config.type,
        severity=check.severity,
        status=_status(check.severity, success, unexpected),
        success=success,
        observed=_plain(res.get("observed_value")),
        element_count=considered,
        unexpected_count=unexpected,
        unexpected_share=share,
        sample=sample,
        kwargs=_plain(check.kwargs),
        description=check.description,
        note=note,
    )


_GX_LOCK = threading.RLock()  # GX objects are used by one thread at a time


class QualityRun:
    """One GX ephemeral context for a whole pipeline run, with a Data Docs site.

    Every validation is stored in the context, so one `build_data_docs()` at the
    end renders them all into `<report_dir>/data_docs/index.html`. With
    `background=True` GX is imported and the context made in a thread, so the
    caller can go on (copy the warehouse, read the first frames); the first use of
    GX waits for it and re-raises whatever the thread raised.
    """

    def __init__(self, report_dir: Path | None = None, background: bool = False) -> None:
        self.report_dir = report_dir
        self.layers: list[LayerResult] = []
        self._runs: dict[str, int] = {}
        self.start_seconds: float | None = None  # wall time of GX import + context (in its thread)
        self.start_cpu_seconds: float | None = None
        self.waited_seconds = 0.0  # how long callers waited for the background start
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._rendered: set = set()  # store keys whose Data Docs pages are written
        self._docs_thread: threading.Thread | None = None
        self._docs_error: BaseException | None = None
        if background:
            self._thread = threading.Thread(
                target=self._start_catching, name="cx-metrics-gx-start", daemon=True
            )
            self._thread.start()
        else:
            self._start()

    def _start_catching(self) -> None:
        try:
            self._start()
        except BaseException as exc:  # re-raised in the caller's thread by ready()
            self._error = exc

    def _start(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        with _GX_LOCK:
            gx = import_gx()  # late: the import takes seconds
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self.gx = gx
            self.context = gx.get_context(mode="ephemeral")
            skip_project_config_saves(self.context)
            self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self.datasource = self.context.data_sources.add_pandas("warehouse")
            if self.report_dir is not None:
                self.context.add_data_docs_site(
                    site_name="cx_metrics",
                    site_config={
                        "class_name": "SiteBuilder",
                        "store_backend": {
                            "class_name": "TupleFilesystemStoreBackend",
                            "base_directory": str(self.report_dir / "data_docs"),
                        },
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    },
                )
        self.start_seconds, self.start_cpu_seconds = time.perf_counter() - wall, time.thread_time() - cpu

    @property
    def start_error(self) -> BaseException | None:
        """What the background start raised (after it finished), else None."""
        return self._error if self.started else None

    @property
    def started(self) -> bool:
        """GX is ready (or its start failed): ready() would not wait."""
        return self._thread is None or not self._thread.is_alive()

    def ready(self) -> None:
        """Wait for the background start; re-raise its exception here."""
        if self._thread is not None:
            wait = time.perf_counter()
            self._thread.join()
            self.waited_seconds += time.perf_counter() - wait
            self._thread = None
        if self._error is not None:
            raise self._error

    def validate(self, layer: str, database: Path, batches: list[Batch]) -> LayerResult:
        """Validate every batch of a layer; a missing relation is a blocking failure.

        Frames are read one at a time and dropped once validated; only while GX is
        still starting are the next frames read ahead.
        """
        start = time.perf_counter()
        results: list[CheckResult] = []
        self._runs[layer] = self._runs.get(layer, 0) + 1  # GX names must be unique per context
        prefix = layer if self._runs[layer] == 1 else f"{layer}_{self._runs[layer]}"
        con = connect_read_only(database)
        try:
            columns = columns_by_relation(con, batches)
            pending: deque = deque()
            for batch in batches:
                if batch.skip_note:  # e.g. an absent source (cx_metrics.sources)
                    results += skipped_results(layer, batch)
                    continue
                pending.append((batch, read_frame(con, batch, columns)))
                if self.started:
                    while pending:
                        results += self._validate_frame(layer, prefix, *pending.popleft())
            while pending:
                results += self._validate_frame(layer, prefix, *pending.popleft())
        finally:
            con.close()
        layer_result = LayerResult(layer, results, time.perf_counter() - start)
        self.layers.append(layer_result)
        return layer_result

    def _validate_frame(
        self, layer: str, prefix: str, batch: Batch, read: tuple[Any, str]
    ) -> list[CheckResult]:
        frame, missing = read
        if frame is None:
            return [
                CheckResult(
                    layer,
                    batch.relation or batch.name,
                    None,
                    "expect_relation_to_exist",
                    BLOCKING,
                    "fail",
                    False,
                    observed=None,
                    note=missing,
                )
            ]
        runnable, skipped = runnable_checks(layer, batch, set(frame.columns))
        if not runnable:
            return skipped
        self.ready()
        self._join_docs(
            raise_error=False
        )  # GX is used by one thread at a time; docs errors surface at the end
        suite_name = f"{prefix}.{batch.name}"
        with _GX_LOCK:
            # All expectations in the constructor: add_expectation() re-serialises the
            # whole suite into the store each time (quadratic; seconds per suite).
            suite = self.context.suites.add(
                self.gx.ExpectationSuite(
                    name=suite_name, expectations=[_expectation(c, i) for i, c in enumerate(runnable)]
                )
            )
            asset = self.datasource.add_dataframe_asset(suite_name)
            definition = asset.add_batch_definition_whole_dataframe("all")
            validation = self.context.validation_definitions.add(
                self.gx.ValidationDefinition(name=suite_name, data=definition, suite=suite)
            )
            with configuration_built_once():
                outcome = validation.run(
                    batch_parameters={"dataframe": frame},
                    result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE},
                )
        by_index = {r.expectation_config.meta["check_index"]: r for r in outcome.results}
        return [_to_result(layer, c, by_index[i]) for i, c in enumerate(runnable)] + skipped

    def _unrendered(self) -> list:
        """Suites and validation results stored since the last rendering."""
        keys = [
            *self.context.expectations_store.list_keys(),
            *self.context.validation_results_store.list_keys(),
        ]
        return [k for k in keys if k not in self._rendered]

    def _render(self, keys: list, build_index: bool) -> None:
        """Write the Data Docs pages of `keys` (none: no page) and, if asked, the index of all."""
        with _GX_LOCK:
            if not self._rendered and build_index:
                self.context.build_data_docs(site_names=["cx_metrics"])  # every page: nothing written yet
            elif keys or build_index:
                # resource_identifiers=[] would mean every page: pass a key that matches none instead.
                self.context.build_data_docs(
                    site_names=["cx_metrics"], resource_identifiers=keys or [None], build_index=build_index
                )
            self._rendered.update(keys)

    def render_docs_in_background(self) -> None:
        """Write the pages of the validations so far in a thread (e.g. while dbt builds the next layer).

        build_docs() waits for it and writes the rest and the index; the pages are
        the same as a single build at the end would write.
        """
        if self.report_dir is None or self._docs_thread is not None or not self.started or self._error:
            return
        with _GX_LOCK:
            keys = self._unrendered()

        def render() -> None:
            try:
                self._render(keys, build_index=False)
            except BaseException as exc:  # re-raised by build_docs()
                self._docs_error = exc

        self._docs_thread = threading.Thread(target=render, name="cx-metrics-data-docs", daemon=True)
        self._docs_thread.start()

    def _join_docs(self, raise_error: bool = True) -> None:
        if self._docs_thread is not None:
            self._docs_thread.join()
            self._docs_thread = None
        if raise_error and self._docs_error is not None:
            error, self._docs_error = self._docs_error, None
            raise error

    def build_docs(self) -> Path | None:
        """Render the Data Docs of every validation of this run; the index path."""
        if self.report_dir is None:
            return None
        self.ready()
        self._join_docs()
        with _GX_LOCK:
            keys = self._unrendered()
        self._render(keys, build_index=True)
        return self.report_dir / "data_docs" / "index.html"


def _expectation(check: Check, index: int):
    """The GX expectation object for a check (the class is looked up by name).

    `check_index` in meta ties each GX result back to its check: GX returns
    results grouped by metric, not in suite order.
    """
    import great_expectations.expectations as gxe

    return getattr(gxe, check.expectation)(
        **check.kwargs,
        meta={
            "check_index": index,
            "severity": check.severity,
            "table": check.table,
            "column": check.column,
            "description": check.description,
        },
    )


def write_report(path: Path, header: dict[str, Any], layers: list[LayerResult]) -> None:
    """quality_report.json: every check's result and observed values, layer by layer."""
    body = {
        **header,
        "layers": [
            {
                "layer": lr.layer,
                "seconds": round(lr.seconds, 3),
                "passed": lr.passed,
                "failures": len(lr.failures),
                "warnings": len(lr.warnings),
                "checks": [asdict(r) for r in lr.results],
            }
            for lr in layers
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_plain(body), indent=2, default=str) + "\n")


Progress = Callable[[str], None]
