"""Load a folder of raw exports (`<table>.parquet` / `<table>.csv`) into schema `raw`.

All-or-nothing: every file is validated first (readable, required columns
present, values castable to the contract type), in an in-memory DuckDB
whatever the target, and only then are the raw tables replaced. A bad file
therefore leaves the previous raw tables exactly as they were, and the error
names the file, the table and the column.

- duckdb: one transaction in the warehouse file.
- postgres: one transaction; each table is streamed with COPY from a CSV that
  DuckDB writes from the validated, cast select (Postgres has transactional DDL).
- spark: DuckDB writes each table to Parquet; Spark saves them as staging
  tables `raw.<table>__cx_new`, and only when every one is written are they
  swapped in by renames. Spark has no multi-table transactions: a failure while
  writing leaves the old tables untouched; a crash in the short rename phase
  can leave some tables swapped and others not (rerun the load).

A folder may hold any subset of the contract's tables (a team with a helpdesk
export and nothing else). The load replaces the tables it was given and leaves
the others as they were; a contract table that exists nowhere yet is created
empty with the contract's columns, so every source relation exists and every
model builds. What is present is recorded in `raw.cx_loaded_tables` (one row per
contract table: rows, whether it counts as present, when and from which file it
was loaded), which dbt (macro `source_present`) and the quality suites read. A
table counts as present when it was loaded with at least one row: a header-only
file is a source the team does not have (DECISIONLOG.md).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cx_metrics.contract import DUCKDB_TYPES, LOAD_LEDGER, LOAD_RECORD, LOAD_SEQ, TABLES, Table

DEFAULT_DUCKDB_PATH = "warehouse/cx_metrics.duckdb"
TARGETS = ("duckdb", "postgres", "spark")

# Contract type -> column type of the raw tables on the other engines.
POSTGRES_TYPES: dict[str, str] = {
    **DUCKDB_TYPES,
    "text": "text",
    "decimal(12,2)": "numeric(12,2)",
    "decimal(10,2)": "numeric(10,2)",
}
SPARK_TYPES: dict[str, str] = {**DUCKDB_TYPES, "text": "string"}


class LoadError(Exception):
    """A raw file that cannot be loaded; the message names file, table and column."""


@dataclass(frozen=True)
class RawFile:
    """One validated raw file and the contract table it feeds."""

    table: Table
    path: Path
    rows: int
    sha256: str = ""
    event_min: datetime | None = None  # earliest / latest of the table's timestamp and date columns
    event_max: datetime | None = None

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
            f'cast("{name}" as {DUCKDB_TYPES[kind]}) as "{name}"' for name, kind in self.table.columns.items()
        )
        return f"select\n    {casts}\nfrom {self.reader}"

    def select_with_seq(self, seq: int) -> str:
        """select_sql() plus the loader's `_load_seq` column (never read from the file)."""
        casts = ",\n    ".join(
            f'cast("{name}" as {DUCKDB_TYPES[kind]}) as "{name}"' for name, kind in self.table.columns.items()
        )
        return f"select\n    {casts},\n    cast({int(seq)} as bigint) as {LOAD_SEQ}\nfrom {self.reader}"


def event_columns(table: Table) -> list[str]:
    """The columns a file's event-time range is taken over: its timestamps and dates but `_loaded_at`."""
    return [c for c, k in table.columns.items() if k in ("timestamp", "date") and c != "_loaded_at"]


def file_sha256(path: Path) -> str:
    """The file's content hash: the ledger's identity of a file (a renamed copy is the same file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
    # One pass over the file: the row count and, per column, how many values
    # do not cast to the contract type. The sample is fetched only on failure.
    columns = list(table.columns.items())

    def uncastable(name: str, kind: str) -> str:
        return f'"{name}" is not null and try_cast("{name}" as {DUCKDB_TYPES[kind]}) is null'

    bad_counts = ", ".join(
        f"sum(case when {uncastable(name, kind)} then 1 else 0 end)" for name, kind in columns
    )
    events = event_columns(table)
    ranges = "".join(
        f', min(try_cast("{c}" as timestamp)), max(try_cast("{c}" as timestamp))' for c in events
    )
    rows, *rest = con.execute(f"select count(*), {bad_counts}{ranges} from {probe.reader}").fetchone()
    bad, bounds = rest[: len(columns)], rest[len(columns) :]
    lows = [v for v in bounds[0::2] if v is not None]
    highs = [v for v in bounds[1::2] if v is not None]
    for (name, kind), count in zip(columns, bad, strict=True):
        if count:
            sample = con.execute(
                f'select cast("{name}" as varchar) from {probe.reader} where {uncastable(name, kind)} limit 1'
            ).fetchone()[0]
            raise LoadError(
                f"{path}: table '{table.name}', column '{name}': {count} value(s) are not of type "
                f"{kind} (e.g. {sample!r})"
            )
    return RawFile(
        table, path, rows, file_sha256(path), min(lows) if lows else None, max(highs) if highs else None
    )


def validate_folder(folder: str | Path) -> list[RawFile]:
    """Validate every raw file in `folder`; nothing is written."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    try:
        return [_validate(con, table, path) for table, path in find_files(Path(folder))]
    finally:
        con.close()


# The record of what is loaded: raw.cx_loaded_tables, one row per contract table.
RECORD_COLUMNS: dict[str, str] = {
    "table_name": "text",
    "source_name": "text",
    "row_count": "integer",
    "is_present": "boolean",
    "file_name": "text",
    "loaded_at": "timestamp",
}
RecordRow = tuple  # (table_name, source_name, row_count, is_present, file_name, loaded_at)


def record_rows(
    files: list[RawFile],
    previous: dict[str, RecordRow],
    existing_rows: dict[str, int],
    totals: dict[str, int] | None = None,
) -> list[RecordRow]:
    """The record after this load: the tables loaded now, else the previous record's row,
    else the table as found (a warehouse loaded before the record existed: its row count,
    present when it has rows; a table created empty now: 0, absent).

    `totals`: the rows a loaded table holds after the load (an append adds to what was
    there); without it, the file's rows (a replace). A table is present when it holds rows,
    so once any load gave it rows."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    loaded = {raw.table.name: raw for raw in files}
    totals = totals or {}
    rows = []
    for name, table in TABLES.items():
        if name in loaded:
            raw = loaded[name]
            count = totals.get(name, raw.rows)
            rows.append((name, table.source, count, count > 0, raw.path.name, now))
        elif name in previous:
            rows.append(tuple(previous[name]))
        else:
            count = existing_rows.get(name, 0)
            rows.append((name, table.source, count, count > 0, None, None))
    return rows


# The load ledger: raw.cx_load_ledger, one row per file loaded (README "Append loads").
LEDGER_COLUMNS: dict[str, str] = {
    "load_seq": "integer",  # the file's sequence; its rows carry it as _load_seq
    "file_name": "text",
    "file_sha256": "text",
    "table_name": "text",
    "row_count": "integer",
    "event_time_min": "timestamp",  # over the table's timestamp and date columns but _loaded_at
    "event_time_max": "timestamp",
    "load_mode": "text",  # append | replace
    "loaded_at": "timestamp",  # wall clock: the ledger's own time, never a metric's
    "is_built": "boolean",
    "built_by": "text",  # run id of the published build that covered it
    "built_at": "timestamp",
}


def plan_load(
    files: list[RawFile], ledger: list[tuple[int, str, str]], append: bool
) -> tuple[list[tuple[RawFile, int]], list[RawFile]]:
    """(file, load_seq) to load and the files skipped: on append, a file whose table already
    has a ledger row with the same sha256. `ledger`: (load_seq, table_name, file_sha256) rows."""
    next_seq = max((row[0] for row in ledger), default=0) + 1
    seen = {(row[1], row[2]) for row in ledger}
    planned, skipped = [], []
    for raw in files:
        if append and (raw.table.name, raw.sha256) in seen:
            skipped.append(raw)
            continue
        planned.append((raw, next_seq))
        next_seq += 1
    return planned, skipped


def ledger_row(raw: RawFile, seq: int, append: bool) -> tuple:
    """The ledger row of a file loaded now (unbuilt)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    mode = "append" if append else "replace"
    return (
        seq,
        raw.path.name,
        raw.sha256,
        raw.table.name,
        raw.rows,
        raw.event_min,
        raw.event_max,
        mode,
        now,
        False,
        None,
        None,
    )


def _ledger_ddl(types: dict[str, str]) -> str:
    return ", ".join(f"{c} {types[k]}" for c, k in LEDGER_COLUMNS.items())


def _record_ddl(types: dict[str, str]) -> str:
    return ", ".join(f"{c} {types[k]}" for c, k in RECORD_COLUMNS.items())


def _table_ddl(table: Table, types: dict[str, str], quote: str = '"') -> str:
    """The raw table's columns: the contract's, then the loader's _load_seq."""
    columns = [f"{quote}{c}{quote} {types[k]}" for c, k in table.columns.items()]
    return ", ".join([*columns, f"{LOAD_SEQ} {types['integer']}"])


def load_duckdb(
    files: list[RawFile], database: Path, append: bool = False, say: Callable[[str], None] | None = None
) -> list[RawFile]:
    """Replace (or append to) the raw tables of a DuckDB file in one transaction: rows,
    ledger and presence record together. Returns the files loaded (not skipped)."""
    say = say or (lambda _msg: None)
    database.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        con.execute("create schema if not exists raw")
        con.execute(f"create table if not exists raw.{LOAD_LEDGER} ({_ledger_ddl(DUCKDB_TYPES)})")
        ledger = con.execute(f"select load_seq, table_name, file_sha256 from raw.{LOAD_LEDGER}").fetchall()
        planned, skipped = plan_load(files, ledger, append)
        for raw in skipped:
            say(f"skipped {raw.path}: already loaded into raw.{raw.table.name} (same sha256)")
        if not planned:  # every file loaded before: nothing is written
            con.execute("rollback")
            return []
        existing = _raw_columns_duckdb(con)
        for raw, seq in planned:
            name = raw.table.name
            if append and name in existing:
                if LOAD_SEQ not in existing[name]:  # a table loaded before the ledger existed
                    con.execute(f"alter table raw.{name} add column {LOAD_SEQ} bigint")
                column_list = ", ".join([*(f'"{c}"' for c in raw.table.columns), LOAD_SEQ])
                con.execute(f"insert into raw.{name} ({column_list}) {raw.select_with_seq(seq)}")
            else:
                con.execute(f"create or replace table raw.{name} as {raw.select_with_seq(seq)}")
                # a replace starts the table's history again: its earlier ledger rows go
                con.execute(f"delete from raw.{LOAD_LEDGER} where table_name = ?", [name])
            con.execute(
                f"insert into raw.{LOAD_LEDGER} values ({', '.join('?' * len(LEDGER_COLUMNS))})",
                list(ledger_row(raw, seq, append)),
            )
        loaded = [raw for raw, _ in planned]
        totals = {
            raw.table.name: con.execute(f"select count(*) from raw.{raw.table.name}").fetchone()[0]
            for raw in loaded
        }
        _record_duckdb(con, loaded, totals)
        con.execute("commit")
    except duckdb.Error as exc:
        con.execute("rollback")
        raise LoadError(f"load into {database} failed, nothing was changed: {exc}") from exc
    finally:
        con.close()
    return loaded


def _raw_columns_duckdb(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw' order by table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def _record_duckdb(
    con: duckdb.DuckDBPyConnection, files: list[RawFile], totals: dict[str, int] | None = None
) -> None:
    """Create the absent contract tables empty and rewrite raw.cx_loaded_tables (same transaction)."""
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    loaded = {raw.table.name for raw in files}
    existing_rows = {}
    for name, table in TABLES.items():
        if name in loaded:
            continue
        if name in tables:
            existing_rows[name] = con.execute(f"select count(*) from raw.{name}").fetchone()[0]
        else:
            con.execute(f"create table raw.{name} ({_table_ddl(table, DUCKDB_TYPES)})")
    previous = {}
    if LOAD_RECORD in tables:
        previous = {
            r[0]: r
            for r in con.execute(f"select {', '.join(RECORD_COLUMNS)} from raw.{LOAD_RECORD}").fetchall()
        }
    con.execute(f"create or replace table raw.{LOAD_RECORD} ({_record_ddl(DUCKDB_TYPES)})")
    con.executemany(
        f"insert into raw.{LOAD_RECORD} values (?, ?, ?, ?, ?, ?)",
        record_rows(files, previous, existing_rows, totals),
    )


def _record_postgres(cur, files: list[RawFile], totals: dict[str, int] | None = None) -> None:
    """As _record_duckdb, in the load's Postgres transaction."""
    cur.execute("select table_name from information_schema.tables where table_schema = 'raw'")
    tables = {r[0] for r in cur.fetchall()}
    loaded = {raw.table.name for raw in files}
    existing_rows = {}
    for name, table in TABLES.items():
        if name in loaded:
            continue
        if name in tables:
            cur.execute(f"select count(*) from raw.{name}")
            existing_rows[name] = cur.fetchone()[0]
        else:
            cur.execute(f"create table raw.{name} ({_table_ddl(table, POSTGRES_TYPES)})")
    previous = {}
    if LOAD_RECORD in tables:
        cur.execute(f"select {', '.join(RECORD_COLUMNS)} from raw.{LOAD_RECORD}")
        previous = {r[0]: r for r in cur.fetchall()}
    cur.execute(f"drop table if exists raw.{LOAD_RECORD}")
    cur.execute(f"create table raw.{LOAD_RECORD} ({_record_ddl(POSTGRES_TYPES)})")
    cur.executemany(
        f"insert into raw.{LOAD_RECORD} values (%s, %s, %s, %s, %s, %s)",
        record_rows(files, previous, existing_rows, totals),
    )


def _spark_literal(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return f"timestamp '{value:%Y-%m-%d %H:%M:%S.%f}'"
    return "'" + str(value).replace("'", "''") + "'"


def _spark_values(rows: list[tuple]) -> str:
    return ", ".join("(" + ", ".join(_spark_literal(v) for v in row) + ")" for row in rows)


def _spark_ledger(spark) -> list[tuple]:
    """The ledger's rows on Spark (created empty when missing; its DDL is only run then)."""
    if not spark.catalog.tableExists(LOAD_LEDGER, "raw"):
        spark.sql(f"create table raw.{LOAD_LEDGER} ({_ledger_ddl(SPARK_TYPES)}) using parquet")
    return [
        tuple(r) for r in spark.sql(f"select {', '.join(LEDGER_COLUMNS)} from raw.{LOAD_LEDGER}").collect()
    ]


def _spark_remove_unledgered(spark, say: Callable[[str], None]) -> None:
    """Rows whose _load_seq has no ledger row (a load that died after its rows, before its
    ledger row) are removed: the table is rewritten without them and swapped in."""
    ledger = f"raw.{LOAD_LEDGER}"
    existing = {row.tableName for row in spark.sql("show tables in raw").collect()}
    for name in TABLES:
        if name not in existing:
            continue
        if LOAD_SEQ not in [f.name for f in spark.table(f"raw.{name}").schema.fields]:
            continue
        orphan = f"{LOAD_SEQ} is not null and {LOAD_SEQ} not in (select load_seq from {ledger})"
        count = spark.sql(f"select count(*) as n from raw.{name} where {orphan}").collect()[0].n
        if not count:
            continue
        spark.sql(f"drop table if exists raw.{name}__cx_new")
        spark.sql(
            f"create table raw.{name}__cx_new using parquet as select * from raw.{name} where not ({orphan})"
        )
        spark.sql(f"drop table raw.{name}")
        spark.sql(f"alter table raw.{name}__cx_new rename to raw.{name}")
        say(f"removed {count:,} rows of raw.{name} from an unfinished load (no ledger row)")


def _record_spark(spark, files: list[RawFile], totals: dict[str, int] | None = None) -> None:
    """As _record_duckdb on Spark (after the swap; no transaction there)."""
    tables = {row.tableName for row in spark.sql("show tables in raw").collect()}
    loaded = {raw.table.name for raw in files}
    existing_rows = {}
    for name, table in TABLES.items():
        if name in loaded:
            continue
        if name in tables:
            existing_rows[name] = spark.sql(f"select count(*) as n from raw.{name}").collect()[0].n
        else:
            spark.sql(f"create table raw.{name} ({_table_ddl(table, SPARK_TYPES, '`')}) using parquet")
    previous = {}
    if LOAD_RECORD in tables:
        previous = {
            tuple(r)[0]: tuple(r)
            for r in spark.sql(f"select {', '.join(RECORD_COLUMNS)} from raw.{LOAD_RECORD}").collect()
        }
    rows = record_rows(files, previous, existing_rows, totals)
    spark.sql(f"drop table if exists raw.{LOAD_RECORD}")
    spark.sql(f"create table raw.{LOAD_RECORD} ({_record_ddl(SPARK_TYPES)}) using parquet")
    spark.sql(f"insert into raw.{LOAD_RECORD} values {_spark_values(rows)}")


def _postgres_connect():
    """A psycopg2 connection from the same CX_PG_* env vars as the dbt profile."""
    try:
        import psycopg2
    except ImportError as exc:
        raise LoadError(
            "target postgres needs the [postgres] extra: pip install 'cx_metrics[postgres]'"
        ) from exc
    env = os.environ.get
    try:
        return psycopg2.connect(
            host=env("CX_PG_HOST", "127.0.0.1"),
            port=int(env("CX_PG_PORT", "5432")),
            user=env("CX_PG_USER", "postgres"),
            password=env("CX_PG_PASSWORD", ""),
            dbname=env("CX_PG_DATABASE", "cx_metrics"),
            connect_timeout=10,
        )
    except psycopg2.Error as exc:
        raise LoadError(f"cannot connect to Postgres: {str(exc).strip()}") from exc


def load_postgres(
    files: list[RawFile], append: bool = False, say: Callable[[str], None] | None = None
) -> tuple[str, list[RawFile]]:
    """Replace (or append to) the raw tables in Postgres in one transaction, streaming each
    with COPY; ledger and presence record in the same transaction."""
    import psycopg2

    say = say or (lambda _msg: None)
    con = _postgres_connect()
    where = f"{con.info.host}:{con.info.port}/{con.info.dbname}"
    duck = duckdb.connect()
    duck.execute("set TimeZone = 'UTC'")
    try:
        with tempfile.TemporaryDirectory(prefix="cx_load_") as tmp, con, con.cursor() as cur:
            cur.execute("set local time zone 'UTC'")
            cur.execute("create schema if not exists raw")
            cur.execute(f"create table if not exists raw.{LOAD_LEDGER} ({_ledger_ddl(POSTGRES_TYPES)})")
            cur.execute(f"select load_seq, table_name, file_sha256 from raw.{LOAD_LEDGER}")
            planned, skipped = plan_load(files, cur.fetchall(), append)
            for raw in skipped:
                say(f"skipped {raw.path}: already loaded into raw.{raw.table.name} (same sha256)")
            if not planned:  # every file loaded before: nothing is written
                con.rollback()
                return where, []
            for raw, seq in planned:
                name, columns = raw.table.name, raw.table.columns
                csv_path = Path(tmp) / f"{name}.csv"
                # A null is an unquoted empty field, an empty string is "" (Postgres CSV rules).
                duck.execute(f"copy ({raw.select_with_seq(seq)}) to '{csv_path}' (format csv, header false)")
                cur.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'raw' and table_name = %s order by ordinal_position",
                    (name,),
                )
                found = [c for c, _ in cur.fetchall()]
                if found == list(columns):  # loaded before the ledger existed
                    cur.execute(f"alter table raw.{name} add column {LOAD_SEQ} bigint")
                    found.append(LOAD_SEQ)
                if found == [*columns, LOAD_SEQ]:
                    if not append:
                        cur.execute(f"truncate table raw.{name}")  # keeps the staging views bound
                else:
                    cur.execute(f"drop table if exists raw.{name} cascade")
                    cur.execute(f"create table raw.{name} ({_table_ddl(raw.table, POSTGRES_TYPES)})")
                if not append:
                    cur.execute(f"delete from raw.{LOAD_LEDGER} where table_name = %s", (name,))
                column_list = ", ".join([*(f'"{c}"' for c in columns), LOAD_SEQ])
                try:
                    with csv_path.open() as handle:
                        cur.copy_expert(
                            f"copy raw.{name} ({column_list}) from stdin with (format csv)", handle
                        )
                except psycopg2.Error as exc:
                    raise LoadError(
                        f"{raw.path}: table '{name}': COPY into Postgres failed, nothing was changed: "
                        f"{str(exc).strip()}"
                    ) from exc
                cur.execute(
                    f"insert into raw.{LOAD_LEDGER} values ({', '.join(['%s'] * len(LEDGER_COLUMNS))})",
                    ledger_row(raw, seq, append),
                )
            loaded = [raw for raw, _ in planned]
            totals = {}
            for raw in loaded:
                cur.execute(f"select count(*) from raw.{raw.table.name}")
                totals[raw.table.name] = cur.fetchone()[0]
            _record_postgres(cur, loaded, totals)
    except psycopg2.Error as exc:
        raise LoadError(f"load into Postgres failed, nothing was changed: {str(exc).strip()}") from exc
    finally:
        duck.close()
        con.close()
    return where, loaded


def spark_settings() -> dict[str, str]:
    """The `spark` output's server_side_parameters in profiles/profiles.yml, env vars applied.

    The one place the local session's settings live (CX_SPARK_MASTER,
    CX_SPARK_DRIVER_MEMORY, CX_SPARK_SHUFFLE_PARTITIONS, CX_SPARK_DIR): dbt reads
    the profile, the loader reads the same file here, rendering env_var() as dbt does.
    """
    import jinja2
    import yaml

    from cx_metrics.dbt import project_dir

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise LoadError(f"profiles.yml: env var {name} is not set and has no default")
        return default

    env = jinja2.Environment()
    env.filters["as_number"] = lambda v: v
    text = (project_dir() / "profiles" / "profiles.yml").read_text()
    profile = yaml.safe_load(env.from_string(text).render(env_var=env_var))
    params = profile["cx_metrics"]["outputs"]["spark"]["server_side_parameters"]
    return {str(k): str(v) for k, v in params.items()}


def spark_session():
    """The local SparkSession of the dbt profile's `spark` target (same metastore and settings)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise LoadError("target spark needs the [spark] extra: pip install 'cx_metrics[spark]'") from exc
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings().items():
        builder = builder.config(key, value)
    # the loader's own casts are checked in DuckDB first; Spark only stores them
    return builder.config("spark.sql.ansi.enabled", "false").getOrCreate()


def load_spark(
    files: list[RawFile], append: bool = False, say: Callable[[str], None] | None = None
) -> tuple[str, list[RawFile]]:
    """Rows first, ledger row last (Spark has no multi-table transaction).

    Replace: every table is written to `raw.<t>__cx_new` via Parquet, then swapped in by
    renames. Append: the rows are inserted into the table. The ledger is rewritten last
    (`insert overwrite`); rows of a load that died before it are removed at the next load.
    """
    say = say or (lambda _msg: None)
    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    duck = duckdb.connect()
    duck.execute("set TimeZone = 'UTC'")
    spark.sql("create database if not exists raw")
    ledger = _spark_ledger(spark)
    _spark_remove_unledgered(spark, say)
    planned, skipped = plan_load(files, [(r[0], r[3], r[2]) for r in ledger], append)
    for raw in skipped:
        say(f"skipped {raw.path}: already loaded into raw.{raw.table.name} (same sha256)")
    existing = {row.tableName for row in spark.sql("show tables in raw").collect()}
    staged, appended = [], []
    try:
        with tempfile.TemporaryDirectory(prefix="cx_load_") as tmp:
            for raw, seq in planned:
                name, columns = raw.table.name, raw.table.columns
                parquet = Path(tmp) / f"{name}.parquet"
                duck.execute(f"copy ({raw.select_with_seq(seq)}) to '{parquet}' (format parquet)")
                casts = [f"cast(`{c}` as {SPARK_TYPES[k]}) as `{c}`" for c, k in columns.items()]
                casts.append(f"cast({LOAD_SEQ} as bigint) as {LOAD_SEQ}")
                try:
                    frame = spark.read.parquet(str(parquet)).selectExpr(*casts)
                    if append and name in existing:
                        fields = [f.name for f in spark.table(f"raw.{name}").schema.fields]
                        if LOAD_SEQ not in fields:
                            spark.sql(f"alter table raw.{name} add columns ({LOAD_SEQ} bigint)")
                        frame.write.insertInto(f"raw.{name}")
                        appended.append(name)
                        continue
                    spark.sql(f"drop table if exists raw.{name}__cx_new")
                    staged.append(name)
                    frame.write.format("parquet").mode("overwrite").saveAsTable(f"raw.{name}__cx_new")
                except Exception as exc:  # py4j / Spark analysis errors
                    raise LoadError(
                        f"{raw.path}: table '{name}': writing to Spark failed, nothing was changed: "
                        f"{str(exc).strip().splitlines()[0]}"
                    ) from exc
    except BaseException:
        for name in staged:
            spark.sql(f"drop table if exists raw.{name}__cx_new")
        raise
    finally:
        duck.close()
    for name in staged:
        if name in existing:
            spark.sql(f"drop table raw.{name}")
        spark.sql(f"alter table raw.{name}__cx_new rename to raw.{name}")
    # the ledger last: a replaced table's earlier rows go, the new files' rows come
    replaced = {raw.table.name for raw, _ in planned if not append or raw.table.name in staged}
    rows = [r for r in ledger if r[3] not in replaced]
    rows += [ledger_row(raw, seq, raw.table.name not in staged) for raw, seq in planned]
    if rows:
        spark.sql(f"insert overwrite table raw.{LOAD_LEDGER} values {_spark_values(rows)}")
    else:
        spark.sql(f"truncate table raw.{LOAD_LEDGER}")
    loaded = [raw for raw, _ in planned]
    totals = {
        raw.table.name: spark.sql(f"select count(*) as n from raw.{raw.table.name}").collect()[0].n
        for raw in loaded
    }
    _record_spark(spark, loaded, totals)
    return spark.conf.get("spark.sql.warehouse.dir"), loaded


def load(
    folder: str | Path,
    target: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    append: bool = False,
) -> dict[str, int]:
    """Validate and load `folder` into the target's `raw` schema; returns rows per table loaded.

    append=False (the default) replaces the tables given and resets their ledger rows;
    append=True adds the files' rows, skipping a file already loaded (same sha256).
    """
    say = progress or (lambda _msg: None)
    files = validate_folder(folder)
    for raw in files:
        say(f"validated {raw.path.name}: {raw.rows:,} rows")
    how = "appended" if append else "loaded"
    if target == "duckdb":
        database = duckdb_path()
        loaded = load_duckdb(files, database, append, say)
        say(f"{how} {len(loaded)} tables into {database} (schema raw)")
    elif target == "postgres":
        where, loaded = load_postgres(files, append, say)
        say(f"{how} {len(loaded)} tables into Postgres {where} (schema raw)")
    elif target == "spark":
        where, loaded = load_spark(files, append, say)
        say(f"{how} {len(loaded)} tables into Spark {where} (database raw)")
    else:
        raise LoadError(f"unknown target '{target}' (available: {', '.join(TARGETS)})")
    empty = [raw.table.name for raw in loaded if raw.rows == 0]
    others = [name for name in TABLES if name not in {raw.table.name for raw in files}]
    if empty:
        say(f"{how} without rows: {', '.join(empty)}" + ("" if append else ", so absent"))
    if others:
        say(
            f"not in this folder, kept as loaded before (absent if never loaded with rows): {', '.join(others)}"
        )
    say(f"what is present: raw.{LOAD_RECORD}; what was loaded: raw.{LOAD_LEDGER}")
    return {raw.table.name: raw.rows for raw in loaded}
