"""The expectation suites on their own (no dbt): dirt shares against the threshold, mart rules."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from cx_metrics import load as load_mod
from cx_metrics.quality import _gx_patches as gx_patches
from cx_metrics.quality import marts, raw, runner
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
    return [
        r
        for r in result.results
        if r.table == "raw.survey_responses"
        and r.column == "score"
        and r.kwargs.get("row_condition") == 'survey_type__key=="nps"'
    ][0]


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
    assert {"layer", "table", "column", "expectation", "severity", "status", "observed", "sample"} <= set(
        checks[0]
    )
    assert any(c["status"] == "warn" and c["unexpected_share"] == pytest.approx(0.01) for c in checks)


@pytest.mark.parametrize(
    "column, rule",
    [
        ("service_level", (0, 1)),
        ("abandon_rate", (0, 1)),
        ("nps", (-100, 100)),
        ("ixs", (0, 100)),
        ("aht_p50_seconds", (0, None)),
        ("first_reply_seconds_avg", (0, None)),
        ("work_cost", (0, None)),
        ("long_interaction_minutes", (0, None)),
        ("answered_legs", None),
    ],
)
def test_mart_rules_follow_column_names(column, rule):
    got = marts.column_rule(column)
    assert (got[:2] if got else None) == rule


def test_gx_speedups_do_not_change_results(tmp_path, monkeypatch):
    """Configuration built once per expectation and no YAML saves: the same results as plain GX."""
    monkeypatch.setenv("CX_DUCKDB_PATH", str(tmp_path / "wh.duckdb"))
    load_mod.load(fixture_folder(tmp_path / "raw", 1), progress=lambda m: None)
    database = load_mod.duckdb_path()

    def results() -> list[dict]:
        layer = QualityRun(None).validate("raw", database, raw.suite(database, REPO, dirt_threshold=0.05))
        return [asdict(r) for r in layer.results]

    tuned = results()
    monkeypatch.setattr(gx_patches, "TUNED_GX_VERSION", "none: run GX as it comes")
    plain = results()
    assert len(tuned) > 50 and any(r["status"] == "warn" for r in tuned)
    assert tuned == plain


def test_background_start_reraises_in_the_caller(monkeypatch):
    def broken():
        raise ImportError("no GX here")

    monkeypatch.setattr(runner, "import_gx", broken)
    quality = QualityRun(None, background=True)
    with pytest.raises(ImportError, match="no GX here"):
        quality.ready()
    assert isinstance(quality.start_error, ImportError)


def test_gx_import_defers_distribution_modules(tmp_path):
    """scipy.stats and altair load on first use, not with GX (a fresh interpreter: nothing imported yet)."""
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys\n"
        "from cx_metrics.quality._gx_patches import _OnFirstUse, import_gx\n"
        "import_gx()\n"
        "import great_expectations.expectations.core.expect_column_kl_divergence_to_be_less_than as kl\n"
        "assert isinstance(kl.stats, _OnFirstUse) and isinstance(kl.alt, _OnFirstUse)\n"
        "assert 'scipy.stats' not in sys.modules and 'altair' not in sys.modules\n"
        "assert round(kl.stats.entropy([0.5, 0.5]), 4) == 0.6931  # the real scipy.stats, loaded now\n"
        "import scipy.stats, altair\n"
        "assert not isinstance(scipy.stats, _OnFirstUse) and not isinstance(altair, _OnFirstUse)\n"
        "print('deferred')\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("deferred")


def test_gx_imports_where_main_has_no_file():
    """`python -c` (and Dagster's run workers) have a __main__ without __spec__ or __file__:
    pyspark's Spark Connect import took that for its doctest runner and exited the process
    (code 0, silently) while GX imported it."""
    code = "from cx_metrics.quality._gx_patches import import_gx; import_gx(); print('imported')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "imported", out.stderr[-2000:]
