"""Run the project's dbt analyses (``analyses/*.sql``) against a DuckDB warehouse, read-only.

Why: the analyses answer the questions the metrics exist for (does handle time
buy resolution, why the IXS moved, ...). dbt only compiles analyses; this
module compiles them (``dbt compile --select "resource_type:analysis"``) and
runs each compiled query on a read-only connection, so the demo shows their
first rows and the fixture build proves they run.

The compile step points dbt at a scratch file with the warehouse's file name:
dbt-duckdb names relations after the file's stem, so the compiled SQL resolves
in the real warehouse, which dbt never opens.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cx_metrics.dbt import DbtError, dbt_command, project_dir

SHOWN_ROWS = 5


@dataclass(frozen=True)
class AnalysisResult:
    """One analysis: its name, its columns and its rows."""

    name: str
    columns: list[str]
    rows: list[tuple]


def compile_analyses(database: Path, target_path: Path) -> list[Path]:
    """Compile every analysis for ``database``; the compiled SQL files, by name."""
    with tempfile.TemporaryDirectory(prefix="cx-analyses-") as scratch:
        env = {**os.environ, "CX_TARGET": "duckdb", "CX_DUCKDB_PATH": str(Path(scratch) / database.name)}
        done = subprocess.run(
            dbt_command(
                ["compile", "--select", "resource_type:analysis", "--quiet"],
                "duckdb",
                target_path,
                Path(scratch) / "logs",
            ),
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise DbtError("dbt compile of the analyses failed:\n" + (done.stdout + done.stderr)[-3000:])
    compiled = target_path / "compiled" / "cx_metrics" / "analyses"
    files = sorted(compiled.glob("*.sql"))
    expected = sorted((project_dir() / "analyses").glob("*.sql"))
    if len(files) != len(expected):
        raise DbtError(f"{len(expected)} analyses, {len(files)} compiled into {compiled}")
    return files


def run_compiled(database: Path, files: list[Path]) -> list[AnalysisResult]:
    """Execute each compiled analysis on one read-only connection."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        results = []
        for path in files:
            cursor = con.execute(path.read_text(encoding="utf-8"))
            columns = [d[0] for d in cursor.description]
            results.append(AnalysisResult(path.stem, columns, cursor.fetchall()))
        return results
    finally:
        con.close()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "null" if value is None else str(value)


def show(result: AnalysisResult, say: Callable[[str], None], limit: int = SHOWN_ROWS) -> None:
    """The analysis name, row count and its first rows as aligned text."""
    say(
        f"analysis {result.name}: {len(result.rows)} rows"
        + (f", first {limit}:" if len(result.rows) > limit else ":")
    )
    table = [result.columns] + [[_cell(v) for v in row] for row in result.rows[:limit]]
    widths = [max(len(line[i]) for line in table) for i in range(len(result.columns))]
    for line in table:
        say("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def run_analyses(
    database: Path, say: Callable[[str], None], target_path: Path | None = None, limit: int = SHOWN_ROWS
) -> list[AnalysisResult]:
    """Compile and run every analysis against ``database`` (read-only) and print its first rows."""
    with tempfile.TemporaryDirectory(prefix="cx-analyses-target-") as scratch:
        files = compile_analyses(database, target_path or Path(scratch))
        results = run_compiled(database, files)
    for result in results:
        show(result, say, limit)
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m cx_metrics.analyses --database FILE``: used by the fixture build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--target-path", type=Path, default=None, help="keep the compiled SQL here")
    parser.add_argument("--require-rows", action="store_true", help="fail when an analysis returns no row")
    args = parser.parse_args(argv)
    results = run_analyses(
        args.database.resolve(),
        lambda m: print(m, flush=True),
        args.target_path.resolve() if args.target_path else None,
    )
    empty = [r.name for r in results if not r.rows]
    if args.require_rows and empty:
        print(f"analyses without rows: {', '.join(empty)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
