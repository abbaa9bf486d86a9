"""Atomic publishing on Postgres: shadow schemas swapped in by one transaction.

dbt builds every dbt schema under a shadow name (`marts__shadow`, `staging__shadow`,
...: the var `cx_schema_suffix` read by macros/naming/generate_schema_name.sql).
Once every gate has passed, `swap()` runs ONE transaction that

1. takes an ACCESS EXCLUSIVE lock on every table of the published schemas with
   NOWAIT, retrying (rolled back, short sleep) until no reader holds any of them
   (every later lock wait of the transaction is capped by a 200 ms lock_timeout,
   which also counts as "retry"):
   a reader transaction that has read one published mart has finished before the
   swap proceeds, and one that starts meanwhile waits (milliseconds) and then
   resolves the names again, to the new relations. Waiting without NOWAIT could
   deadlock with a reader that holds one mart and asks for another;
2. remembers the grants on the published schemas and relations and the
   definitions of views outside them that read them (dashboards' views);
3. renames each published schema to `<name>__previous` and its shadow to `<name>`;
4. re-applies the remembered grants, re-points those views at the new relations
   (CREATE OR REPLACE VIEW keeps their OID and grants, so views on them stay
   bound), and grants the read-only role (`CX_PG_READER_ROLE`) usage on the
   reader schemas and select on their relations;
5. drops the `__previous` schemas.

Readers see the old set or the new set, never a mix; a failure anywhere rolls it
all back: the published schemas are untouched and the shadow ones stay for
inspection. A materialized view on a published relation cannot be re-pointed:
the swap refuses, naming it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

SHADOW_SUFFIX = "__shadow"
PREVIOUS_SUFFIX = "__previous"
DEFAULT_READER_ROLE = "cx_metrics_reader"
# What a dashboard reads: the marts. Not raw or quarantine (raw rows), nor staging,
# intermediate, audit or seeds (row-level building blocks).
DEFAULT_READER_SCHEMAS = ("marts",)
LOCK_RETRY_SECONDS = 120.0
BUILD_LOCK_KEY = 7_406_117  # pg_try_advisory_lock key: one guarded build per database at a time


class PublishError(Exception):
    """The swap did not happen; the published schemas are unchanged."""


def reader_role() -> str:
    """CX_PG_READER_ROLE, else cx_metrics_reader."""
    return os.environ.get("CX_PG_READER_ROLE", DEFAULT_READER_ROLE)


def reader_schemas() -> tuple[str, ...]:
    """CX_PG_READER_SCHEMAS (comma-separated), else marts only."""
    value = os.environ.get("CX_PG_READER_SCHEMAS")
    return tuple(s.strip() for s in value.split(",") if s.strip()) if value else DEFAULT_READER_SCHEMAS


def _ident(cur, name: str) -> str:
    cur.execute("select quote_ident(%s)", (name,))
    return cur.fetchone()[0]


def shadow_schemas(cur, suffix: str = SHADOW_SUFFIX) -> list[str]:
    """Shadow schemas present, by name."""
    cur.execute(
        "select nspname from pg_namespace where right(nspname, %s) = %s order by nspname",
        (len(suffix), suffix),
    )
    return [r[0] for r in cur.fetchall()]


def drop_shadows(con, suffix: str = SHADOW_SUFFIX) -> list[str]:
    """Drop the shadow schemas a previous (failed) build left; the build starts empty."""
    with con.cursor() as cur:
        dropped = shadow_schemas(cur, suffix)
        for schema in dropped:
            cur.execute(f"drop schema {_ident(cur, schema)} cascade")
    con.commit()
    return dropped


def _tables(cur, schemas: list[str]) -> list[str]:
    """Tables (and materialized, partitioned, foreign ones) of the schemas. Not views: locking a
    view locks every relation it reads, e.g. `raw` under the staging views, which a load may hold;
    a reader of a view locks the tables under it, so locking the tables covers views too."""
    cur.execute(
        "select quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class as c "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = any(%s) and c.relkind in ('r', 'm', 'p', 'f') order by 1",
        (schemas,),
    )
    return [r[0] for r in cur.fetchall()]


def _grants(cur, schemas: list[str]) -> list[str]:
    """GRANT statements that recreate the non-owner grants on these schemas and their relations."""
    grantee = "case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end"
    option = "case when a.is_grantable then ' with grant option' else '' end"
    cur.execute(
        f"select 'grant ' || a.privilege_type || ' on schema ' || quote_ident(n.nspname) || ' to ' || {grantee} "
        f"|| {option} from pg_namespace as n, aclexplode(n.nspacl) as a "
        "where n.nspname = any(%s) and a.grantee <> n.nspowner "
        "union all "
        f"select 'grant ' || a.privilege_type || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
        f"|| ' to ' || {grantee} || {option} from pg_class as c "
        "join pg_namespace as n on n.oid = c.relnamespace, aclexplode(c.relacl) as a "
        "where n.nspname = any(%s) and c.relkind in ('r', 'v', 'm', 'p', 'f') and a.grantee <> c.relowner",
        (schemas, schemas),
    )
    return [r[0] for r in cur.fetchall()]


def _dependent_views(cur, schemas: list[str], exclude: list[str]) -> list[tuple[str, str, str]]:
    """(view, kind, definition) of views outside `exclude` that read relations of `schemas`.

    Definitions are taken with search_path = pg_catalog, so every name in them is
    schema-qualified (`marts.fct_contacts`) and resolves to the new relation later.
    """
    cur.execute("set local search_path = pg_catalog")
    cur.execute(
        "select distinct v.oid, quote_ident(vn.nspname) || '.' || quote_ident(v.relname), v.relkind, "
        "pg_get_viewdef(v.oid) from pg_depend as d "
        "join pg_rewrite as r on r.oid = d.objid "
        "join pg_class as v on v.oid = r.ev_class join pg_namespace as vn on vn.oid = v.relnamespace "
        "join pg_class as t on t.oid = d.refobjid join pg_namespace as tn on tn.oid = t.relnamespace "
        "where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass "
        "and tn.nspname = any(%s) and not vn.nspname = any(%s) and v.oid <> t.oid order by 1",
        (schemas, exclude),
    )
    views = [(name, kind, definition) for _, name, kind, definition in cur.fetchall()]
    cur.execute("reset search_path")
    return views


def _swap_once(
    con, names: list[str], shadows: list[str], suffix: str, role: str, readable: tuple[str, ...]
) -> int:
    """One attempt at the swap transaction (left open for the caller to commit); the views re-pointed.

    Raises psycopg2's LockNotAvailable when a reader holds a published table (NOWAIT) or
    any later lock takes longer than `lock_timeout` (below the 1 s deadlock_timeout, so a
    reader is never the one Postgres cancels): the caller rolls back and tries again.
    """
    import psycopg2

    with con.cursor() as cur:
        tables = _tables(cur, names)
        if tables:
            cur.execute(f"lock table {', '.join(tables)} in access exclusive mode nowait")
        cur.execute("set local lock_timeout = '200ms'")
        cur.execute("select nspname from pg_namespace where nspname = any(%s)", (names,))
        published = [r[0] for r in cur.fetchall()]
        grants = _grants(cur, published)
        views = _dependent_views(cur, published, exclude=published + shadows)
        frozen = [name for name, kind, _ in views if kind == "m"]
        if frozen:
            raise PublishError(
                f"materialized view(s) {', '.join(frozen)} read the published schemas and "
                "cannot be re-pointed; drop them (or make them views) and rerun the build"
            )
        for name in names:
            quoted, previous = _ident(cur, name), _ident(cur, name + PREVIOUS_SUFFIX)
            if name in published:
                cur.execute(f"drop schema if exists {previous} cascade")
                cur.execute(f"alter schema {quoted} rename to {previous}")
            cur.execute(f"alter schema {_ident(cur, name + suffix)} rename to {quoted}")
        for view, _, definition in views:
            cur.execute("set local search_path = pg_catalog")
            cur.execute(f"create or replace view {view} as {definition.strip().rstrip(';')}")
            cur.execute("reset search_path")
        for grant in grants:
            cur.execute("savepoint regrant")
            try:
                cur.execute(grant)
                cur.execute("release savepoint regrant")
            except psycopg2.errors.LockNotAvailable:
                raise
            except psycopg2.Error:  # a relation the new build no longer has: nothing to grant on
                cur.execute("rollback to savepoint regrant")
        grant_reader(cur, role, [s for s in readable if s in names or s in published])
        for name in published:
            cur.execute(f"drop schema {_ident(cur, name + PREVIOUS_SUFFIX)} cascade")
    return len(views)


def swap(
    con,
    suffix: str = SHADOW_SUFFIX,
    role: str | None = None,
    readable: tuple[str, ...] | None = None,
    say: Callable[[str], None] = lambda m: None,
    retry_seconds: float | None = None,
    before_commit: Callable[[Any], None] | None = None,
) -> list[str]:
    """Publish every shadow schema in one transaction (see the module doc); the published schema names.

    `before_commit(cursor)` runs inside that transaction (the build marks its loads built there).

    Readers get `retry_seconds` (CX_PG_PUBLISH_WAIT_SECONDS, default 120) to let go of the published
    tables; a transaction left open longer (e.g. idle in transaction) makes the publish give up.
    """
    import psycopg2.errors

    if retry_seconds is None:
        retry_seconds = float(os.environ.get("CX_PG_PUBLISH_WAIT_SECONDS", LOCK_RETRY_SECONDS))
    role = role or reader_role()
    readable = readable if readable is not None else reader_schemas()
    deadline = time.monotonic() + retry_seconds
    con.autocommit = False
    with con.cursor() as cur:
        shadows = shadow_schemas(cur, suffix)
    con.rollback()
    if not shadows:
        raise PublishError(f"no shadow schemas (*{suffix}) to publish")
    names = [s[: -len(suffix)] for s in shadows]
    attempts = 0
    while True:
        try:
            views = _swap_once(con, names, shadows, suffix, role, readable)
            if before_commit is not None:
                with con.cursor() as cur:
                    before_commit(cur)
            con.commit()
            break
        except psycopg2.errors.LockNotAvailable:
            con.rollback()
        except BaseException:
            con.rollback()
            raise
        attempts += 1
        if time.monotonic() > deadline:
            raise PublishError(
                f"readers held published tables for {retry_seconds:.0f}s; nothing "
                "published, the shadow schemas are kept: rerun the build"
            )
        time.sleep(min(0.005 * attempts, 0.2))
    say(
        f"published schemas {', '.join(names)} in one transaction after {attempts} retries; read-only "
        f"role {role} on {', '.join(readable)}; {views} dependent view(s) re-pointed"
    )
    return names


def grant_reader(cur, role: str, schemas: list[str]) -> None:
    """Create the read-only role if missing (NOLOGIN: dashboards' users are made members of it)
    and grant it connect, usage on `schemas` and select on their relations; nothing else."""
    quoted = _ident(cur, role)
    cur.execute("select 1 from pg_roles where rolname = %s", (role,))
    if cur.fetchone() is None:
        cur.execute(f"create role {quoted} nologin")
    cur.execute("select quote_ident(current_database())")
    cur.execute(f"grant connect on database {cur.fetchone()[0]} to {quoted}")
    for schema in schemas:
        cur.execute(f"grant usage on schema {_ident(cur, schema)} to {quoted}")
        cur.execute(f"grant select on all tables in schema {_ident(cur, schema)} to {quoted}")
