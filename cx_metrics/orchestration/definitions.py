"""The Dagster code location: the guarded build as assets, its Great Expectations gates as blocking checks.

    landed_raw ─> warehouse_build ─[gx_raw]─> dbt_staging (seeds, staging, quarantine, audit + dbt tests)
        ─[gx_staging]─> dbt_marts (intermediate, facts, metrics, scorecard + dbt tests)
        ─[gx_marts]─> published_warehouse

The same steps and order as `cx-metrics build` (cx_metrics.pipeline), from the same
building blocks: `warehouse_build` copies the published DuckDB file to the build file
(prepare_build_copy), both dbt steps build into that copy, the GX checks read it
(check_layer) and `published_warehouse` swaps it in (publish). A failing GX check is
blocking: Dagster skips every asset downstream of it, so nothing is published and the
published warehouse stays as it was (the failed build file is kept for inspection).
A failing dbt test fails its dbt step, with the same effect.

Jobs: `cx_build` (the build on what is loaded; the daily schedule) and
`cx_load_and_build` (load the landing folders of a day or of a range of days, then
build; the landing sensor, and backfills). `landed_raw` is partitioned by landing day
(a folder `YYYY-MM-DD/`); a backfill over a range is one run (single-run backfill
policy) that appends the range's folders, oldest first, then builds once. The build's
assets are not partitioned: the build is incremental by key from the load ledger (what
the unbuilt loads affect, README "Daily operation"), not by a window of dates
(DECISIONLOG.md, "The partitions are landing days"). Settings (env vars, read when the
code location loads; the sensor and the loads read the landing root when they run):

    CX_TARGET                    duckdb   the dbt target; the asset graph builds DuckDB only (see README)
    CX_DUCKDB_PATH               warehouse/cx_metrics.duckdb   the published warehouse
    CX_DIRT_THRESHOLD            0.05     raw checks' share of dirty rows that still passes
    CX_REPORTS_DIR               reports  quality reports (one folder per layer and run)
    CX_SCHEDULE_HOUR             6        hour of the daily build (0-23)
    CX_SCHEDULE_MINUTE           0
    CX_SCHEDULE_TIMEZONE         UTC      an IANA zone, e.g. Europe/Berlin
    CX_LANDING_ROOT              exports  the folder the sensor watches for YYYY-MM-DD/_SUCCESS
    CX_LANDING_SENSOR_SECONDS    60       seconds between the sensor's ticks
    CX_LANDING_START             2024-01-01   the first landing day (partition)
    CX_DAGSTER_UNIT_TESTS        unset    1: the dbt steps run the dbt unit tests too
"""

import json
import os
import re
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from cx_metrics.dbt import project_dir
from cx_metrics.incremental import Plan
from cx_metrics.load import duckdb_path, load
from cx_metrics.orchestration.manifest import dbt_target_dir, prepared_manifest
from cx_metrics.pipeline import (
    DBT_LAYERS,
    UPSTREAM,
    BuildOptions,
    PipelineStopped,
    build_file_for,
    check_layer,
    mark_built_duckdb,
    plan_build,
    prepare_build_copy,
    publish,
    published_ledger,
)
from cx_metrics.quality import staging
from cx_metrics.quality.runner import CheckResult, LayerResult

LANDED = dg.AssetKey("landed_raw")
BUILD = dg.AssetKey("warehouse_build")
PUBLISHED = dg.AssetKey("published_warehouse")
# The guarded build's first dbt step (seeds, staging, quarantine, audit); dbt_marts is the rest.
UPSTREAM_SELECT = " ".join(UPSTREAM)
FIRST_STEP_TAGS = {"staging", "audit"}
LANDING_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
TARGET = os.environ.get("CX_TARGET", "duckdb")


def load_landing_folder(folder: str | Path, target: str = "duckdb", progress=None) -> dict[str, int]:
    """The one call through which the scheduler loads a landing folder (rows per table).

    An append (`cx-metrics load DIR --append`): the day's files are added to raw, a
    file loaded before (same sha256) is skipped, and the load ledger records them
    unbuilt until a published build covers them (cx_metrics.ledger).
    """
    return load(folder, target=target, progress=progress, append=True)


class CxWarehouse(dg.ConfigurableResource):
    """The warehouse the build runs on: the dbt target and the raw checks' dirt threshold."""

    target: str = "duckdb"
    dirt_threshold: float | None = None  # None: CX_DIRT_THRESHOLD, else 5%
    # dbt unit tests check the SQL on fixed given rows, not the day's data: `make test` runs
    # them on every change; scheduled builds skip them (about 40% of the mart step's dbt time).
    unit_tests: bool = False

    def options(self, context) -> BuildOptions:
        options = BuildOptions(target=self.target, progress=context.log.info)
        if self.dirt_threshold is not None:
            options.dirt_threshold = self.dirt_threshold
        return options

    def require_duckdb(self) -> None:
        if self.target != "duckdb":
            raise dg.Failure(
                f"target {self.target}: the Dagster asset graph builds DuckDB only (build copy, file swap); "
                f"schedule `cx-metrics build --target {self.target}` instead (README, Scheduled runs)"
            )

    def plan(self, context) -> Plan:
        """Incremental or full for the build file as it is now (cx_metrics/incremental.py)."""
        return plan_build(self.build_file, self.options(context))

    @property
    def published(self) -> Path:
        return duckdb_path()

    @property
    def build_file(self) -> Path:
        return build_file_for(duckdb_path())


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set env vars for dbt's subprocess within one step; restore them after (in-process runs)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _layer_tag(props: Mapping[str, Any]) -> str | None:
    return next((t for t in props.get("tags", []) if t in DBT_LAYERS), None)


def _first_step(props: Mapping[str, Any]) -> bool:
    return props["resource_type"] == "seed" or bool(FIRST_STEP_TAGS & set(props.get("tags", [])))


class CxTranslator(DagsterDbtTranslator):
    """dbt nodes grouped by layer; the first dbt step's nodes depend on the build copy
    (so they wait for, and are blocked by, the raw checks on it)."""

    def get_asset_spec(self, manifest, unique_id, project):
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] not in ("model", "seed", "snapshot"):
            return spec
        spec = spec.replace_attributes(group_name=_layer_tag(props) or "seeds")
        if _first_step(props):
            spec = spec.merge_attributes(deps=[BUILD])
        return spec


MANIFEST = prepared_manifest()
TRANSLATOR = CxTranslator()


def _dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: CxWarehouse, indirect: str):
    """`dbt build` of this step's selection into the build file (as the guarded build's dbt steps).

    dagster-dbt gives each dbt call a folder of its own under $DBT_TARGET_PATH and copies
    `$DBT_TARGET_PATH/partial_parse.msgpack` into it first; keeping the last call's file
    there lets dbt parse partially (a full parse took a third of a dbt step on the
    fixtures; dbt parses in full anyway when the project, profile or vars changed). The
    build's scope goes to dbt as environment variables read only at run time (Plan.dbt_env),
    so a new day's scope leaves the saved parse valid.
    """
    warehouse.require_duckdb()
    args = ["build"] if warehouse.unit_tests else ["build", "--exclude-resource-type", "unit_test"]
    plan = warehouse.plan(context)
    context.log.info(plan.message())
    args += plan.dbt_args()
    cache = dbt_target_dir()  # target/dagster_dbt
    cache.mkdir(parents=True, exist_ok=True)
    with _environ(
        CX_DUCKDB_PATH=str(warehouse.build_file),
        DBT_INDIRECT_SELECTION=indirect,
        DBT_TARGET_PATH=str(cache),
        **plan.dbt_env(),
    ):
        invocation = dbt.cli(args, context=context)
        yield from invocation.stream()
    parsed = invocation.target_path / "partial_parse.msgpack"
    if parsed.exists():
        scratch = cache / f"partial_parse.msgpack.{os.getpid()}"
        shutil.copyfile(parsed, scratch)
        os.replace(scratch, cache / "partial_parse.msgpack")


@dbt_assets(manifest=MANIFEST, select=UPSTREAM_SELECT, dagster_dbt_translator=TRANSLATOR, name="dbt_staging")
def dbt_staging(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: CxWarehouse):
    """Seeds, staging, quarantine and audit models with their dbt tests (as checks)."""
    yield from _dbt_build(context, dbt, warehouse, "cautious")


@dbt_assets(manifest=MANIFEST, exclude=UPSTREAM_SELECT, dagster_dbt_translator=TRANSLATOR, name="dbt_marts")
def dbt_marts(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: CxWarehouse):
    """Intermediate, facts, metrics and scorecard models with their dbt tests (as checks)."""
    yield from _dbt_build(context, dbt, warehouse, "buildable")


def landing_root() -> Path:
    return Path(os.environ.get("CX_LANDING_ROOT", "exports"))


# The landing days: partition key = a landing folder's name (YYYY-MM-DD), from CX_LANDING_START;
# end_offset 1: today's folder can land today.
LANDING_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=os.environ.get("CX_LANDING_START", "2024-01-01"), end_offset=1
)


def landing_folders_for(keys: list[str], root: Path) -> list[Path]:
    """The complete landing folders of these partition keys, oldest first; a key without
    one (no folder, or no `_SUCCESS` yet) stops the run, naming it."""
    folders = [root / key for key in sorted(keys)]
    missing = [f.name for f in folders if not (f / "_SUCCESS").is_file()]
    if missing:
        raise dg.Failure(
            f"no complete landing folder (YYYY-MM-DD/_SUCCESS) under {root.resolve()} for "
            f"{', '.join(missing)}: nothing was loaded; materialise the days that have landed"
        )
    return folders


@dg.asset(
    key=LANDED,
    group_name="ingest",
    kinds={"duckdb"},
    partitions_def=LANDING_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def landed_raw(context: dg.AssetExecutionContext, warehouse: CxWarehouse):
    """The landing folders of this run's days appended to the published warehouse's raw schema
    (`cx-metrics load DIR --append`, oldest day first). A backfill over a range of days is one
    run: every folder is appended, then one incremental build covers them all."""
    folders = landing_folders_for(context.partition_keys, landing_root())
    rows: dict[str, int] = defaultdict(int)
    for folder in folders:
        for table, n in load_landing_folder(
            folder, target=warehouse.target, progress=context.log.info
        ).items():
            rows[table] += n
    return dg.MaterializeResult(
        metadata={"folders": [str(f.resolve()) for f in folders], **{f"rows_{t}": n for t, n in rows.items()}}
    )


@dg.asset(key=BUILD, deps=[LANDED], group_name="build", kinds={"duckdb"})
def warehouse_build(context: dg.AssetExecutionContext, warehouse: CxWarehouse) -> list[int]:
    """The published warehouse copied to the build file; its fingerprint is what publishing checks."""
    warehouse.require_duckdb()
    try:
        build_file, fingerprint = prepare_build_copy(warehouse.published)
    except PipelineStopped as exc:
        raise dg.Failure(str(exc)) from exc
    context.add_output_metadata({"build_file": str(build_file), "published": str(warehouse.published)})
    return list(fingerprint)


def _relation_keys(layer_schema: str, select: dg.AssetsDefinition) -> dict[str, dg.AssetKey]:
    """`schema.name` -> asset key for the models of one dbt step that live in `layer_schema`."""
    manifest = json.loads(Path(MANIFEST).read_text())
    keys = {}
    for unique_id, props in manifest["nodes"].items():
        if props["resource_type"] != "model" or props["schema"] != layer_schema:
            continue
        key = TRANSLATOR.get_asset_spec(manifest, unique_id, None).key
        if key in select.keys:
            keys[f"{layer_schema}.{props['alias']}"] = key
    return dict(sorted(keys.items()))


def _run_layer(context, warehouse: CxWarehouse, layer: str) -> LayerResult:
    warehouse.require_duckdb()
    result = check_layer(
        layer,
        warehouse.build_file,
        warehouse.options(context),
        run_id=f"dagster-{context.run.run_id}-{layer}",
    )
    context.log.info(
        f"{layer} checks: {len(result.results)} run, {len(result.failures)} blocking failures, "
        f"{len(result.warnings)} warnings"
    )
    return result


def _check_result(
    layer: str, results: list[CheckResult], extra_failures: list[CheckResult], key: dg.AssetKey
) -> dg.AssetCheckResult:
    failures = [r for r in results if r.blocks] + extra_failures
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=f"gx_{layer}",
        passed=not failures,
        severity=dg.AssetCheckSeverity.ERROR,
        description=(f"{len(failures)} blocking check(s) failed" if failures else None),
        metadata={
            "checks_run": len(results),
            "blocking_failures": len(failures),
            "warnings": len([r for r in results if r.status == "warn"]),
            "failures": [r.message() for r in failures[:10]],
        },
    )


@dg.asset_check(asset=BUILD, name="gx_raw", blocking=True)
def gx_raw(context: dg.AssetCheckExecutionContext, warehouse: CxWarehouse) -> dg.AssetCheckResult:
    """The raw layer's GX suite on the build copy (cx_metrics.quality.raw)."""
    result = _run_layer(context, warehouse, "raw")
    return _check_result("raw", result.results, [], BUILD)


def _layer_check(layer: str, relation_keys: dict[str, dg.AssetKey], doc: str) -> dg.AssetChecksDefinition:
    """One blocking check `gx_<layer>` per checked relation, all from one run of the layer's suite.

    A result on a relation fails that relation's check; a failing check not on one
    relation (a total across marts, an absent relation) fails them all.
    """

    @dg.multi_asset_check(
        specs=[
            dg.AssetCheckSpec(f"gx_{layer}", asset=key, blocking=True, description=doc)
            for key in relation_keys.values()
        ],
        name=f"gx_{layer}",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: CxWarehouse):
        result = _run_layer(context, warehouse, layer)
        by_relation: dict[str, list[CheckResult]] = defaultdict(list)
        for r in result.results:
            by_relation[r.table].append(r)
        unplaced = [r for t, rs in by_relation.items() if t not in relation_keys for r in rs if r.blocks]
        for relation, key in relation_keys.items():
            yield _check_result(layer, by_relation.get(relation, []), unplaced, key)

    return _check


# The staging suite checks a fixed list of stg_ models (base_ models have no checks of their own).
_STAGING_CHECKED = {batch.relation for batch in staging.suite(None)}
gx_staging = _layer_check(
    "staging",
    {r: k for r, k in _relation_keys("staging", dbt_staging).items() if r in _STAGING_CHECKED},
    "The staging layer's GX suite (cx_metrics.quality.staging).",
)
gx_marts = _layer_check(
    "marts", _relation_keys("marts", dbt_marts), "The marts layer's GX suite (cx_metrics.quality.marts)."
)


@dg.asset(
    key=PUBLISHED,
    deps=list(dbt_marts.keys),
    ins={"fingerprint": dg.AssetIn(BUILD)},
    group_name="build",
    kinds={"duckdb"},
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: CxWarehouse, fingerprint: list[int]):
    """The checked build file swapped in over the published warehouse (atomic `os.replace`)."""
    warehouse.require_duckdb()
    try:
        # the loads this run built are marked built in the build file, published with it
        state = published_ledger(warehouse.build_file)
        fingerprint_now = warehouse.plan(context).fingerprint
        mark_built_duckdb(
            warehouse.build_file, state, f"dagster-{context.run.run_id}", context.log.info, fingerprint_now
        )
        publish(warehouse.build_file, warehouse.published, (fingerprint[0], fingerprint[1]))
    except PipelineStopped as exc:
        raise dg.Failure(str(exc)) from exc
    return dg.MaterializeResult(metadata={"published": str(warehouse.published)})


build_job = dg.define_asset_job(
    "cx_build",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(LANDED),
    executor_def=dg.in_process_executor,
    description="The guarded build on what is loaded: copy, raw checks, dbt, checks, publish.",
)
load_and_build_job = dg.define_asset_job(
    "cx_load_and_build",
    selection=dg.AssetSelection.all(),
    partitions_def=LANDING_PARTITIONS,
    executor_def=dg.in_process_executor,
    description="Load the landing folders of a day or a range of days (the partitions), then the guarded build.",
)

daily_build = dg.ScheduleDefinition(
    name="cx_daily_build",
    job=build_job,
    cron_schedule=f"{int(os.environ.get('CX_SCHEDULE_MINUTE', '0'))} {int(os.environ.get('CX_SCHEDULE_HOUR', '6'))} * * *",
    execution_timezone=os.environ.get("CX_SCHEDULE_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def landed_folders(root: Path) -> list[Path]:
    """The complete landing folders: `YYYY-MM-DD/` with a `_SUCCESS` marker, oldest first."""
    if not root.is_dir():
        return []
    return sorted(
        p.parent for p in root.glob("*/_SUCCESS") if p.is_file() and LANDING_FOLDER.fullmatch(p.parent.name)
    )


@dg.sensor(
    job=load_and_build_job,
    minimum_interval_seconds=int(os.environ.get("CX_LANDING_SENSOR_SECONDS", "60")),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """A run per new complete landing folder, for its day's partition; run key = the folder. The
    cursor lists the folders already requested, so a folder is requested once even when an
    older day lands late. A folder dated outside the partitions (before CX_LANDING_START, or
    after tomorrow) is not requested: the tick says so, every tick, until it is moved."""
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    new, outside = [], []
    for folder in landed_folders(landing_root()):
        if folder.name not in seen:
            (new if LANDING_PARTITIONS.has_partition_key(folder.name) else outside).append(folder)
    if outside:
        context.log.warning(
            f"landing folders outside the partitions ({LANDING_PARTITIONS.get_first_partition_key()} on, "
            f"CX_LANDING_START): {', '.join(f.name for f in outside)}; not loaded"
        )
    requests = [
        dg.RunRequest(
            run_key=str(folder.resolve()),
            partition_key=folder.name,
            tags={"cx/landing_folder": folder.name},
        )
        for folder in new
    ]
    cursor = json.dumps(sorted(seen | {f.name for f in new}))
    return dg.SensorResult(run_requests=requests, cursor=cursor)


defs = dg.Definitions(
    assets=[landed_raw, warehouse_build, dbt_staging, dbt_marts, published_warehouse],
    asset_checks=[gx_raw, gx_staging, gx_marts],
    jobs=[build_job, load_and_build_job],
    schedules=[daily_build],
    sensors=[landing_sensor],
    resources={
        "dbt": DbtCliResource(
            project_dir=str(project_dir()),
            profiles_dir=str(project_dir() / "profiles"),
            target=TARGET,
            dbt_executable=str(Path(sys.executable).parent / "dbt"),  # the dbt of this environment
        ),
        "warehouse": CxWarehouse(target=TARGET, unit_tests=os.environ.get("CX_DAGSTER_UNIT_TESTS") == "1"),
    },
    executor=dg.in_process_executor,
)
