"""The expectation suites on their own (no dbt): dirt shares against the threshold, mart rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cx_metrics import load as load_mod
from cx_metrics.quality import marts, raw
from cx_metrics.quality.runner import QualityRun, write_report
from quality_helpers import fixture_folder

pytestmark = pytest.mark.filterwarnings("ignore")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quality() -> QualityRun:
    """One GX context for the module (its import is the slow part)."""
    return QualityRun(None)


def _survey_score_results(quality: QualityRun, tmp_path: Path, out_of_scale: int, monkeypatch):
    monkeypatch.setenv("CX_DUCKDB_PATH", str(tmp_path / "wh.duckdb"))
    load_mod.load(fixture_folder(tmp_path / "raw", out_of_scale), progress=lambda m: None)
    database = load_mod.duckdb_path()
    result = quality.validate("raw", database, raw.suite(database, REPO, dirt_threshold=0.05))
    return [r for r in result.results if r.table == "raw.survey_responses" and r.column == "score"
            and r.kwargs.get("row_condition") == 'survey_type__key=="nps"'][0]


def test_one_percent_out_of_scale_warns_with_its_share(quality, tmp_path, monkeypatch):
    result = _survey_score_results(quality, tmp_path, 1, monkeypatch)
    assert (result.status, result.severity, result.unexpected_count) == ("warn", "dirt", 1)
    assert result.unexpected_share == pytest.approx(0.01)
    assert result.sample == [11]


def test_all_out_of_scale_blocks_at_default_threshold(quality, tmp_path, monkeypatch):
    result = _survey_score_results(quality, tmp_path, 100, monkeypatch)
    assert result.status == "fail"
    assert result.message() == (
        "layer raw: raw.survey_responses.score: expect_column_values_to_be_between failed; "
        "100 of 100 rows (100.0%); sample [11, 11, 11, 11, 11]"
    )


def test_report_json_holds_every_check(quality, tmp_path, monkeypatch):
    _survey_score_results(quality, tmp_path, 1, monkeypatch)
    write_report(tmp_path / "r.json", {"run_id": "x"}, quality.layers)
    body = json.loads((tmp_path / "r.json").read_text())
    checks = body["layers"][-1]["checks"]
    assert {"layer", "table", "column", "expectation", "severity", "status", "observed", "sample"} <= set(checks[0])
    assert any(c["status"] == "warn" and c["unexpected_share"] == pytest.approx(0.01) for c in checks)


@pytest.mark.parametrize("column, rule", [
    ("service_level", (0, 1)), ("abandon_rate", (0, 1)), ("nps", (-100, 100)), ("ixs", (0, 100)),
    ("aht_p50_seconds", (0, None)), ("first_reply_seconds_avg", (0, None)), ("work_cost", (0, None)),
    ("long_interaction_minutes", (0, None)), ("answered_legs", None),
])
def test_mart_rules_follow_column_names(column, rule):
    got = marts.column_rule(column)
    assert (got[:2] if got else None) == rule
