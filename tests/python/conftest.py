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
