"""Query the semantic layer (MetricFlow, models/semantic/) from Python.

MetricFlow's CLI (`mf`) reads the semantic manifest only from
`<project>/target/semantic_manifest.json`, while this project keeps one dbt
target folder per build (demo, each engine's fixture build). `query_metrics`
therefore points a throwaway project folder (a link to dbt_project.yml and one
to the build's target folder) at the build and runs every request in one
subprocess, so MetricFlow and dbt's adapter start once per call and never
share dbt's process-wide adapter state with the caller.

MetricFlow supports the duckdb and postgres targets; it has no adapter for
dbt-spark's session method.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from cx_metrics.dbt import DbtError, project_dir

SUPPORTED_TARGETS = ("duckdb", "postgres")


def query_metrics(
    requests: dict[str, dict], target: str, target_path: Path, env: dict[str, str] | None = None
) -> dict[str, list[dict]]:
    """Run MetricFlow requests against one build; {name: rows as dicts}.

    Each request is a dict with `saved_query`, or `metrics` and `group_by`
    (MetricFlow names, e.g. "metric_time__month", "call_leg__queue").
    `target_path` is the dbt target folder of the build (its
    semantic_manifest.json names the relations); `env` adds the variables the
    profile reads (CX_DUCKDB_PATH, CX_PG_*).
    """
    if target not in SUPPORTED_TARGETS:
        raise DbtError(f"MetricFlow has no adapter for target {target!r} (supported: {SUPPORTED_TARGETS})")
    manifest = Path(target_path) / "semantic_manifest.json"
    if not manifest.exists():
        raise DbtError(f"{manifest}: missing (run dbt parse or build with --target-path {target_path})")
    root = project_dir()
    env = dict(env or {})
    if env.get("CX_DUCKDB_PATH"):  # MetricFlow runs in another folder: make the path absolute
        env["CX_DUCKDB_PATH"] = str(Path(env["CX_DUCKDB_PATH"]).resolve())
    with tempfile.TemporaryDirectory(prefix="cx_mf_") as folder:
        project = Path(folder)
        (project / "dbt_project.yml").symlink_to(root / "dbt_project.yml")
        (project / "target").symlink_to(Path(target_path).resolve())
        run_env = {
            **os.environ,
            **env,
            "CX_TARGET": target,
            "DBT_PROFILES_DIR": str(root / "profiles"),
            "DBT_PROJECT_DIR": str(project),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_LOG_PATH": str(project / "logs"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "cx_metrics.semantic"],
            input=json.dumps(requests),
            capture_output=True,
            text=True,
            cwd=project,
            env=run_env,
        )
    if done.returncode != 0:
        raise DbtError(f"MetricFlow query failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _plain(value):
    """A JSON-ready value: numbers as float/int, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _run_in_process(requests: dict[str, dict]) -> dict[str, list[dict]]:
    from dbt_metricflow.cli.cli_configuration import CLIConfiguration
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    config = CLIConfiguration()
    config.setup(configure_file_logging=False)
    results = {}
    for name, request in requests.items():
        frame = config.mf.query(
            MetricFlowQueryRequest.create(
                saved_query_name=request.get("saved_query"),
                metric_names=request.get("metrics"),
                group_by_names=request.get("group_by"),
            )
        ).result_df
        results[name] = [
            {column: _plain(value) for column, value in zip(frame.column_names, row, strict=True)}
            for row in frame.rows
        ]
    return results


if __name__ == "__main__":
    # The subprocess side of query_metrics: requests as JSON on stdin, results as one JSON line last.
    print(json.dumps(_run_in_process(json.loads(sys.stdin.read()))))
