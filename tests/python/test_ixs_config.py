"""The IXS configuration (var `ixs`): validated at parse time, and a custom one changes the marts.

Each wrong configuration must stop dbt with a message that names the
component (position and metric) and lists the valid metric names. Cases run
`dbt parse` (the check runs when the model is parsed, so `compile`, `run` and
`build` stop the same way) in a subprocess with `--vars`, in private target
and log folders so they never touch another run's artefacts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cx_metrics.load import load

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
VALID_METRICS = (
    "abandon_rate, aht_minutes, asa_seconds, benefit_cost_ratio, callback_rate, ces, compliance_rate, "
    "contacts, cost_per_contact, csat, empathy_mean, fcr_rate, handled_contacts, nps, reopen_rate, "
    "repeat_contact_rate, retention_rate, revenue, service_level, sps, work_cost"
)
GOOD = {"metric": "fcr_rate", "weight": 0.5, "worst": 0.5, "best": 0.9}
TWO_COMPONENTS = {
    "components": [
        {"metric": "fcr_rate", "weight": 0.6, "worst": 0.5, "best": 0.9},
        {"metric": "retention_rate", "weight": 0.4, "worst": 0.1, "best": 0.5},
    ]
}


def dbt(args: list[str], tmp_path: Path, ixs: dict | None = None) -> subprocess.CompletedProcess[str]:
    """Run dbt on this project with private target/log folders (and `ixs` as --vars)."""
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(REPO),
        "--profiles-dir",
        str(REPO / "profiles"),
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
    ]
    if ixs is not None:
        command += ["--vars", json.dumps({"ixs": ixs})]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.setdefault("CX_DUCKDB_PATH", str(tmp_path / "unused.duckdb"))
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        pytest.param(
            [GOOD, {"metric": "nsp", "weight": 0.5, "worst": -20, "best": 60}],
            "component 2 (metric: nsp): unknown metric 'nsp'",
            id="unknown-metric",
        ),
        pytest.param(
            [{"metric": "nps", "weight": 0, "worst": -20, "best": 60}, GOOD],
            "component 1 (metric: nps): weight must be > 0, got 0",
            id="zero-weight",
        ),
        pytest.param(
            [GOOD, {"metric": "csat", "weight": -0.2, "worst": 60, "best": 95}],
            "component 2 (metric: csat): weight must be > 0, got -0.2",
            id="negative-weight",
        ),
        pytest.param(
            [GOOD, {"metric": "ces", "weight": 0.1, "worst": 5, "best": 5}],
            "component 2 (metric: ces): worst and best are equal (5)",
            id="worst-equals-best",
        ),
        pytest.param(
            [GOOD, {"metric": "aht_minutes", "weight": 0.1, "worst": 15}],
            "component 2 (metric: aht_minutes): missing key 'best'",
            id="missing-key",
        ),
    ],
)
def test_wrong_ixs_stops_dbt_naming_the_component_and_listing_valid_metrics(
    tmp_path: Path, components: list[dict], expected: str
) -> None:
    result = dbt(["parse"], tmp_path, ixs={"components": components})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert expected in output
    assert f"Valid metric names: {VALID_METRICS}." in output


def test_custom_two_component_ixs_changes_mart_ixs_monthly(
    raw_folder: Path, warehouse: Path, tmp_path: Path
) -> None:
    """fcr_rate + retention_rate on the fixtures: June's fcr_rate is 1.0 (score 100) and no value
    window has closed (as_of is in June), so retention_rate is missing and the IXS is the FCR score
    alone, 100, not renormalised to 60. The default configuration gives 7 components and another IXS."""
    load(raw_folder)
    assert dbt(["seed"], tmp_path).returncode == 0
    built = dbt(["run", "--select", "+mart_ixs_monthly"], tmp_path, ixs=TWO_COMPONENTS)
    assert built.returncode == 0, built.stdout

    with duckdb.connect(str(warehouse), read_only=True) as con:
        components = con.execute(
            "select metric, value, score, weight, contribution from marts.mart_ixs_components_monthly "
            "where month = date '2026-06-01' order by metric"
        ).fetchall()
        ixs = con.execute(
            "select ixs, components_used, components_missing from marts.mart_ixs_monthly "
            "where month = date '2026-06-01'"
        ).fetchone()
    assert components == [
        ("fcr_rate", 1.0, 100.0, 0.6, pytest.approx(100.0)),
        ("retention_rate", None, None, 0.4, None),
    ]
    assert ixs == (pytest.approx(100.0), 1, "retention_rate")

    default = dbt(["run", "--select", "mart_ixs_components_monthly", "mart_ixs_monthly"], tmp_path)
    assert default.returncode == 0, default.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        metrics = con.execute(
            "select count(*) from marts.mart_ixs_components_monthly where month = date '2026-06-01'"
        ).fetchone()
        default_ixs = con.execute(
            "select ixs, components_used, components_missing from marts.mart_ixs_monthly "
            "where month = date '2026-06-01'"
        ).fetchone()
    assert metrics == (7,)
    assert default_ixs[1:] == (7, None)
    assert default_ixs[0] == pytest.approx(97.43254, abs=1e-4)
