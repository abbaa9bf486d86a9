"""The dbt manifest the code location is built from, prepared once with `dbt parse`.

dagster-dbt reads `manifest.json` when the code location is imported; only `dagster dev`
prepares it (DbtProject.prepare_if_dev), so a daemon, a test or `dagster
definitions validate` would find none or a stale one. This module parses the project
when the manifest is missing or older than any dbt file, says so, and swaps the new
manifest in atomically (each Dagster process imports the code location).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from cx_metrics.dbt import DbtError, dbt_command, project_dir

DBT_FOLDERS = ("models", "macros", "seeds", "snapshots", "analyses", "tests")
DBT_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md"}


def manifest_dir() -> Path:
    """$CX_DAGSTER_MANIFEST_DIR, else `target/dagster_manifest` in the dbt project."""
    value = os.environ.get("CX_DAGSTER_MANIFEST_DIR")
    return Path(value).resolve() if value else project_dir() / "target" / "dagster_manifest"


def dbt_target_dir() -> Path:
    """The dbt steps' target folder: one folder per dbt call (dagster-dbt's), and the last
    call's partial_parse.msgpack, which the next call starts from (definitions._dbt_build)."""
    return manifest_dir().parent / "dagster_dbt"


def _newest_source(root: Path) -> float:
    newest = (root / "dbt_project.yml").stat().st_mtime
    for folder in DBT_FOLDERS:
        for path in (root / folder).rglob("*"):
            if path.suffix in DBT_SUFFIXES and "python" not in path.parts and "fixtures" not in path.parts:
                newest = max(newest, path.stat().st_mtime)
    return newest


def prepared_manifest(say=None) -> Path:
    """The path of an up-to-date manifest.json, running `dbt parse` first when needed."""
    say = say or (lambda m: print(f"[cx-metrics] {m}", file=sys.stderr, flush=True))
    root = project_dir()
    manifest = manifest_dir() / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source(root):
        return manifest
    why = "missing" if not manifest.exists() else "older than the dbt project"
    say(f"dbt manifest {why}: running `dbt parse` once for the Dagster code location ({manifest})")
    scratch = manifest.parent.with_name(f"{manifest.parent.name}.{uuid.uuid4().hex[:8]}")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    try:
        done = subprocess.run(
            dbt_command(["parse", "--quiet"], target_path=scratch, log_path=scratch),
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not (scratch / "manifest.json").exists():
            raise DbtError(f"dbt parse failed ({done.returncode}): {(done.stdout + done.stderr)[-1500:]}")
        manifest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / "manifest.json", manifest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    say(f"dbt manifest ready: {manifest}")
    return manifest
