"""How this package calls dbt: the project folder and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
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


class DbtWorker:
    """A dbt process started ahead of its step (cx_metrics.dbt_worker): it imports dbt while
    the caller does other work, then runs the one command `run` sends it.

    `run` returns the process's output, line by line, and then its exit code is
    `returncode`; `cancel` ends a worker that will not be used. A subprocess, as
    dbt_command's is, so that dbt's DuckDB handle is closed when the step ends.
    """

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cx_metrics.dbt_worker"],
            env={**os.environ, **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.returncode: int | None = None

    def run(self, command: list[str], env: dict[str, str]) -> Iterator[str]:
        """Send `command` (a dbt_command list: only the arguments after dbt's module are
        sent) with the variables to set first; yield its output lines, then wait for it."""
        args = command[command.index("dbt.cli.main") + 1 :]
        try:
            self.proc.stdin.write(json.dumps({"args": args, "env": env}) + "\n")
            self.proc.stdin.close()
        except BrokenPipeError:  # it ended early (e.g. dbt failed to import): its output says why
            pass
        yield from self.proc.stdout
        self.returncode = self.proc.wait()

    def cancel(self) -> None:
        """End the worker without running anything (end of input), if it has not run."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def merged_vars(vars_text: str | None, extra: dict) -> str:
    """A dbt --vars text (YAML or JSON, a mapping) with `extra` added, as JSON."""
    import json

    import yaml

    values = yaml.safe_load(vars_text) if vars_text else {}
    if not isinstance(values, dict):
        raise DbtError(f"--vars must be a mapping, got {vars_text!r}")
    return json.dumps({**values, **extra})
