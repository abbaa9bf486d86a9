"""Shared pytest fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "raw"


@pytest.fixture()
def raw_folder(tmp_path: Path) -> Path:
    """A private copy of the hand-built fixture CSVs, safe to break."""
    folder = tmp_path / "raw"
    shutil.copytree(FIXTURES, folder)
    return folder


@pytest.fixture()
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private DuckDB warehouse file for the test."""
    path = tmp_path / "wh.duckdb"
    monkeypatch.setenv("CX_DUCKDB_PATH", str(path))
    return path


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo warehouse on DuckDB: the sample generator (400 customers, June to September 2026),
    loaded and built with dbt (seeds and models; the fixture builds run the tests). About 40 s.
    Returns its folder: cx_metrics.duckdb, and target/ (the dbt artefacts, semantic manifest included).
    """
    import os
    import subprocess
    import sys
    from datetime import date

    from cx_metrics.generate import generate
    from cx_metrics.load import load

    folder = tmp_path_factory.mktemp("demo")
    database = folder / "cx_metrics.duckdb"
    generate(folder / "raw", customers=400, days=122, start=date(2026, 6, 1), seed=42)
    env = {
        **os.environ,
        "CX_TARGET": "duckdb",
        "CX_DUCKDB_PATH": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    previous = os.environ.get("CX_DUCKDB_PATH")
    os.environ["CX_DUCKDB_PATH"] = str(database)
    try:
        load(folder / "raw", target="duckdb")
    finally:
        if previous is None:
            os.environ.pop("CX_DUCKDB_PATH")
        else:
            os.environ["CX_DUCKDB_PATH"] = previous
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            "build",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--project-dir",
            str(REPO),
            "--profiles-dir",
            str(REPO / "profiles"),
            "--target",
            "duckdb",
            "--target-path",
            str(folder / "target"),
            "--log-path",
            str(folder / "logs"),
            "--quiet",
        ],
        check=True,
        env=env,
        cwd=folder,
    )
    return folder
