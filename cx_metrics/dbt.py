"""Run dbt in-process against this project, with our profiles folder."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class DbtError(Exception):
    """A dbt command that did not succeed."""


def project_dir() -> Path:
    """The dbt project: $CX_PROJECT_DIR, else the folder this package sits in."""
    root = Path(os.environ.get("CX_PROJECT_DIR", PACKAGE_ROOT)).resolve()
    if not (root / "dbt_project.yml").exists():
        raise DbtError(f"{root}: no dbt_project.yml (set CX_PROJECT_DIR to the cx_metrics project)")
    return root


def quiet_environment() -> None:
    """Keep dbt and GX from calling out (no network here, and none wanted)."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def run_dbt(args: list[str], target: str | None = None) -> None:
    """Invoke `dbt <args>` for this project; raise DbtError unless it succeeds."""
    from dbt.cli.main import dbtRunner  # imported late: dbt's import takes a second

    quiet_environment()
    root = project_dir()
    full = [*args, "--project-dir", str(root), "--profiles-dir", str(root / "profiles")]
    if target:
        full += ["--target", target]
    result = dbtRunner().invoke(full)
    if not result.success:
        detail = f": {result.exception}" if result.exception else ""
        raise DbtError(f"dbt {' '.join(args)} failed{detail}")
