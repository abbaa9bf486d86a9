"""Fault injection into the guarded build: where it stops, what it says, what stays published.

One real good build (fixtures with 1% out-of-scale surveys) is shared by the module;
each fault runs the pipeline against a private copy of that published warehouse.
The fixtures are deliberately dirtier than 5% per table, so the pipeline runs use a
dirt threshold of 60% (test_quality.py checks the default 5% on its own).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from cx_metrics import load as load_mod
from cx_metrics.pipeline import BuildOptions, PipelineStopped, build, build_file_for
from quality_helpers import build_options, fixture_folder, project_without_dedupe, query

pytestmark = pytest.mark.filterwarnings("ignore")
MART_QUERY = "select date_day, queue, offered_legs, service_level from marts.mart_queue_daily order by all"


def _options(tmp: Path, **extra) -> BuildOptions:
    # the faults rebuild data every build has covered: without it a build finds nothing new
    return build_options(tmp, **{"full_refresh": True, **extra})


def _query(database: Path, sql: str = MART_QUERY) -> list[tuple]:
    return query(database, sql)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict:
    """A published warehouse from a passing guarded build (1% of surveys out of scale)."""
    tmp = tmp_path_factory.mktemp("good")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DUCKDB_PATH", str(tmp / "wh.duckdb"))
        load_mod.load(fixture_folder(tmp / "raw", out_of_scale=1), progress=lambda m: None)
        result = build(_options(tmp))
    return {"tmp": tmp, "published": tmp / "wh.duckdb", "result": result, "marts": _query(tmp / "wh.duckdb")}


@pytest.fixture()
def published(good, tmp_path, monkeypatch) -> Path:
    """A private copy of the good published warehouse, as CX_DUCKDB_PATH."""
    path = tmp_path / "wh.duckdb"
    shutil.copyfile(good["published"], path)
    monkeypatch.setenv("CX_DUCKDB_PATH", str(path))
    return path


def test_one_percent_out_of_scale_warns_quarantines_and_publishes(good):
    assert good["marts"], "the good build published mart rows"
    quarantined = _query(
        good["published"],
        "select record_key, reason_code from quarantine.quarantine_surveys__survey_responses",
    )
    assert quarantined == [("R000", "score_out_of_scale")]
    report = json.loads((good["result"].report_dir / "quality_report.json").read_text())
    assert report["outcome"] == "published"
    score = [
        c
        for layer in report["layers"]
        for c in layer["checks"]
        if c["table"] == "raw.survey_responses" and c["column"] == "score" and c["status"] == "warn"
    ]
    assert score and score[0]["unexpected_share"] == pytest.approx(0.01)
    docs = good["result"].report_dir / "data_docs"
    assert (docs / "index.html").exists()
    # raw and staging pages are written while dbt builds, the rest at the end: all three are there
    assert {p.name for p in (docs / "validations").iterdir()} == {"raw", "staging", "marts"}
    assert {p.name for p in (docs / "expectations").iterdir()} == {"raw", "staging", "marts"}
    assert report["great_expectations_start"]["seconds"] > 0
    assert (good["result"].report_dir.parent / "latest").resolve() == good["result"].report_dir


def test_missing_required_column_stops_at_raw(good, published, tmp_path):
    con = duckdb.connect(str(published))
    con.execute("alter table raw.calls drop column ended_at")
    con.close()
    with pytest.raises(PipelineStopped) as stop:
        build(_options(tmp_path))
    assert (stop.value.layer, stop.value.step) == ("raw", "raw checks")
    assert str(stop.value) == (
        "stopped at layer raw (raw checks): 1 blocking check(s) failed: layer raw: raw.calls.ended_at: "
        "expect_column_values_to_be_in_set failed; 1 of 16 rows (6.2%); sample ['ended_at: missing']"
    )
    assert _query(published) == good["marts"]


def test_all_surveys_out_of_scale_stop_at_raw(good, published, tmp_path):
    load_mod.load(fixture_folder(tmp_path / "raw", out_of_scale=100), progress=lambda m: None)
    with pytest.raises(PipelineStopped) as stop:
        build(_options(tmp_path))
    assert (stop.value.layer, stop.value.step) == ("raw", "raw checks")
    assert str(stop.value) == (
        "stopped at layer raw (raw checks): 1 blocking check(s) failed: layer raw: "
        "raw.survey_responses.score: expect_column_values_to_be_between failed; "
        "100 of 100 rows (100.0%); sample [11, 11, 11, 11, 11]"
    )
    assert _query(published) == good["marts"], "load replaced raw only; the old marts still answer"


def test_duplicate_keys_in_staging_stop_at_staging_and_keep_old_marts(good, published, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_PROJECT_DIR", str(project_without_dedupe(tmp_path / "project")))
    with pytest.raises(PipelineStopped) as stop:
        build(_options(tmp_path))
    assert (stop.value.layer, stop.value.step) == ("staging", "dbt build")
    message = str(stop.value)
    assert message.startswith("stopped at layer staging (dbt build): dbt build failed: ")
    assert "unique_stg_telephony__calls_call_id (fail: Got 1 result, configured to fail if != 0)" in message
    assert (
        "layer staging: staging.stg_commerce__customers.customer_id: expect_column_values_to_be_unique "
        "failed; 2 of 4 rows (50.0%); sample ['C3', 'C3']"
    ) in message
    assert _query(published) == good["marts"]
    assert build_file_for(published).exists(), "the failed build is kept for inspection"


def test_mart_rate_outside_0_1_stops_at_marts_and_keeps_old_marts(good, published, tmp_path):
    def corrupt(build_file: Path) -> None:
        con = duckdb.connect(str(build_file))
        con.execute("update marts.mart_queue_daily set service_level = 1.5")
        con.close()

    # dbt is stubbed: the copy already holds the marts of the good build, so the test
    # exercises the gates and the publish step without a second full dbt build.
    with pytest.raises(PipelineStopped) as stop:
        build(_options(tmp_path, dbt_build=lambda args, db, opts: [], before_mart_checks=corrupt))
    rows = len(good["marts"])
    assert (stop.value.layer, stop.value.step) == ("marts", "marts checks")
    assert str(stop.value) == (
        "stopped at layer marts (marts checks): 1 blocking check(s) failed: layer marts: "
        f"marts.mart_queue_daily.service_level: expect_column_values_to_be_between failed; "
        f"{rows} of {rows} rows (100.0%); sample {[1.5] * min(rows, 5)}"
    )
    assert _query(published) == good["marts"]
    assert _query(build_file_for(published), "select distinct service_level from marts.mart_queue_daily") == [
        (1.5,)
    ]
