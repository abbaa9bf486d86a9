"""Helpers shared by the quality and pipeline tests: fixture folders with injected dirt."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb

from cx_metrics.dbt import project_dir
from cx_metrics.pipeline import BuildOptions

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "raw"
# Rows per raw table of the hand-built fixtures (tests/fixtures/raw), as the loader counts them.
FIXTURE_COUNTS = {
    "customers": 5,
    "products": 2,
    "orders": 4,
    "returns": 2,
    "agents": 2,
    "tickets": 5,
    "ticket_events": 9,
    "calls": 8,
    "survey_responses": 4,
    "qa_evaluations": 2,
    "social_mentions": 2,
}


def query(database: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on a DuckDB warehouse file, opened read-only for this query only."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def build_options(tmp: Path, **extra) -> BuildOptions:
    """Guarded-build options writing dbt's target, logs and reports under `tmp`, quietly,
    at a dirt threshold (0.6) the fixtures' injected dirt stays under."""
    return BuildOptions(
        dirt_threshold=0.6,
        dbt_target_path=tmp / "target",
        dbt_log_path=tmp / "logs",
        reports_dir=tmp / "reports",
        progress=lambda m: None,
        **extra,
    )


SURVEY_COLUMNS = [
    "response_id",
    "survey_type",
    "customer_id",
    "ticket_id",
    "call_id",
    "sent_at",
    "responded_at",
    "score",
    "comment",
    "_loaded_at",
]


def fixture_folder(dest: Path, out_of_scale: int, rows: int = 100) -> Path:
    """The hand-built fixtures with survey_responses replaced by `rows` NPS answers,
    `out_of_scale` of them scoring 11 (outside 0..10)."""
    shutil.copytree(FIXTURES, dest)
    with (dest / "survey_responses.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SURVEY_COLUMNS)
        for i in range(rows):
            score = 11 if i < out_of_scale else 8
            writer.writerow(
                [
                    f"R{i:03d}",
                    "nps",
                    "C1",
                    "",
                    "",
                    "2026-06-01 12:00:00",
                    "2026-06-01 13:00:00",
                    score,
                    "",
                    "2026-06-02 02:00:00",
                ]
            )
    return dest


def project_without_dedupe(folder: Path) -> Path:
    """A copy of the dbt project whose clean_rows macro lets superseded copies through
    (duplicate keys in every stg_ model): a fault no setting of the real project can cause."""
    root = project_dir()
    skip = shutil.ignore_patterns("python", "fixtures", "__pycache__", "target", "logs")
    folder.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles", "macros", "models", "seeds", "tests", "analyses"):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=skip)
        elif source.exists():
            shutil.copy(source, folder / name)
    macro = folder / "macros" / "staging" / "quarantine.sql"
    text = macro.read_text()
    assert "where _quarantine_reason is null and not _is_superseded" in text
    macro.write_text(
        text.replace(
            "where _quarantine_reason is null and not _is_superseded", "where _quarantine_reason is null"
        )
    )
    return folder
