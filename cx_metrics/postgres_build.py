"""The guarded build on Postgres: the DuckDB pipeline's gates, shadow schemas, one swap.

raw checks (in the database) -> dbt seeds/staging/quarantine/audit into `*__shadow`
-> staging checks -> dbt intermediate/marts into `*__shadow` -> mart checks ->
publish (cx_metrics.publish.swap: one transaction). The checks are the same suites
as on DuckDB, run through GX's postgresql datasource (cx_metrics.quality.postgres);
the blocking/warning rules, the stop messages and quality_report.json are the
DuckDB pipeline's own (`_Run`). A stop leaves the published schemas untouched and
the shadow schemas for inspection (they are dropped when the next build starts).
"""

from __future__ import annotations

import dataclasses
import time

from cx_metrics import ledger, publish
from cx_metrics.dbt import DbtError, merged_vars
from cx_metrics.pipeline import UPSTREAM, BuildOptions, BuildResult, PipelineStopped, _Run, run_dbt_build
from cx_metrics.quality.postgres import PostgresQualityRun, PostgresWarehouse, ReadOnlyConnection
from cx_metrics.quality.runner import LayerResult


def shadow_vars(vars_text: str | None, suffix: str = publish.SHADOW_SUFFIX) -> str:
    """The build's dbt --vars with `cx_schema_suffix` added (dbt builds into the shadow schemas)."""
    try:
        return merged_vars(vars_text, {"cx_schema_suffix": suffix})
    except DbtError as exc:
        raise PipelineStopped("raw", "prepare", str(exc)) from exc


def build_postgres(options: BuildOptions) -> BuildResult:
    """The guarded pipeline on Postgres; raises PipelineStopped (layer, step, message) on any blocking failure."""
    warehouse = PostgresWarehouse.from_env(suffix=publish.SHADOW_SUFFIX)
    start = time.perf_counter()
    state = _ledger_state(warehouse)
    if state is not None and state.nothing_new and not options.full_refresh:
        message = ledger.nothing_new_message(state)
        options.progress(message)
        return BuildResult(None, options.reports_dir, [], time.perf_counter() - start, {}, message)
    # dbt gets the shadow suffix; never a CX_DUCKDB_PATH (run_dbt_build sets it from its database argument)
    dbt_build = options.dbt_build or (lambda args, database, opts: run_dbt_build(args, None, opts))
    run = _Run(dataclasses.replace(options, vars=shadow_vars(options.vars), dbt_build=dbt_build))
    error: PipelineStopped | None = None
    outcome = "error"
    try:
        admin = warehouse.connect()
    except Exception as exc:
        raise PipelineStopped("raw", "prepare", f"cannot connect to Postgres {warehouse}: {exc}") from exc
    try:
        quality = PostgresQualityRun(warehouse, run.report_dir, background=True)
        with run.step("prepare shadow schemas"):
            with admin.cursor() as cur:
                cur.execute("select pg_try_advisory_lock(%s)", (publish.BUILD_LOCK_KEY,))
                if not cur.fetchone()[0]:
                    raise PipelineStopped(
                        "raw", "prepare", f"another guarded build is running on {warehouse}"
                    )
            admin.commit()
            dropped = publish.drop_shadows(admin)
            if dropped:
                options.progress(f"dropped the shadow schemas of an earlier build: {', '.join(dropped)}")
        run.quality = quality
        run.build_file = warehouse
        run.ledger = _ledger_state(warehouse)
        with run.step("raw checks"):
            run.check("raw", warehouse)
        with run.step("dbt build into shadow schemas: seeds, staging, quarantine, audit (+ tests)"):
            run.dbt_layer("staging", ["--select", *UPSTREAM, "--indirect-selection", "cautious"])
        with run.step("staging checks"):
            run.check("staging", warehouse)
        run.quality.render_docs_in_background()
        with run.step("dbt build into shadow schemas: intermediate, facts, metrics, scorecard (+ tests)"):
            run.dbt_layer("marts", ["--exclude", *UPSTREAM, "--indirect-selection", "buildable"])
        if options.before_mart_checks:
            options.before_mart_checks(warehouse)
        with run.step("mart checks"):
            run.check("marts", warehouse)
        with run.step("publish: swap the shadow schemas in (one transaction)"):
            try:
                unbuilt = run.ledger.unbuilt if run.ledger is not None else ()
                publish.swap(
                    admin,
                    say=options.progress,
                    # the loads this build covered are marked built in the swap's transaction
                    before_commit=lambda cur: ledger.mark_built(cur, unbuilt, run.run_id, "%s"),
                )
            except publish.PublishError as exc:
                raise PipelineStopped("publish", "publish", str(exc), warehouse) from exc
        outcome = "published"
    except PipelineStopped as exc:
        error, outcome = exc, "stopped"
        options.progress(
            f"published schemas unchanged on {warehouse.host}:{warehouse.port}/{warehouse.dbname}; "
            f"the failed build is kept in the *{publish.SHADOW_SUFFIX} schemas"
        )
        raise
    finally:
        admin.close()  # also releases the advisory lock
        run.finish(outcome, error)
    return BuildResult(None, run.report_dir, run.quality.layers, time.perf_counter() - run.started, run.steps)


def _ledger_state(warehouse: PostgresWarehouse) -> ledger.LedgerState | None:
    """The ledger in raw (never shadowed), read-only; None when there is none or no connection."""
    try:
        con = ReadOnlyConnection(warehouse)
    except Exception:  # the build itself reports the connection error
        return None
    try:
        return ledger.read_state(con)
    finally:
        con.close()


def check_postgres(layer: str, options: BuildOptions) -> LayerResult:
    """One layer's suite against the published schemas on Postgres (read-only), with its own report."""
    warehouse = PostgresWarehouse.from_env()
    run = _Run(options)
    error: PipelineStopped | None = None
    outcome = "error"
    try:
        run.quality = PostgresQualityRun(warehouse, run.report_dir, background=True)
        with run.step(f"{layer} checks on {warehouse}"):
            result = run.check(layer, warehouse)
        outcome = "passed"
        return result
    except PipelineStopped as exc:
        error, outcome = exc, "failed"
        raise
    finally:
        run.finish(outcome, error)
