"""Load Zendesk Support as Fivetran's connector writes it: `cx-metrics load --format zendesk DIR`.

DIR holds one file per Fivetran table (`<table>.parquet` or `<table>.csv` with a header):
`ticket`, `ticket_comment`, `ticket_field_history` and `user`, and where present
`ticket_tag`, `group` and `organization`. Column names are Fivetran's, as
fivetran/dbt_zendesk reads them (its source YAML `models/src_zendesk.yml` and the
`get_<table>_columns` macros). The files are translated, in an in-memory DuckDB, into
the native contract's `tickets`, `ticket_events`, `customers` and `agents`
(docs/raw_sources.md), written as Parquet into a temporary folder and handed to the
native loader (cx_metrics.load), so validation, the presence record and the three
targets are the native ones. Each mapping choice is a DECISIONLOG.md entry
(2026-12-01, raw data and staging):

- tickets: one per `ticket` row, except deleted ones (`_fivetran_deleted` true or
  status `deleted`), which are left out with their comments and field history;
  customer = `requester_id`; channel = `via_channel`; `solved_at` = the latest
  change of `status` to solved in the field history while the ticket is solved or
  closed, else null; category from a custom field column of `ticket`, else a tag
  with a configurable prefix (`ticket_tag`), else `other`; `_loaded_at` =
  `_fivetran_synced`.
- ticket_events: a ticket's first comment is its creation (`created`); a later
  private comment is an `internal_note`; a later public comment by an agent or
  admin an `agent_reply`, any other a `customer_reply`. `status` rows of the field
  history are `status_change`, `assignee_id` rows `assigned`. A comment by a user
  missing from `user` is kept (role unknown: public = customer_reply, private =
  internal_note by that id, an unknown agent) and counted.
- customers / agents: `user` split by role (agent and admin = agents, others =
  customers); an agent's team is the `group` most of its assigned tickets carry.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cx_metrics import load as load_mod
from cx_metrics.contract import DUCKDB_TYPES, TABLES
from cx_metrics.load import LoadError

DEFAULT_CATEGORY_TAG_PREFIX = "category_"

# Fivetran's column types as we read them (contract kinds; ids are text in the contract).
T, TS, B = "text", "timestamp", "boolean"


@dataclass(frozen=True)
class ZendeskTable:
    """One Fivetran Zendesk table: the columns we need, and those read when present."""

    name: str
    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)
    needed: bool = True  # the folder must hold it

    @property
    def columns(self) -> dict[str, str]:
        return {**self.required, **self.optional}


ZENDESK_TABLES: dict[str, ZendeskTable] = {
    t.name: t
    for t in [
        ZendeskTable(
            "ticket",
            {
                "id": T,
                "created_at": TS,
                "updated_at": TS,
                "status": T,
                "priority": T,
                "requester_id": T,
                "assignee_id": T,
                "via_channel": T,
                "_fivetran_synced": TS,
            },
            {"_fivetran_deleted": B, "group_id": T},
        ),
        ZendeskTable(
            "ticket_comment",
            {"id": T, "ticket_id": T, "user_id": T, "created": TS, "public": B, "_fivetran_synced": TS},
            {"_fivetran_deleted": B},
        ),
        ZendeskTable(
            "ticket_field_history",
            {
                "ticket_id": T,
                "field_name": T,
                "updated": TS,
                "value": T,
                "user_id": T,
                "_fivetran_synced": TS,
            },
        ),
        ZendeskTable(
            "user",
            {"id": T, "name": T, "role": T, "created_at": TS, "_fivetran_synced": TS},
            {"_fivetran_deleted": B},
        ),
        ZendeskTable("ticket_tag", {"ticket_id": T, "tag": T}, needed=False),
        ZendeskTable("group", {"id": T, "name": T}, {"_fivetran_deleted": B}, needed=False),
        ZendeskTable("organization", {"id": T, "name": T}, needed=False),
    ]
}

# The native tables a Zendesk load writes (the other seven are left as loaded before).
WRITES = ("tickets", "ticket_events", "customers", "agents")


@dataclass(frozen=True)
class CategoryRule:
    """Where a ticket's category comes from: a `ticket` column (a custom field), else a tag
    `<prefix><category>` in `ticket_tag`, else `other` (staging maps unknown values to other)."""

    tag_prefix: str | None = DEFAULT_CATEGORY_TAG_PREFIX
    field: str | None = None


def _reader(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.suffix == ".csv":
        return f"read_csv('{quoted}', header = true, all_varchar = true)"
    return f"read_parquet('{quoted}')"


def find_zendesk_files(folder: Path) -> dict[str, Path]:
    """table -> file for the Fivetran Zendesk tables in `folder`; a missing needed one is an error."""
    if not folder.is_dir():
        raise LoadError(f"{folder}: not a folder of Zendesk exports")
    found: dict[str, Path] = {}
    for name in ZENDESK_TABLES:
        present = [p for p in (folder / f"{name}.parquet", folder / f"{name}.csv") if p.exists()]
        if len(present) == 2:
            raise LoadError(f"{folder}: Zendesk table '{name}' has both a .parquet and a .csv file; keep one")
        if present:
            found[name] = present[0]
    missing = [n for n, t in ZENDESK_TABLES.items() if t.needed and n not in found]
    if missing:
        raise LoadError(
            f"{folder}: missing Zendesk table(s) "
            + ", ".join(f"'{n}' ({n}.parquet or {n}.csv)" for n in missing)
            + "; --format zendesk needs ticket, ticket_comment, ticket_field_history and user as "
            "Fivetran's Zendesk connector writes them (ticket_tag, group, organization are optional)"
        )
    return found


def _cast(column: str, kind: str) -> str:
    """A Fivetran value as the contract kind; timestamps read as UTC whatever their offset."""
    if kind == TS:
        return f'cast(cast("{column}" as timestamptz) as timestamp)'
    return f'cast("{column}" as {DUCKDB_TYPES[kind]})'


def _try_cast(column: str, kind: str) -> str:
    if kind == TS:
        return f'try_cast(try_cast("{column}" as timestamptz) as timestamp)'
    return f'try_cast("{column}" as {DUCKDB_TYPES[kind]})'


def _stage(
    con: duckdb.DuckDBPyConnection, table: ZendeskTable, path: Path, extra: dict[str, str] | None = None
) -> int:
    """Check one Zendesk file and expose it as view `z_<table>` with typed columns; returns rows."""
    try:
        present = {r[0] for r in con.execute(f"describe select * from {_reader(path)}").fetchall()}
    except duckdb.Error as exc:
        raise LoadError(f"{path}: cannot read file for Zendesk table '{table.name}': {exc}") from exc
    wanted = {**table.required, **(extra or {})}
    missing = [c for c in wanted if c not in present]
    if missing:
        raise LoadError(
            f"{path}: Zendesk table '{table.name}' is missing required column(s) "
            + ", ".join(f"'{c}'" for c in missing)
            + " (column names as Fivetran's Zendesk connector writes them; see README, Bring your own data)"
        )
    columns = {**table.optional, **wanted}
    readable = [(c, k) for c, k in columns.items() if c in present]
    if readable:
        bad = ", ".join(
            f'sum(case when "{c}" is not null and {_try_cast(c, k)} is null then 1 else 0 end)'
            for c, k in readable
        )
        rows, *counts = con.execute(f"select count(*), {bad} from {_reader(path)}").fetchone()
        for (c, k), count in zip(readable, counts, strict=True):
            if count:
                sample = con.execute(
                    f'select cast("{c}" as varchar) from {_reader(path)} '
                    f'where "{c}" is not null and {_try_cast(c, k)} is null limit 1'
                ).fetchone()[0]
                raise LoadError(
                    f"{path}: Zendesk table '{table.name}', column '{c}': {count} value(s) are not of type "
                    f"{k} (e.g. {sample!r})"
                )
    selects = [
        f'{_cast(c, k)} as "{c}"' if c in present else f'cast(null as {DUCKDB_TYPES[k]}) as "{c}"'
        for c, k in columns.items()
    ]
    con.execute(
        f"create or replace temp view z_{table.name} as select {', '.join(selects)} from {_reader(path)}"
    )
    return rows


def _empty_view(con: duckdb.DuckDBPyConnection, table: ZendeskTable) -> None:
    selects = ", ".join(f'cast(null as {DUCKDB_TYPES[k]}) as "{c}"' for c, k in table.columns.items())
    con.execute(f"create or replace temp view z_{table.name} as select {selects} where false")


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# The translation, one view per native table. `z_*` are the typed Fivetran tables.
TRANSLATION = """
create or replace temp view zd_users as
select
    id as user_id,
    name,
    created_at,
    _fivetran_synced,
    -- Zendesk roles: end-user, agent, admin (dbt_zendesk: agent and admin are internal)
    coalesce(lower(trim(role)) in ('agent', 'admin'), false) as is_agent
from z_user;

create or replace temp view zd_deleted_tickets as
select id as ticket_id
from z_ticket
where
    id is not null  -- a null in a `not in` list would hide every ticket
    and (coalesce(_fivetran_deleted, false) or coalesce(lower(trim(status)) = 'deleted', false));

create or replace temp view zd_tickets_live as
select z_ticket.*
from z_ticket
where id is null or id not in (select ticket_id from zd_deleted_tickets);

create or replace temp view zd_comments as
select
    c.*,
    u.user_id is null as is_unknown_author,
    coalesce(u.is_agent, false) as is_agent_author,
    row_number() over (
        partition by c.ticket_id
        order by c.created, try_cast(c.id as bigint), c.id
    ) as comment_number
from z_ticket_comment as c
left join zd_users as u
    on c.user_id = u.user_id
where
    not coalesce(c._fivetran_deleted, false)
    and (c.ticket_id is null or c.ticket_id not in (select ticket_id from zd_deleted_tickets));

create or replace temp view zd_history as
select
    h.*,
    coalesce(u.is_agent, false) as is_agent_author,
    row_number() over (
        partition by h.ticket_id, h.field_name, h.updated
        order by h.value
    ) as same_instant_number
from z_ticket_field_history as h
left join zd_users as u
    on h.user_id = u.user_id
where
    h.field_name in ('status', 'assignee_id')
    and (h.ticket_id is null or h.ticket_id not in (select ticket_id from zd_deleted_tickets));

create or replace temp view zd_solves as
select
    ticket_id,
    max(updated) as last_solved_at
from zd_history
where field_name = 'status' and lower(trim(value)) = 'solved'
group by ticket_id;

create or replace temp view zd_tag_categories as
select
    ticket_id,
    -- several category tags: the first in alphabetical order (deterministic)
    min(substr(trim(tag), {prefix_length} + 1)) as category
from z_ticket_tag
where {prefix_length} > 0 and starts_with(lower(trim(tag)), lower({prefix}))
group by ticket_id;

create or replace temp view zd_group_names as
select id as group_id, name as group_name
from z_group
where not coalesce(_fivetran_deleted, false);

create or replace temp view out_tickets as
select
    t.id as ticket_id,
    t.requester_id as customer_id,
    t.via_channel as channel,
    coalesce({field_value}, tc.category, 'other') as category,
    cast(null as varchar) as product_id,
    t.priority,
    t.status,
    t.assignee_id as assignee_agent_id,
    t.created_at,
    case when lower(trim(t.status)) in ('solved', 'closed') then s.last_solved_at end as solved_at,
    t.updated_at,
    t._fivetran_synced as _loaded_at
from zd_tickets_live as t
left join zd_solves as s
    on t.id = s.ticket_id
left join zd_tag_categories as tc
    on t.id = tc.ticket_id;

create or replace temp view out_ticket_events as
select
    'comment:' || id as event_id,
    ticket_id,
    created as event_at,
    case
        when comment_number = 1 then 'created'
        when not coalesce(public, true) then 'internal_note'
        when is_agent_author then 'agent_reply'
        else 'customer_reply'
    end as event_type,
    case
        when is_agent_author then user_id
        -- a private note by a user missing from `user`: an unknown agent (dim_agents flags it)
        when is_unknown_author and comment_number > 1 and not coalesce(public, true) then user_id
    end as agent_id,
    cast(null as varchar) as new_status,
    cast(null as bigint) as time_spent_seconds,
    _fivetran_synced as _loaded_at
from zd_comments

union all

select
    'history:' || ticket_id || ':' || field_name || ':' || cast(epoch_us(updated) as varchar)
    || ':' || cast(same_instant_number as varchar) as event_id,
    ticket_id,
    updated as event_at,
    case when field_name = 'status' then 'status_change' else 'assigned' end as event_type,
    case
        when field_name = 'assignee_id' then nullif(trim(value), '')
        when is_agent_author then user_id
    end as agent_id,
    case when field_name = 'status' then value end as new_status,
    cast(null as bigint) as time_spent_seconds,
    _fivetran_synced as _loaded_at
from zd_history;

create or replace temp view out_customers as
select
    user_id as customer_id,
    created_at,
    cast(null as varchar) as segment,
    cast(null as varchar) as country,
    _fivetran_synced as _loaded_at
from zd_users
where not is_agent;

create or replace temp view zd_agent_groups as
select
    t.assignee_id as agent_id,
    g.group_name,
    count(*) as tickets
from zd_tickets_live as t
inner join zd_group_names as g
    on t.group_id = g.group_id
where t.assignee_id is not null
group by t.assignee_id, g.group_name;

create or replace temp view zd_agent_teams as
select
    agent_id,
    -- the group most of the agent's assigned tickets carry, a tie to the first name
    arg_min(group_name, (-tickets, group_name)) as team
from zd_agent_groups
group by agent_id;

create or replace temp view out_agents as
select
    u.user_id as agent_id,
    u.name as agent_name,
    teams.team,
    cast(null as varchar) as site,
    cast(null as decimal(10, 2)) as hourly_cost,
    cast(u.created_at as date) as hired_at,
    cast(null as date) as terminated_at,
    u._fivetran_synced as _loaded_at
from zd_users as u
left join zd_agent_teams as teams
    on u.user_id = teams.agent_id
where u.is_agent;
"""


@dataclass
class Translation:
    """What the translation wrote and what it left out or kept with a note."""

    folder: Path
    rows: dict[str, int]
    notes: list[str]


def translate(
    folder: str | Path,
    out: str | Path,
    category: CategoryRule | None = None,
) -> Translation:
    """Translate the Zendesk files in `folder` into native contract Parquet files in `out`."""
    folder, out = Path(folder), Path(out)
    category = category or CategoryRule()
    files = find_zendesk_files(folder)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        input_rows: dict[str, int] = {}
        for name, table in ZENDESK_TABLES.items():
            if name not in files:
                _empty_view(con, table)
                continue
            extra = None
            if name == "ticket" and category.field:
                extra = {category.field: T}
            if name == "ticket" and "group" in files:
                extra = {**(extra or {}), "group_id": T}
            input_rows[name] = _stage(con, table, files[name], extra)
        field_value = "cast(null as varchar)"
        if category.field:  # the custom field column rides along in z_ticket (see _stage)
            quoted = category.field.replace('"', '""')
            field_value = f"nullif(trim(cast(t.\"{quoted}\" as varchar)), '')"
        prefix = category.tag_prefix or ""
        sql = TRANSLATION.format(
            prefix=_sql_literal(prefix), prefix_length=len(prefix), field_value=field_value
        )
        for statement in filter(str.strip, sql.split(";")):
            con.execute(statement)
        out.mkdir(parents=True, exist_ok=True)
        rows = {}
        for name in WRITES:
            table = TABLES[name]
            casts = ", ".join(f'cast("{c}" as {DUCKDB_TYPES[k]}) as "{c}"' for c, k in table.columns.items())
            target = out / f"{name}.parquet"
            con.execute(f"copy (select {casts} from out_{name}) to '{target}' (format parquet)")
            rows[name] = con.execute(f"select count(*) from out_{name}").fetchone()[0]
        notes = _notes(con, files, category)
    finally:
        con.close()
    return Translation(out, rows, notes)


def _notes(con: duckdb.DuckDBPyConnection, files: dict[str, Path], category: CategoryRule) -> list[str]:
    """What the translation decided, in numbers, for the load's progress output."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    notes = []
    deleted = one("select count(*) from zd_deleted_tickets")
    if deleted:
        comments = one(
            "select count(*) from z_ticket_comment where ticket_id in (select ticket_id from zd_deleted_tickets)"
        )
        history = one(
            "select count(*) from z_ticket_field_history where field_name in ('status', 'assignee_id') "
            "and ticket_id in (select ticket_id from zd_deleted_tickets)"
        )
        notes.append(
            f"left out {deleted} deleted ticket(s) (_fivetran_deleted or status 'deleted') "
            f"with their {comments} comment(s) and {history} status/assignee change(s)"
        )
    unknown = one("select count(*) from zd_comments where is_unknown_author")
    if unknown:
        notes.append(
            f"kept {unknown} comment(s) by user(s) missing from 'user' "
            "(public: customer_reply; private: internal_note by an unknown agent)"
        )
    categorised = one("select count(*) from out_tickets where category <> 'other'")
    total = one("select count(*) from out_tickets")
    source = " or ".join(
        s
        for s in (
            f"ticket column '{category.field}'" if category.field else "",
            f"tags '{category.tag_prefix}*'" if category.tag_prefix and "ticket_tag" in files else "",
        )
        if s
    )
    notes.append(
        f"category from {source or 'nothing (no field, no ticket_tag)'}: {categorised} of {total} ticket(s); "
        "the others are 'other'"
    )
    unused = [n for n in ("organization",) if n in files]
    if unused:
        notes.append("read but not mapped (the contract has no column for it): " + ", ".join(unused))
    return notes


def load(
    folder: str | Path,
    target: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    category: CategoryRule | None = None,
    append: bool = False,
) -> dict[str, int]:
    """Translate Fivetran's Zendesk files in `folder` and load them with the native loader
    (replacing the four tables, or appending to them: `append`, as `cx-metrics load --append`)."""
    say = progress or (lambda _msg: None)
    with tempfile.TemporaryDirectory(prefix="cx_zendesk_") as tmp:
        result = translate(folder, tmp, category)
        say(
            "translated Zendesk files in "
            f"{folder}: " + ", ".join(f"{name} {rows:,}" for name, rows in result.rows.items())
        )
        for note in result.notes:
            say(f"zendesk: {note}")
        return load_mod.load(tmp, target=target, progress=say, append=append)
