"""The Dagster code location (cx_metrics.orchestration): the guarded build as assets and checks.

One in-process run of the load-and-build job on the fixtures is shared by the module
(a fresh warehouse: the run loads the folder, then builds); the blocking test runs the
build job on a private copy of what it published. The daemon test starts
`dagster-daemon run` on a temporary DAGSTER_HOME with the project's dagster.yaml and
waits (at most 3 minutes) for the landing sensor's run to succeed.
The fixtures are dirtier than 5% per table: the runs use a dirt threshold of 60%.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

dg = pytest.importorskip("dagster")

from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG  # noqa: E402

from cx_metrics.dbt import project_dir  # noqa: E402
from cx_metrics.generate import generate  # noqa: E402
from cx_metrics.load import load  # noqa: E402
from cx_metrics.pipeline import build, build_file_for  # noqa: E402
from quality_helpers import fixture_folder, query  # noqa: E402
from replay_helpers import compare, full_folder, split_by_load_day, warehouse_options  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore")
MART_QUERY = "select date_day, queue, offered_legs, service_level from marts.mart_queue_daily order by all"
# A bound, not a speed target: the run takes ~1.5 min on a quiet machine and ~3 at load 10.
DAEMON_TIMEOUT = 420


def _query(database: Path, sql: str = MART_QUERY) -> list[tuple]:
    return query(database, sql)


def _env(mp: pytest.MonkeyPatch, tmp: Path) -> Path:
    published = tmp / "wh.duckdb"
    mp.setenv("CX_DUCKDB_PATH", str(published))
    mp.setenv("CX_DIRT_THRESHOLD", "0.6")
    mp.setenv("CX_REPORTS_DIR", str(tmp / "reports"))
    return published


def _events(result, kind: str) -> list:
    return [e for e in result.all_events if e.event_type_value == kind]


@pytest.fixture(scope="module")
def definitions():
    from cx_metrics.orchestration import definitions

    return definitions


@pytest.fixture(scope="module")
def good(definitions, tmp_path_factory) -> dict:
    """The load-and-build job run in-process on the fixtures, into a fresh warehouse."""
    tmp = tmp_path_factory.mktemp("dagster_good")
    _landing(tmp / "exports", "2026-06-01", success=True)
    with pytest.MonkeyPatch.context() as mp:
        published = _env(mp, tmp)
        mp.setenv("CX_LANDING_ROOT", str(tmp / "exports"))
        job = definitions.defs.resolve_job_def("cx_load_and_build")
        result = job.execute_in_process(
            partition_key="2026-06-01", instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
        )
    return {"tmp": tmp, "published": published, "result": result, "job": job}


def test_whole_graph_materialises_checks_pass_and_publishes(good):
    result, job = good["result"], good["job"]
    assert result.success
    graph = job.asset_layer.asset_graph
    materialized = {e.asset_key for e in _events(result, "ASSET_MATERIALIZATION")}
    assert materialized == set(graph.get_all_asset_keys()) - set(graph.external_asset_keys)
    # the landing day is a partition of landed_raw; the build's assets have none
    partitions = {(e.asset_key.path[-1], e.partition) for e in _events(result, "ASSET_MATERIALIZATION")}
    assert ("landed_raw", "2026-06-01") in partitions
    assert {p for k, p in partitions if k != "landed_raw"} == {None}
    assert dg.AssetKey("published_warehouse") in materialized
    evaluations = [e.event_specific_data for e in _events(result, "ASSET_CHECK_EVALUATION")]
    gx = {e.asset_check_key.name for e in evaluations if e.asset_check_key.name.startswith("gx_")}
    assert gx == {"gx_raw", "gx_staging", "gx_marts"}
    assert len(evaluations) > 300, "dbt tests arrive as asset checks too"
    # the one non-passing evaluation is a warn-severity dbt test (the guarded build warns on it too)
    not_passed = [e for e in evaluations if not e.passed]
    assert [(e.asset_check_key.name, e.severity) for e in not_passed] == [
        ("has_no_rows_audit__unmapped_enum_values_", dg.AssetCheckSeverity.WARN)
    ]
    # published: the build file was swapped in; the 1% out-of-scale survey is quarantined, the marts answer
    assert not build_file_for(good["published"]).exists()
    assert _query(
        good["published"],
        "select record_key, reason_code from quarantine.quarantine_surveys__survey_responses",
    ) == [("R000", "score_out_of_scale")]
    assert _query(good["published"]), "the published warehouse has mart rows"
    # the landing folder was appended and the published build marked its loads built
    assert _query(
        good["published"],
        "select count(*), count(*) filter (where load_mode = 'append' and is_built "
        "and built_by like 'dagster-%') from raw.cx_load_ledger",
    ) == [(11, 11)]
    reports = good["tmp"] / "reports"
    assert sorted(p.name.rsplit("-", 1)[-1] for p in reports.glob("dagster-*")) == ["marts", "raw", "staging"]


def test_failing_raw_check_blocks_downstream_and_keeps_published(definitions, good, tmp_path, monkeypatch):
    published = _env(monkeypatch, tmp_path)
    shutil.copyfile(good["published"], published)
    before = _query(published)
    con = duckdb.connect(str(published))
    con.execute("alter table raw.calls drop column ended_at")
    con.close()
    mtime = published.stat().st_mtime_ns

    job = definitions.defs.resolve_job_def("cx_build")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)

    assert not result.success
    gx_raw = [
        e.event_specific_data
        for e in _events(result, "ASSET_CHECK_EVALUATION")
        if e.event_specific_data.asset_check_key.name == "gx_raw"
    ]
    assert len(gx_raw) == 1 and not gx_raw[0].passed
    assert gx_raw[0].metadata["failures"].value == [
        "layer raw: raw.calls.ended_at: expect_column_values_to_be_in_set failed; "
        "1 of 16 rows (6.2%); sample ['ended_at: missing']"
    ]
    # only the build copy materialised: no dbt model, no later check, nothing published
    assert {e.asset_key for e in _events(result, "ASSET_MATERIALIZATION")} == {dg.AssetKey("warehouse_build")}
    assert {
        e.event_specific_data.asset_check_key.name for e in _events(result, "ASSET_CHECK_EVALUATION")
    } == {"gx_raw"}
    assert published.stat().st_mtime_ns == mtime
    assert _query(published) == before
    assert build_file_for(published).exists(), "the failed build is kept for inspection"


def _landing(root: Path, day: str, success: bool) -> Path:
    folder = fixture_folder(root / day, out_of_scale=1)
    if success:
        (folder / "_SUCCESS").touch()
    return folder


def test_sensor_one_run_request_per_success_folder(definitions, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_LANDING_ROOT", str(tmp_path))
    done = _landing(tmp_path, "2026-06-01", success=True)
    late = _landing(tmp_path, "2026-06-02", success=False)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "_SUCCESS").touch()  # not a YYYY-MM-DD folder
    (tmp_path / "2019-01-01").mkdir()
    (tmp_path / "2019-01-01" / "_SUCCESS").touch()  # before the first partition (CX_LANDING_START)

    with dg.build_sensor_context() as context:
        first = definitions.landing_sensor(context)
    assert [r.run_key for r in first.run_requests] == [str(done.resolve())]
    assert first.run_requests[0].partition_key == "2026-06-01"
    assert "2019-01-01" not in first.cursor, "a folder outside the partitions is said again next tick"

    with dg.build_sensor_context(cursor=first.cursor) as context:
        second = definitions.landing_sensor(context)
    assert second.run_requests == [], "the same folder is not requested again"

    (late / "_SUCCESS").touch()
    with dg.build_sensor_context(cursor=second.cursor) as context:
        third = definitions.landing_sensor(context)
    assert [r.run_key for r in third.run_requests] == [str(late.resolve())]
    assert third.run_requests[0].partition_key == "2026-06-02"


def test_a_day_without_its_landing_folder_stops_before_loading(definitions, tmp_path, monkeypatch):
    """A partition whose folder has not landed (no `_SUCCESS`) fails landed_raw, naming the day;
    nothing is loaded or built."""
    published = _env(monkeypatch, tmp_path)
    monkeypatch.setenv("CX_LANDING_ROOT", str(tmp_path / "exports"))
    _landing(tmp_path / "exports", "2026-06-01", success=True)
    _landing(tmp_path / "exports", "2026-06-02", success=False)
    job = definitions.defs.resolve_job_def("cx_load_and_build")
    result = job.execute_in_process(
        tags={ASSET_PARTITION_RANGE_START_TAG: "2026-06-01", ASSET_PARTITION_RANGE_END_TAG: "2026-06-02"},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landed_raw"
    assert "for 2026-06-02: nothing was loaded" in failure.event_specific_data.error.message
    assert not _events(result, "ASSET_MATERIALIZATION")
    assert not published.exists()


def test_backfill_over_a_range_of_days_equals_a_full_refresh(definitions, tmp_path, monkeypatch):
    """A generated sample (7 days, 300 customers, dirty rate 0.05: late rows, re-extractions)
    split into landing folders by load day. Warehouse A: a backfill of the first four days,
    then one of the last three, each one run (the single-run backfill policy: a partition
    range) that appends the range's folders and builds once; the first build is full (the
    warehouse's first), the second incremental. Warehouse B: every row loaded at once, built
    with --full-refresh. Every staging, quarantine, audit, intermediate, metric_inputs and
    mart relation of A equals B's (replay_helpers.compare)."""
    source, exports = tmp_path / "sample", tmp_path / "exports"
    generate(source, customers=300, days=7, start=date(2026, 6, 1), seed=5, dirty_rate=0.05)
    loaded = split_by_load_day(source, exports, date(2026, 6, 2))
    # the daily extracts of the sample's 7 days (a few late rows land a week later: left out,
    # of A and B alike, so each range has a folder for every day)
    days = [d.isoformat() for i, d in enumerate(loaded) if d == loaded[0] + timedelta(days=i)]
    assert len(days) == 7
    for day in days:
        (exports / day / "_SUCCESS").touch()
    published = _env(monkeypatch, tmp_path)
    monkeypatch.setenv("CX_LANDING_ROOT", str(exports))
    job = definitions.defs.resolve_job_def("cx_load_and_build")
    instance = dg.DagsterInstance.ephemeral()
    plans = []
    for start, end in ((days[0], days[3]), (days[4], days[6])):
        backfill = job.execute_in_process(
            tags={ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end},
            instance=instance,
            raise_on_error=False,
        )
        assert backfill.success
        landed = [
            e.partition
            for e in _events(backfill, "ASSET_MATERIALIZATION")
            if e.asset_key == definitions.LANDED
        ]
        assert sorted(landed) == [d for d in days if start <= d <= end]
        said = [e.user_message for e in instance.all_logs(backfill.run_id)]
        plans.append([m.split(":")[0] for m in said if m.startswith(("incremental build", "full build"))])

    b_path = tmp_path / "b.duckdb"
    monkeypatch.setenv("CX_DUCKDB_PATH", str(b_path))
    full_folder(exports, [date.fromisoformat(d) for d in days], tmp_path / "full")
    load(tmp_path / "full")
    build(warehouse_options(tmp_path, "b", full_refresh=True))
    assert compare(published, b_path) == []

    # each run's two dbt steps say their plan
    assert plans == [["full build", "full build"], ["incremental build", "incremental build"]]
    assert _query(
        published, "select count(distinct built_by), bool_and(is_built) from raw.cx_load_ledger"
    ) == [(2, True)]


def test_schedule_hour_and_zone_from_env(tmp_path):
    code = (
        "from cx_metrics.orchestration.definitions import daily_build as s; "
        "print(s.cron_schedule, s.execution_timezone)"
    )
    env = {
        **os.environ,
        "CX_SCHEDULE_HOUR": "4",
        "CX_SCHEDULE_MINUTE": "30",
        "CX_SCHEDULE_TIMEZONE": "Europe/Berlin",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["30", "4", "*", "*", "*", "Europe/Berlin"]


def test_daemon_runs_the_sensor_run(definitions, tmp_path):
    """`dagster-daemon run` headless: the sensor sees a landing folder and its run succeeds."""
    home, landing = tmp_path / "dagster_home", tmp_path / "exports"
    home.mkdir()
    shutil.copy(Path(definitions.__file__).with_name("dagster.yaml"), home / "dagster.yaml")
    folder = _landing(landing, "2026-06-01", success=True)
    published = tmp_path / "wh.duckdb"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": os.pathsep.join([str(project_dir()), os.environ.get("PYTHONPATH", "")]),
        "CX_LANDING_ROOT": str(landing),
        "CX_LANDING_SENSOR_SECONDS": "5",
        "CX_DUCKDB_PATH": str(published),
        "CX_DIRT_THRESHOLD": "0.6",
        "CX_REPORTS_DIR": str(tmp_path / "reports"),
        # far from now: the schedule must not start a second run during the test
        "CX_SCHEDULE_HOUR": str((time.gmtime().tm_hour + 12) % 24),
    }
    # the instance's storage is created here, before the daemon starts (both creating it races)
    instance = dg.DagsterInstance.from_config(str(home))
    daemon = shutil.which("dagster-daemon", path=str(Path(sys.executable).parent))
    log = (tmp_path / "daemon.log").open("w")
    proc = subprocess.Popen(
        [daemon, "run", "-m", "cx_metrics.orchestration.definitions"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    runs = []
    try:
        deadline = time.monotonic() + DAEMON_TIMEOUT
        while time.monotonic() < deadline:
            runs = instance.get_runs()
            if runs and runs[0].is_finished:
                break
            time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    steps = [
        f"{time.strftime('%H:%M:%S', time.gmtime(e.timestamp))} {e.dagster_event.event_type_value} {e.step_key or ''}"
        for run in runs[:1]
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.event_type_value.startswith(("RUN_", "STEP_"))
    ]
    tail = "\n".join(steps) + "\n" + (tmp_path / "daemon.log").read_text()[-3000:]
    assert len(runs) == 1, f"one run from the sensor; daemon log tail:\n{tail}"
    run = runs[0]
    assert run.job_name == "cx_load_and_build"
    assert run.tags.get("dagster/run_key") == str(folder.resolve())
    assert run.status == dg.DagsterRunStatus.SUCCESS, f"daemon log tail:\n{tail}"
    assert _query(published), "the sensor's run loaded the folder and published marts"
