"""Compare two DuckDB warehouses relation by relation, row by row (issue 15).

    .venv/bin/python scripts/compare_warehouses.py A.duckdb B.duckdb [--schemas main,staging]
        [--skip-schemas raw] [--rel-tol 1e-9] [--threads 2] [--memory-limit 4GB] [--new-columns-ok]

Every table and view of every schema (or of --schemas) in either file: the same
relations, the same columns (by name, order ignored) and the same rows as a multiset,
`except all` both ways. Columns of type double/float may differ by summation order:
when the exact comparison finds differences in a relation that has such columns, the
differing rows of each side are sorted by every column (the exact ones first) and
paired, and each pair must agree exactly on the other columns and within a relative
--rel-tol (absolute 1e-12 near zero) on the doubles. Exit 0 when equal, 1 with a
report of what differs. With --new-columns-ok a column only in B (a change that adds
columns) is reported but not a difference, and the columns both have are compared.

Each file is attached read-only under its own file stem (dbt-duckdb's views name
their catalog, which is the file's stem), so the two stems must differ. Used to prove
a faster build writes the same warehouse (issue 15) and an incremental build the same
as a full one (issue 16).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

INEXACT = ("DOUBLE", "FLOAT", "REAL")


def relations(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[tuple[str, str], dict[str, str]]:
    rows = con.execute(
        """
        select table_schema, table_name, column_name, data_type
        from information_schema.columns
        where table_catalog = ?
        order by table_schema, table_name, ordinal_position
        """,
        [catalog],
    ).fetchall()
    out: dict[tuple[str, str], dict[str, str]] = {}
    for schema, table, column, dtype in rows:
        out.setdefault((schema, table), {})[column] = dtype
    return out


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def compare_relation(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    schema: str,
    table: str,
    columns: dict[str, str],
    rel_tol: float,
) -> str | None:
    """None when equal, else a one-line description of the difference."""
    names = list(columns)
    cols = ", ".join(q(c) for c in names)
    ra = f"{q(a)}.{q(schema)}.{q(table)}"
    rb = f"{q(b)}.{q(schema)}.{q(table)}"
    n_a, n_b = (con.execute(f"select count(*) from {r}").fetchone()[0] for r in (ra, rb))
    if n_a != n_b:
        return f"row counts differ: {n_a:,} vs {n_b:,}"
    con.execute(
        f"create or replace temp table only_a as select {cols} from {ra} except all select {cols} from {rb}"
    )
    con.execute(
        f"create or replace temp table only_b as select {cols} from {rb} except all select {cols} from {ra}"
    )
    d_a = con.execute("select count(*) from only_a").fetchone()[0]
    d_b = con.execute("select count(*) from only_b").fetchone()[0]
    if d_a == 0 and d_b == 0:
        return None
    inexact = [c for c in names if any(columns[c].upper().startswith(t) for t in INEXACT)]
    if not inexact or d_a != d_b:
        return f"{d_a:,} rows only in A, {d_b:,} only in B (exact columns differ)"
    exact = [c for c in names if c not in inexact]
    order = ", ".join([q(c) for c in exact] + [q(c) for c in inexact])
    pairs = (
        f"(select *, row_number() over (order by {order}) as rn__ from only_a) as x "
        f"join (select *, row_number() over (order by {order}) as rn__ from only_b) as y on x.rn__ = y.rn__"
    )
    conditions = [f"x.{q(c)} is not distinct from y.{q(c)}" for c in exact]
    conditions += [
        f"((x.{q(c)} is null and y.{q(c)} is null) or x.{q(c)} = y.{q(c)} or "
        f"abs(x.{q(c)} - y.{q(c)}) <= greatest({rel_tol} * greatest(abs(x.{q(c)}), abs(y.{q(c)})), 1e-12))"
        for c in inexact
    ]
    bad = con.execute(f"select count(*) from {pairs} where not ({' and '.join(conditions)})").fetchone()[0]
    if bad:
        return f"{bad:,} of {d_a:,} differing row pairs differ beyond rel {rel_tol} (or in exact columns)"
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a", type=Path)
    p.add_argument("b", type=Path)
    p.add_argument("--schemas", help="comma-separated; default every schema of either file")
    p.add_argument("--skip-schemas", default="", help="comma-separated schemas not compared")
    p.add_argument("--rel-tol", type=float, default=1e-9)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--memory-limit", default="4GB")
    p.add_argument(
        "--new-columns-ok", action="store_true", help="columns only in B are noted, not differences"
    )
    args = p.parse_args(argv)
    a, b = args.a.stem, args.b.stem
    if a == b:
        p.error(f"both files have the stem {a!r}: copy one to another name (views name their catalog)")
    con = duckdb.connect()
    con.execute(f"set threads = {args.threads}; set memory_limit = '{args.memory_limit}'")
    con.execute(f"attach '{args.a}' as {q(a)} (read_only)")
    con.execute(f"attach '{args.b}' as {q(b)} (read_only)")
    rel_a, rel_b = relations(con, a), relations(con, b)
    wanted = set(args.schemas.split(",")) if args.schemas else None
    skipped = {s for s in args.skip_schemas.split(",") if s}

    def keep(key: tuple[str, str]) -> bool:
        return (wanted is None or key[0] in wanted) and key[0] not in skipped

    problems: list[str] = []
    for key in sorted(k for k in set(rel_a) - set(rel_b) if keep(k)):
        problems.append(f"{key[0]}.{key[1]}: only in {a}")
    for key in sorted(k for k in set(rel_b) - set(rel_a) if keep(k)):
        problems.append(f"{key[0]}.{key[1]}: only in {b}")
    compared = 0
    for key in sorted(k for k in set(rel_a) & set(rel_b) if keep(k)):
        schema, table = key
        added = set(rel_b[key]) - set(rel_a[key])
        if args.new_columns_ok and added and set(rel_a[key]) <= set(rel_b[key]):
            print(f"note: {schema}.{table}: columns only in {b} {sorted(added)} (not compared)")
        elif set(rel_a[key]) != set(rel_b[key]):
            problems.append(
                f"{schema}.{table}: columns differ: only in {a} {sorted(set(rel_a[key]) - set(rel_b[key]))}, "
                f"only in {b} {sorted(set(rel_b[key]) - set(rel_a[key]))}"
            )
            continue
        columns = {c: rel_a[key][c] for c in rel_a[key]}
        for c in columns:
            if rel_a[key][c] != rel_b[key][c]:
                problems.append(f"{schema}.{table}.{c}: type {rel_a[key][c]} vs {rel_b[key][c]}")
        diff = compare_relation(con, a, b, schema, table, columns, args.rel_tol)
        compared += 1
        if diff:
            problems.append(f"{schema}.{table}: {diff}")
    for line in problems:
        print(line)
    print(f"{compared} relations compared, {len(problems)} differ" + ("" if problems else ": equal"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
