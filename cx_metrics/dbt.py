"""How this package calls dbt: the project folder and the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class DbtError(Exception):
    """The dbt project cannot be found or a dbt command did not succeed."""


def project_dir() -> Path:
    """The dbt project: $CX_PROJECT_DIR, else the folder this package sits in."""
    root = Path(os.environ.get("CX_PROJECT_DIR", PACKAGE_ROOT)).resolve()
    if not (root / "dbt_project.yml").exists():
        raise DbtError(f"{root}: no dbt_project.yml (set CX_PROJECT_DIR to the cx_metrics project)")
    return root


def dbt_command(
    args: list[str],
    target: str | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    vars: str | None = None,
) -> list[str]:
    """The dbt CLI call for this project and our profiles folder, to run in a subprocess.

    A subprocess, not dbt's in-process runner: dbt-duckdb keeps the warehouse file
    open inside the process with its own settings, which blocks read-only checks
    and swapping the file afterwards.
    """
    root = project_dir()
    cmd = [
        sys.executable,
        "-m",
        "dbt.cli.main",
        *args,
        "--project-dir",
        str(root),
        "--profiles-dir",
        str(root / "profiles"),
    ]
    if target:
        cmd += ["--target", target]
    if target_path:
        cmd += ["--target-path", str(target_path)]
    if log_path:
        cmd += ["--log-path", str(log_path)]
    if vars:
        cmd += ["--vars", vars]
    return cmd


def merged_vars(vars_text: str | None, extra: dict) -> str:
    """A dbt --vars text (YAML or JSON, a mapping) with `extra` added, as JSON."""
    import json

    import yaml

    values = yaml.safe_load(vars_text) if vars_text else {}
    if not isinstance(values, dict):
        raise DbtError(f"--vars must be a mapping, got {vars_text!r}")
    return json.dumps({**values, **extra})
