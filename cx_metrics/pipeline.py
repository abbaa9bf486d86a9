"""The guarded build: raw checks -> dbt staging -> staging checks -> dbt rest -> mart checks -> publish.

Atomic publishing on DuckDB: the published warehouse file is copied to
`<name>.building.duckdb` beside it, dbt builds into the copy (CX_DUCKDB_PATH
points there), Great Expectations checks it read-only, and only a fully passing
build is moved over the published file with `os.replace` (atomic on one file
system). A failed build leaves the published file untouched and the build file
in place for inspection. dbt runs in a subprocess so that its DuckDB handle is
closed before checks open the file read-only and before the swap. Each dbt step's
process is started ahead of it (cx_metrics.dbt_worker): its import of dbt overlaps
the copy, or the staging checks, instead of adding to the build's time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cx_metrics import incremental, ledger, sources
from cx_metrics.contract import TABLES
from cx_metrics.dbt import DbtWorker, dbt_command, project_dir
from cx_metrics.load import duckdb_path
from cx_metrics.quality import marts, raw, staging
from cx_metrics.quality.runner import LayerResult, QualityRun, connect_read_only, write_report

DEFAULT_DIRT_THRESHOLD = 0.05
# dbt layers in build order (README "Layers"): every model carries exactly one of these
# tags (dbt_project.yml) and reads only its own or an earlier layer (tests/python/test_layers.py).
DBT_LAYERS = ("staging", "audit", "intermediate", "facts", "metrics", "scorecard")
# The first dbt step: seeds and the layers the staging checks look at. The second step
# builds everything else (the later layers, their tests, exposures, semantic models).
UPSTREAM = ["resource_type:seed", "tag:staging", "tag:audit"]
LAYERS = ("raw", "staging", "marts")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def dirt_threshold_from_env() -> float:
    """CX_DIRT_THRESHOLD (a share, e.g. 0.05), else 5%."""
    return float(os.environ.get("CX_DIRT_THRESHOLD", DEFAULT_DIRT_THRESHOLD))


@dataclass
class BuildOptions:
    """What a guarded build needs; every path can come from an env var for tests and CI."""

    target: str = "duckdb"
    vars: str | None = None
    dirt_threshold: float = field(default_factory=dirt_threshold_from_env)
    as_of: datetime | None = None
    # rebuild (and check raw in full) even when the ledger has no unbuilt load
    full_refresh: bool = False
    # dbt unit tests check the SQL on given rows, not the data: `make test` runs them on every
    # change; a build of data skips them unless CX_UNIT_TESTS=1 (as dbt recommends for production)
    unit_tests: bool = field(default_factory=lambda: os.environ.get("CX_UNIT_TESTS") == "1")
    dbt_target_path: Path | None = field(default_factory=lambda: _env_path("CX_DBT_TARGET_PATH"))
    dbt_log_path: Path | None = field(default_factory=lambda: _env_path("CX_DBT_LOG_PATH"))
    reports_dir: Path = field(default_factory=lambda: _env_path("CX_REPORTS_DIR") or Path("reports"))
    # environment variables of dbt's process: an incremental build's scope (Plan.dbt_env)
    dbt_env: dict[str, str] = field(default_factory=dict)
    # Test hooks: called with the build file after the mart build, before mart checks;
    # and the dbt step itself (args, database, options) -> failing nodes.
    before_mart_checks: Callable[[Path], None] | None = None
    dbt_build: Callable[[list[str], Path | None, BuildOptions], list[str]] | None = None
    progress: Callable[[str], None] = field(default=lambda m: print(f"[cx-metrics] {m}", flush=True))


class PipelineStopped(Exception):
    """A blocking check or dbt failure; names the layer and step where the build stopped."""

    def __init__(self, layer: str, step: str, detail: str, build_file: Path | None = None):
        self.layer, self.step, self.detail, self.build_file = layer, step, detail, build_file
        super().__init__(f"stopped at layer {layer} ({step}): {detail}")


@dataclass
class BuildResult:
    """Where the report is, what was published and how long each layer's checks took."""

    published: Path | None
    report_dir: Path
    layers: list[LayerResult]
    seconds: float
    step_seconds: dict[str, float]
    nothing_new: str | None = None  # set when the build did nothing (ledger: every load built)


def build_file_for(published: Path) -> Path:
    """`<name>.building.duckdb` beside the published file (same file system: atomic replace)."""
    return published.with_name(f"{published.stem}.building{published.suffix}")


def new_run_id() -> str:
    """A folder name for the run's report; the wall clock only names folders, never metrics."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _fingerprint(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def prepare_build_copy(published: Path) -> tuple[Path, tuple[int, int]]:
    """Copy the published file (raw as last loaded, marts of the last good build) to the build file.

    A read-only connection is held while copying: DuckDB refuses it while a
    writer (a running load) holds the file, so the copy is never half-written.
    """
    if not published.exists():
        raise PipelineStopped(
            "raw", "prepare", f"no warehouse at {published}: run `cx-metrics load <folder>` first"
        )
    target = build_file_for(published)
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = connect_read_only(published)
    try:
        fingerprint = _fingerprint(published)
        shutil.copyfile(published, target)
    finally:
        con.close()
    return target, fingerprint


def publish(build_file: Path, published: Path, fingerprint: tuple[int, int]) -> None:
    """Swap the checked build in; refuse if the published file changed meanwhile (e.g. a load)."""
    if _fingerprint(published) != fingerprint:
        raise PipelineStopped(
            "publish",
            "publish",
            f"{published} changed during the build (a load?); "
            f"nothing published, rerun the build. Build left at {build_file}",
        )
    os.replace(build_file, published)


def _run_results(options: BuildOptions) -> Path:
    target = options.dbt_target_path or Path("target")
    return (target if target.is_absolute() else project_dir() / target) / "run_results.json"


def _dbt_failures(options: BuildOptions) -> list[str]:
    """Failed or errored nodes from run_results.json, as 'name (status: message)'."""
    try:
        results = json.loads(_run_results(options).read_text())["results"]
    except (OSError, KeyError, ValueError):
        return []
    return [
        f"{_node_name(r['unique_id'])} ({r['status']}: {(r.get('message') or '').strip()[:200]})"
        for r in results
        if r.get("status") in ("fail", "error")
    ]


def _node_name(unique_id: str) -> str:
    """The readable name: data tests end in a hash (test.<project>.<name>.<hash>)."""
    parts = unique_id.split(".")
    return parts[2] if parts[0] == "test" and len(parts) > 3 else parts[-1]


DBT_ENV = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def run_dbt_build(
    args: list[str], database: Path | None, options: BuildOptions, worker: DbtWorker | None = None
) -> list[str]:
    """`dbt build` in a subprocess against `database`; the failing nodes (empty = success).

    dbt's output is passed through line by line (progress on the terminal) and its
    tail kept, so an error before any node ran (e.g. a compilation error) is named too.
    `worker`: a dbt process started earlier to run it (its import of dbt is done).
    """
    # a scope left in the caller's environment never reaches a build that has none
    scope = {**dict.fromkeys(incremental.SCOPE_ENV, ""), **options.dbt_env}
    env = {**DBT_ENV, **scope}
    if database is not None:
        env["CX_DUCKDB_PATH"] = str(database)
    _run_results(options).unlink(missing_ok=True)  # never report a previous run's failures
    command = dbt_command(
        ["build", *args], options.target, options.dbt_target_path, options.dbt_log_path, options.vars
    )
    tail: deque[str] = deque(maxlen=12)

    def relay(lines: Iterator[str]) -> None:
        for line in lines:
            print(line, end="", flush=True)
            tail.append(_ANSI.sub("", line).strip())

    if worker is not None:
        relay(worker.run(command, env))
        returncode = worker.returncode
    else:
        with subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as proc:
            relay(proc.stdout)
        returncode = proc.returncode
    if returncode == 0:
        return []
    errors = [line.split("  ", 1)[-1] for line in tail if line]
    return _dbt_failures(options) or [f"dbt exited with code {returncode}: " + " / ".join(errors[-4:])]


def _blocking_detail(result: LayerResult, limit: int = 3) -> str:
    messages = [f.message() for f in result.failures]
    more = f" (+{len(messages) - limit} more)" if len(messages) > limit else ""
    return f"{len(messages)} blocking check(s) failed: " + " | ".join(messages[:limit]) + more


@contextmanager
def timed_step(
    title: str, say: Callable[[str], None], steps: dict[str, float] | None = None
) -> Iterator[None]:
    """Say a step's start and end with its wall seconds and the CPU seconds of this process
    and of its subprocesses (dbt); record the wall seconds in ``steps`` when given.

    The one step timer: the guarded build's steps and the command line's generate and load.
    """
    start, cpu = time.perf_counter(), _cpu_seconds()
    say(f"{title} ...")
    state = "FAILED"
    try:
        yield
        state = "done"
    finally:
        wall = time.perf_counter() - start
        if steps is not None:
            steps[title] = wall
        own, children = (b - a for a, b in zip(cpu, _cpu_seconds(), strict=True))
        say(
            f"{title}: {state} in {wall:.1f}s (cpu {own:.1f}s"
            + (f", subprocesses {children:.1f}s)" if children >= 0.05 else ")")
        )


class _Run:
    """State of one guarded build: steps with timing, the GX run and the report."""

    def __init__(self, options: BuildOptions, run_id: str | None = None) -> None:
        self.options = options
        self.say = options.progress
        self.run_id = run_id or new_run_id()
        self.report_dir = options.reports_dir.resolve() / self.run_id
        self.steps: dict[str, float] = {}
        self.quality: QualityRun | None = None
        self.build_file: Path | None = None
        self.started = time.perf_counter()
        self._said_start = False
        self.present: list[str] | None = None
        self.ledger: ledger.LedgerState | None = None  # the ledger when the build started
        self.plan: incremental.Plan | None = None  # DuckDB: incremental or full (cx_metrics/incremental.py)
        self.workers: dict[str, DbtWorker] = {}  # layer -> the dbt process started for its step

    def step(self, title: str):
        """Time a step of this build (see timed_step); its wall seconds go into the report."""
        return timed_step(title, self.say, self.steps)

    def start_quality(self) -> QualityRun:
        """Great Expectations starts in a thread: its import overlaps the copy and the first reads.

        Staging and mart checks run inside DuckDB (GX's SQL route, cx_metrics.quality.sql);
        raw checks too, on the rows of the unbuilt loads only (ledger.raw_scope)."""
        from cx_metrics.quality.sql import DuckDBQualityRun

        return DuckDBQualityRun(self.report_dir, background=True)

    def said_quality_start(self) -> None:
        """Once GX has started: how long it took in its thread and how long the build waited for it."""
        quality = self.quality
        if quality is not None and quality.start_seconds is not None and not self._said_start:
            self._said_start = True
            self.say(
                f"Great Expectations started in {quality.start_seconds:.1f}s (cpu "
                f"{quality.start_cpu_seconds:.1f}s) in the background; the checks waited "
                f"{quality.waited_seconds:.1f}s for it"
            )

    def new_loads_from(self) -> int | None:
        """The lowest load_seq an incremental build covers; None for a full one."""
        return self.plan.new_loads_from if self.plan is not None and self.plan.incremental else None

    def check(self, layer: str, database: Path, stop_on_failure: bool = True) -> LayerResult:
        """Run one layer's suite on `database`; stop the pipeline on a blocking failure."""
        present = self.sources_present(database)
        batches = {
            "raw": lambda: raw.suite(
                database,
                project_dir(),
                self.options.dirt_threshold,
                self.options.as_of,
                present=present,
                scope=ledger.raw_scope(self.ledger, self.options.full_refresh),
            ),
            "staging": lambda: staging.suite(database, present, new_loads_from=self.new_loads_from()),
            "marts": lambda: marts.suite(database, present),
        }[layer]()
        result = self.quality.validate(layer, database, batches)
        self.said_quality_start()
        self.say(
            f"{layer} checks: {len(result.results)} run, {len(result.failures)} blocking failures, "
            f"{len(result.warnings)} warnings"
        )
        for warning in result.warnings[:10]:
            self.say(f"  warning: {warning.message()}")
        if stop_on_failure and not result.passed:
            raise PipelineStopped(layer, f"{layer} checks", _blocking_detail(result), self.build_file)
        return result

    def sources_present(self, database: Path) -> list[str]:
        """The present raw tables (cx_metrics.sources), read once per run and said once."""
        if self.present is None:
            self.present = sources.present_tables(database, self.options.vars)
            absent = [t for t in TABLES if t not in self.present]
            self.say(
                f"sources present: {', '.join(self.present) or 'none'}"
                + (
                    f"; absent (checks skipped, metrics that need them null): {', '.join(absent)}"
                    if absent
                    else ""
                )
            )
        return self.present

    def start_dbt(self, layer: str) -> None:
        """Start the dbt process of a layer's step now (cx_metrics.dbt_worker): its import of
        dbt (about 1.8 s) overlaps the copy or the checks before the step. Not when a test
        hook runs the dbt steps."""
        if self.options.dbt_build is None:
            self.workers[layer] = DbtWorker(DBT_ENV)

    def stop_dbt(self) -> None:
        """End the dbt processes started for steps the build did not reach."""
        for worker in self.workers.values():
            worker.cancel()
        self.workers.clear()

    def dbt_layer(self, layer: str, args: list[str]) -> None:
        """A dbt build step; on failure, run the layer's checks too for the sample values, then stop."""
        if not self.options.unit_tests:
            args = [*args, "--exclude-resource-type", "unit_test"]
        if self.plan is not None:
            args = [*args, *self.plan.dbt_args()]
        elif self.options.full_refresh:
            args = [*args, "--full-refresh"]
        if self.options.dbt_build is not None:
            failures = self.options.dbt_build(args, self.build_file, self.options)
        else:
            failures = run_dbt_build(args, self.build_file, self.options, self.workers.pop(layer, None))
        if not failures:
            return
        detail = "dbt build failed: " + "; ".join(failures[:5])
        try:
            result = self.check(layer, self.build_file, stop_on_failure=False)
            if result.failures:
                detail += " | GX " + _blocking_detail(result)
        except Exception as exc:  # diagnostics must not hide the dbt failure
            detail += f" | ({layer} checks could not run: {exc})"
        raise PipelineStopped(layer, "dbt build", detail, self.build_file)

    def finish(self, outcome: str, error: PipelineStopped | None) -> None:
        """Write quality_report.json and Data Docs; point reports/latest at this run."""
        if self.quality is None:
            return
        header = {
            "run_id": self.run_id,
            "outcome": outcome,
            "dirt_threshold": self.options.dirt_threshold,
            "target": self.options.target,
            "stopped_at": None
            if error is None
            else {"layer": error.layer, "step": error.step, "message": error.detail},
            "build_file": str(self.build_file) if error and self.build_file else None,
            "sources": None
            if self.present is None
            else {"present": self.present, "absent": [t for t in TABLES if t not in self.present]},
            "step_seconds": {k: round(v, 3) for k, v in self.steps.items()},
            "great_expectations_start": _start_times(self.quality),
        }
        write_report(self.report_dir / "quality_report.json", header, self.quality.layers)
        if self.quality.start_error is not None:
            self.say(f"no data docs: Great Expectations did not start ({self.quality.start_error!r})")
            docs = None
        else:
            start, cpu = time.perf_counter(), time.process_time()
            docs = self.quality.build_docs()
            self.say(
                f"data docs built in {time.perf_counter() - start:.1f}s "
                f"(cpu {time.process_time() - cpu:.1f}s)"
            )
        latest = self.report_dir.parent / "latest"
        if latest.is_symlink() or not latest.exists():
            latest.unlink(missing_ok=True)
            latest.symlink_to(self.report_dir.name)
        self.say(f"report: {self.report_dir / 'quality_report.json'}")
        self.say(f"data docs: {docs}")


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds so far: this process (all threads), and its finished subprocesses."""
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


def _start_times(quality: QualityRun) -> dict[str, float | None]:
    """GX import and context in their thread, and the time the build waited for them."""

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {
        "seconds": rounded(quality.start_seconds),
        "cpu_seconds": rounded(quality.start_cpu_seconds),
        "waited_seconds": rounded(quality.waited_seconds),
    }


def build(options: BuildOptions | None = None) -> BuildResult:
    """The guarded pipeline; raises PipelineStopped (layer, step, message) on any blocking failure."""
    options = options or BuildOptions()
    if options.target == "postgres":  # shadow schemas and one swap transaction: cx_metrics/postgres_build.py
        from cx_metrics.postgres_build import build_postgres

        return build_postgres(options)
    if options.target != "duckdb":
        return _unguarded_build(options)
    published = duckdb_path()
    start = time.perf_counter()
    state = published_ledger(published)
    if (
        state is not None
        and state.nothing_new
        and not options.full_refresh
        and _unchanged(published, options)
    ):
        message = ledger.nothing_new_message(state)
        options.progress(message)
        return BuildResult(published, options.reports_dir, [], time.perf_counter() - start, {}, message)
    run = _Run(options)
    error: PipelineStopped | None = None
    outcome = "error"  # an exception other than a blocking failure
    try:
        # GX starts in a thread (when there is a warehouse to check): its import overlaps the copy.
        quality = run.start_quality() if published.exists() else None
        run.start_dbt("staging")  # dbt's import overlaps the copy and the raw checks
        with run.step(f"copy {published.name} to a build file"):
            run.build_file, fingerprint = prepare_build_copy(published)
            run.ledger = published_ledger(run.build_file)
            run.plan = plan_build(run.build_file, options, run.ledger, run.sources_present(run.build_file))
        options.progress(run.plan.message())
        run.options = dataclasses.replace(options, dbt_env=run.plan.dbt_env())
        run.quality = quality  # a report is written from here on
        with run.step("raw checks"):
            run.check("raw", run.build_file)
        with run.step("dbt build: seeds, staging, quarantine, audit (+ tests)"):
            run.dbt_layer("staging", ["--select", *UPSTREAM, "--indirect-selection", "cautious"])
        run.start_dbt("marts")  # and the staging checks
        with run.step("staging checks"):
            run.check("staging", run.build_file)
        # The Data Docs pages of raw and staging are written in a thread while dbt (a
        # subprocess) builds the marts; the mart pages and the index come at the end.
        run.quality.render_docs_in_background()
        with run.step("dbt build: intermediate, facts, metrics, scorecard (+ tests)"):
            run.dbt_layer("marts", ["--exclude", *UPSTREAM, "--indirect-selection", "buildable"])
        if options.before_mart_checks:
            options.before_mart_checks(run.build_file)
        with run.step("mart checks"):
            run.check("marts", run.build_file)
        with run.step(f"publish to {published}"):
            mark_built_duckdb(run.build_file, run.ledger, run.run_id, options.progress, run.plan.fingerprint)
            publish(run.build_file, published, fingerprint)
        outcome = "published"
    except PipelineStopped as exc:
        error, outcome = exc, "stopped"
        if run.build_file is not None and run.build_file.exists():
            options.progress(
                f"published warehouse unchanged: {published}; failed build kept at {run.build_file}"
            )
        raise
    finally:
        run.stop_dbt()
        run.finish(outcome, error)
    return BuildResult(
        published, run.report_dir, run.quality.layers, time.perf_counter() - run.started, run.steps
    )


def published_ledger(database: Path) -> ledger.LedgerState | None:
    """The ledger of a DuckDB warehouse file, read-only (None: no file or no ledger)."""
    if not database.exists():
        return None
    con = connect_read_only(database)
    try:
        return ledger.read_state(con)
    finally:
        con.close()


def plan_build(
    database: Path,
    options: BuildOptions,
    state: ledger.LedgerState | None = None,
    present: list[str] | None = None,
) -> incremental.Plan:
    """Incremental or full, for a build of the DuckDB file `database` (cx_metrics/incremental.py);
    `state` and `present` default to what the file holds."""
    state = state if state is not None else published_ledger(database)
    present = present if present is not None else sources.present_tables(database, options.vars)
    current = incremental.fingerprint(options.vars, present)
    con = connect_read_only(database)
    try:
        return incremental.plan(con, state, current, options.full_refresh)
    finally:
        con.close()


def _unchanged(published: Path, options: BuildOptions) -> bool:
    """The published build was made by this project with these vars and present sources."""
    current = incremental.fingerprint(options.vars, sources.present_tables(published, options.vars))
    con = connect_read_only(published)
    try:
        return incremental.unchanged(con, current)
    finally:
        con.close()


def mark_built_duckdb(
    build_file: Path,
    state: ledger.LedgerState | None,
    run_id: str,
    say: Callable[[str], None],
    fingerprint: str | None = None,
) -> None:
    """Mark the loads this build covered built, and record the build's state (its fingerprint
    and as_of, what the next build adds to), in the build file: published with it, atomically.
    `state` is the ledger as the build started (`published_ledger(build_file)` before dbt ran)."""
    seqs = state.unbuilt if state is not None else ()
    if not seqs and fingerprint is None:
        return
    import duckdb

    con = duckdb.connect(str(build_file))
    try:
        ledger.mark_built(con, seqs, run_id)
        if fingerprint is not None:
            incremental.record(con, fingerprint, run_id)
    finally:
        con.close()
    if seqs:
        say(f"ledger: {len(seqs)} load(s) marked built by build {run_id}")


def _unguarded_build(options: BuildOptions) -> BuildResult:
    """Spark: plain `dbt build` (the GX checks read DuckDB and Postgres only, for now)."""
    options.progress(
        f"target {options.target}: quality gates and atomic publish are DuckDB- and Postgres-only; "
        "running plain dbt build"
    )
    start = time.perf_counter()
    failures = run_dbt_build([], None, options)
    if failures:
        raise PipelineStopped("dbt", "dbt build", "; ".join(failures[:5]))
    return BuildResult(None, options.reports_dir, [], time.perf_counter() - start, {})


def check(layer: str, options: BuildOptions | None = None) -> LayerResult:
    """One layer's suite against the published warehouse (read-only), with its own report."""
    options = options or BuildOptions()
    if options.target == "postgres":  # the published schemas, checked in the database
        from cx_metrics.postgres_build import check_postgres

        return check_postgres(layer, options)
    run = _Run(options)
    error: PipelineStopped | None = None
    outcome = "error"  # an exception other than a blocking failure
    try:
        run.quality = run.start_quality()
        with run.step(f"{layer} checks on {duckdb_path()}"):
            result = run.check(layer, duckdb_path())
        outcome = "passed"
        return result
    except PipelineStopped as exc:
        error, outcome = exc, "failed"
        raise
    finally:
        run.finish(outcome, error)


def check_layer(layer: str, database: Path, options: BuildOptions, run_id: str | None = None) -> LayerResult:
    """One layer's suite on a DuckDB `database` (e.g. a build file), with its own report, passing or not.

    The step the guarded build runs between its dbt steps, on its own: the scheduler's
    asset checks (cx_metrics.orchestration) call it with the build file and read the
    result's failures; `run_id` names the report folder (default: a new run id).
    """
    run = _Run(options, run_id)
    run.ledger = published_ledger(database)  # raw checks: the rows of its unbuilt loads
    # staging checks: the rows the build staged again when it is incremental, as in build()
    run.plan = plan_build(database, options, run.ledger)
    outcome = "error"  # an exception other than failing checks
    try:
        run.quality = run.start_quality()
        with run.step(f"{layer} checks on {database}"):
            result = run.check(layer, database, stop_on_failure=False)
        outcome = "passed" if result.passed else "failed"
        return result
    finally:
        run.finish(outcome, None)
