"""Load a folder of raw exports (`<table>.parquet` / `<table>.csv`) into schema `raw`.

All-or-nothing: every file is validated first (readable, required columns
present, values castable to the contract type) and only then are the raw
tables replaced, in a single transaction. A bad file therefore leaves the
previous raw tables exactly as they were, and the error names the file, the
table and the column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from cx_metrics.contract import DUCKDB_TYPES, TABLES, Table

DEFAULT_DUCKDB_PATH = "warehouse/cx_metrics.duckdb"


class LoadError(Exception):
    """A raw file that cannot be loaded; the message names file, table and column."""


@dataclass(frozen=True)
class RawFile:
    """One validated raw file and the contract table it feeds."""

    table: Table
    path: Path
    rows: int

    @property
    def reader(self) -> str:
        """A DuckDB table function reading the file as text-free as possible."""
        quoted = str(self.path).replace("'", "''")
        if self.path.suffix == ".csv":
            # Everything as text: the contract types are applied by our own casts,
            # so a bad value is reported by column instead of failing CSV sniffing.
            return f"read_csv('{quoted}', header = true, all_varchar = true)"
        return f"read_parquet('{quoted}')"

    def select_sql(self) -> str:
        """The contract columns, cast to their contract types; extra columns dropped."""
        casts = ",\n    ".join(
            f'cast("{name}" as {DUCKDB_TYPES[kind]}) as "{name}"'
            for name, kind in self.table.columns.items()
        )
        return f"select\n    {casts}\nfrom {self.reader}"


def duckdb_path() -> Path:
    """The warehouse file: env var CX_DUCKDB_PATH, else warehouse/cx_metrics.duckdb."""
    return Path(os.environ.get("CX_DUCKDB_PATH", DEFAULT_DUCKDB_PATH)).resolve()


def find_files(folder: Path) -> list[tuple[Table, Path]]:
    """The contract tables present in `folder`, one file each (Parquet preferred)."""
    if not folder.is_dir():
        raise LoadError(f"{folder}: not a folder of raw exports")
    found = []
    for name, table in TABLES.items():
        candidates = [folder / f"{name}.parquet", folder / f"{name}.csv"]
        present = [p for p in candidates if p.exists()]
        if len(present) == 2:
            raise LoadError(f"{folder}: table '{name}' has both a .parquet and a .csv file; keep one")
        if present:
            found.append((table, present[0]))
    if not found:
        expected = ", ".join(f"{n}.parquet" for n in TABLES)
        raise LoadError(f"{folder}: no raw files found (expected some of: {expected}, or .csv)")
    return found


def _validate(con: duckdb.DuckDBPyConnection, table: Table, path: Path) -> RawFile:
    """Check one file against the contract; raise LoadError naming what is wrong."""
    probe = RawFile(table, path, 0)
    try:
        described = con.execute(f"describe select * from {probe.reader}").fetchall()
    except duckdb.Error as exc:
        raise LoadError(f"{path}: cannot read file for table '{table.name}': {exc}") from exc
    present = {row[0] for row in described}
    missing = [c for c in table.columns if c not in present]
    if missing:
        raise LoadError(
            f"{path}: table '{table.name}' is missing required column(s) "
            + ", ".join(f"'{c}'" for c in missing)
        )
    for name, kind in table.columns.items():
        target = DUCKDB_TYPES[kind]
        bad, sample = con.execute(
            f'select count(*), any_value(cast("{name}" as varchar)) from {probe.reader} '
            f'where "{name}" is not null and try_cast("{name}" as {target}) is null'
        ).fetchone()
        if bad:
            raise LoadError(
                f"{path}: table '{table.name}', column '{name}': {bad} value(s) are not of type "
                f"{kind} (e.g. {sample!r})"
            )
    rows = con.execute(f"select count(*) from {probe.reader}").fetchone()[0]
    return RawFile(table, path, rows)


def validate_folder(folder: str | Path) -> list[RawFile]:
    """Validate every raw file in `folder`; nothing is written."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        return [_validate(con, table, path) for table, path in find_files(Path(folder))]
    finally:
        con.close()


def load_duckdb(files: list[RawFile], database: Path) -> None:
    """Replace the raw tables of a DuckDB file in one transaction."""
    database.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        con.execute("create schema if not exists raw")
        for raw in files:
            con.execute(f"create or replace table raw.{raw.table.name} as {raw.select_sql()}")
        con.execute("commit")
    except duckdb.Error as exc:
        con.execute("rollback")
        raise LoadError(f"load into {database} failed, nothing was changed: {exc}") from exc
    finally:
        con.close()


def load(
    folder: str | Path,
    target: str = "duckdb",
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Validate and load `folder` into the target's `raw` schema; returns rows per table."""
    say = progress or (lambda _msg: None)
    files = validate_folder(folder)
    for raw in files:
        say(f"validated {raw.path.name}: {raw.rows:,} rows")
    if target == "duckdb":
        database = duckdb_path()
        load_duckdb(files, database)
        say(f"loaded {len(files)} tables into {database} (schema raw)")
    else:
        raise LoadError(f"unknown target '{target}' (available: duckdb)")
    return {raw.table.name: raw.rows for raw in files}
