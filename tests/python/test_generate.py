"""The sample-data generator: determinism, contract shape, clean invariants, dirt, realism."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cx_metrics import contract
from cx_metrics.generate import generate

SMALL = {"customers": 4_000, "days": 45, "start": date(2026, 3, 2), "seed": 11}
RATE = 0.05
SMALL_END = pd.Timestamp(SMALL["start"] + timedelta(days=SMALL["days"]))
# where each dirt class applies (docs/raw_sources.md)
DIRT_CLASSES = {
    "tickets": {"misspelt_enums", "unknown_enums", "orphan_customers"},
    "ticket_events": {"negative_durations", "events_before_ticket", "late_rows"},
    "calls": {"ended_before_queued", "negative_durations", "orphan_customers", "misspelt_enums"},
    "survey_responses": {"late_rows", "orphan_customers", "out_of_scale_scores", "misspelt_enums"},
    "qa_evaluations": {"out_of_scale_scores"},
    "social_mentions": {"misspelt_enums"},
}
LATEST_TIMESTAMP = {
    "customers": "created_at",
    "orders": "ordered_at",
    "returns": "returned_at",
    "tickets": "updated_at",
    "ticket_events": "event_at",
    "calls": "ended_at",
    "survey_responses": "responded_at",
    "qa_evaluations": "evaluated_at",
    "social_mentions": "posted_at",
}


def contract_arrow_type(contract_type: str) -> pa.DataType:
    """The Parquet type of each contract column, written out independently of the generator."""
    if contract_type.startswith("decimal("):
        precision, scale = contract_type[8:-1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return {
        "text": pa.string(),
        "timestamp": pa.timestamp("us"),
        "date": pa.date32(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
    }[contract_type]


def read(folder: Path, table: str) -> pd.DataFrame:
    return pq.read_table(folder / f"{table}.parquet").to_pandas()


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean")
    generate(folder, **SMALL)
    return folder


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("dirty")
    return folder, generate(folder, **SMALL, dirty_rate=RATE)


@pytest.fixture(scope="module")
def default_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("default")
    generate(folder)
    return folder


# ---------------------------------------------------------------- determinism and shape
def test_same_seed_gives_byte_identical_files(clean: Path, tmp_path: Path) -> None:
    generate(tmp_path, **SMALL)
    names = sorted(p.name for p in clean.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == len(contract.TABLES) + 1
    for name in names:
        assert (clean / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_different_seed_gives_different_data(clean: Path, tmp_path: Path) -> None:
    generate(tmp_path, **{**SMALL, "seed": 12})
    for table in ("customers", "calls", "tickets", "ticket_events", "survey_responses"):
        assert not read(clean, table).equals(read(tmp_path, table)), table


def test_every_table_has_exactly_the_contract_columns_and_types(clean: Path) -> None:
    for name, spec in contract.TABLES.items():
        schema = pq.read_schema(clean / f"{name}.parquet")
        assert schema.names == list(spec.columns), name
        for column, contract_type in spec.columns.items():
            assert schema.field(column).type == contract_arrow_type(contract_type), (name, column)


def test_manifest_of_a_clean_sample(clean: Path) -> None:
    manifest = json.loads((clean / "manifest.json").read_text())
    assert manifest["generator"] == "cx_metrics.generate"
    assert (
        manifest["seed"],
        manifest["dirty_rate"],
        manifest["start"],
        manifest["days"],
        manifest["customers"],
    ) == (11, 0.0, "2026-03-02", 45, 4_000)
    assert list(manifest["tables"]) == list(contract.TABLES)
    for name, entry in manifest["tables"].items():
        assert entry["dirt"] == {}
        assert entry["rows"] == pq.read_metadata(clean / f"{name}.parquet").num_rows > 0


def test_primary_keys_are_unique_and_present_when_clean(clean: Path) -> None:
    for name, spec in contract.TABLES.items():
        keys = read(clean, name)[spec.primary_key]
        assert keys.notna().all() and keys.is_unique, name


# ---------------------------------------------------------------- clean invariants
def test_call_legs_are_consistent(clean: Path) -> None:
    calls = read(clean, "calls")
    assert (calls.ended_at >= calls.queued_at).all()
    assert (calls[["talk_seconds", "hold_seconds", "acw_seconds"]] >= 0).all().all()
    unanswered = calls[calls.answered_at.isna()]
    assert unanswered.agent_id.isna().all() and unanswered.disposition.isna().all()
    assert (unanswered[["talk_seconds", "hold_seconds", "acw_seconds"]] == 0).all().all()
    assert (unanswered.ended_at - unanswered.queued_at).dt.total_seconds().lt(5).any()  # short abandons
    answered = calls[calls.answered_at.notna()]
    assert answered.agent_id.notna().all() and answered.disposition.notna().all()
    assert (answered.answered_at >= answered.queued_at).all()
    talk_hold = pd.to_timedelta(answered.talk_seconds + answered.hold_seconds, unit="s")
    assert (answered.ended_at == answered.answered_at + talk_hold).all()
    assert set(calls.direction) == {"inbound", "outbound"}
    outbound = calls[calls.direction == "outbound"]
    assert outbound.answered_at.notna().all() and outbound.parent_call_id.isna().all()
    # every transferred leg has a child in another queue, answered by another agent
    child = calls.dropna(subset=["parent_call_id"]).merge(
        calls, left_on="parent_call_id", right_on="call_id", suffixes=("", "_parent")
    )
    assert len(child) == calls.parent_call_id.notna().sum()
    assert child.transferred_parent.all()
    assert (child.queue != child.queue_parent).all()
    assert (child.queued_at == child.ended_at_parent).all()
    both_answered = child.agent_id.notna()
    assert (child.agent_id[both_answered] != child.agent_id_parent[both_answered]).all()
    transferred = calls[calls.transferred]
    assert transferred.answered_at.notna().all()
    childless = transferred[~transferred.call_id.isin(calls.parent_call_id)]
    assert (childless.ended_at > SMALL_END - pd.Timedelta(hours=1)).all()  # child still in progress
    tickets = read(clean, "tickets").set_index("ticket_id")
    cases = calls.ticket_id.dropna()
    assert cases.isin(tickets.index).all()
    assert (tickets.loc[cases, "channel"] == "phone").all()


def test_ticket_logs_agree_with_tickets(clean: Path) -> None:
    tickets = read(clean, "tickets").set_index("ticket_id")
    events = read(clean, "ticket_events")
    assert events.ticket_id.isin(tickets.index).all()
    created = tickets.created_at.reindex(events.ticket_id).to_numpy()
    assert (events.event_at.to_numpy() >= created).all()
    spent = events.time_spent_seconds.dropna()
    assert (spent >= 0).all()
    assert set(events.event_type[events.time_spent_seconds.notna()]) <= {"agent_reply", "internal_note"}
    assert set(events.event_type) == set(contract.ENUMS["event_type"])
    first = events[events.event_type == "created"].set_index("ticket_id").event_at
    assert first.index.is_unique and (first.reindex(tickets.index) == tickets.created_at).all()
    ordered = events.sort_values(["event_at", "event_id"])
    changes = ordered[ordered.event_type == "status_change"]
    assert (
        tickets.status == changes.groupby("ticket_id").new_status.last().reindex(tickets.index).fillna("new")
    ).all()
    last_solve = changes[changes.new_status == "solved"].groupby("ticket_id").event_at.max()
    solved = tickets.status.isin(["solved", "closed"])
    assert (tickets.solved_at[solved] == last_solve.reindex(tickets.index)[solved]).all()
    assert tickets.solved_at[~solved].isna().all()
    assert (tickets.updated_at == events.groupby("ticket_id").event_at.max().reindex(tickets.index)).all()
    assert {"open", "pending"} & set(tickets.status)  # some still open at the end


def test_survey_and_qa_scores_are_in_scale(clean: Path) -> None:
    surveys = read(clean, "survey_responses")
    for kind, (lo, hi) in contract.SURVEY_SCALES.items():
        scores = surveys.score[surveys.survey_type == kind]
        assert len(scores) and scores.between(lo, hi).all(), kind
    delay = surveys.responded_at - surveys.sent_at
    assert ((delay >= pd.Timedelta(0)) & (delay <= pd.Timedelta(days=3))).all()
    assert not (surveys.ticket_id.notna() & surveys.call_id.notna()).any()
    assert set(surveys.call_id.dropna()) <= set(read(clean, "calls").call_id)
    qa = read(clean, "qa_evaluations")
    assert qa.empathy_score.between(1, 5).all()
    assert (qa.call_id.notna() ^ qa.ticket_id.notna()).all()


def test_returns_follow_their_orders(clean: Path) -> None:
    orders = read(clean, "orders").set_index("order_id")
    returns = read(clean, "returns")
    assert returns.order_id.is_unique and returns.order_id.isin(orders.index).all()
    assert (returns.returned_at.to_numpy() >= orders.ordered_at.reindex(returns.order_id).to_numpy()).all()
    assert (returns.refund_amount.to_numpy() <= orders.amount.reindex(returns.order_id).to_numpy()).all()
    assert set(returns.reason) == set(contract.ENUMS["return_reason"])
    assert (orders.quantity >= 1).all() and (orders.amount >= 0).all()
    assert orders.ordered_at.min() < pd.Timestamp(SMALL["start"]) - pd.Timedelta(days=300)


def test_every_customer_and_agent_reference_exists(clean: Path) -> None:
    customers = read(clean, "customers").set_index("customer_id")
    agents = set(read(clean, "agents").agent_id)
    for table in ("calls", "tickets", "survey_responses", "orders", "social_mentions"):
        ids = read(clean, table).customer_id.dropna()
        assert ids.isin(customers.index).all(), table
    for table, column in (
        ("calls", "agent_id"),
        ("tickets", "assignee_agent_id"),
        ("ticket_events", "agent_id"),
        ("qa_evaluations", "agent_id"),
    ):
        assert set(read(clean, table)[column].dropna()) <= agents, table
    calls = read(clean, "calls").dropna(subset=["customer_id"])
    since = customers.created_at.reindex(calls.customer_id).to_numpy()
    assert (calls.queued_at.to_numpy() >= since).all()


def test_loaded_at_is_0200_on_the_day_after_the_latest_timestamp(clean: Path) -> None:
    for table, column in LATEST_TIMESTAMP.items():
        frame = read(clean, table)
        expected = frame[column].dt.floor("D") + pd.Timedelta(days=1, hours=2)
        assert (frame._loaded_at == expected).all(), table


def test_nothing_happens_after_the_period_end(clean: Path) -> None:
    for table, column in LATEST_TIMESTAMP.items():
        assert read(clean, table)[column].max() < SMALL_END, table


# ---------------------------------------------------------------- dirt
def test_dirt_counts_follow_the_rate(dirty: tuple[Path, dict]) -> None:
    folder, manifest = dirty
    for name in contract.TABLES:
        entry = manifest["tables"][name]
        clean_rows = entry["rows"] - entry["dirt"].get("duplicates", {}).get("count", 0)
        applicable = DIRT_CLASSES.get(name, set()) | {"duplicates"}
        assert set(entry["dirt"]) == (applicable if round(RATE * clean_rows) else set()), name
        seen: set[str] = set()
        for cls, dirt in entry["dirt"].items():
            assert dirt["count"] == round(RATE * clean_rows) == len(dirt["keys"]), (name, cls)
            assert dirt["keys"] == sorted(dirt["keys"])
            assert not seen & set(dirt["keys"]), (name, cls)  # one dirt class per row
            seen |= set(dirt["keys"])
        assert entry["rows"] == pq.read_metadata(folder / f"{name}.parquet").num_rows


def test_dirt_is_exactly_where_the_manifest_says(clean: Path, dirty: tuple[Path, dict]) -> None:
    folder, manifest = dirty
    for name, spec in contract.TABLES.items():
        key = spec.primary_key
        raw = read(folder, name)
        dirt = manifest["tables"][name]["dirt"]
        counts = raw[key].value_counts()
        assert sorted(counts.index[counts > 1]) == dirt["duplicates"]["keys"], name
        winners = raw.sort_values("_loaded_at").drop_duplicates(key, keep="last").set_index(key).sort_index()
        base = read(clean, name).set_index(key).sort_index()
        assert winners.index.equals(base.index), name
        differs = ~((winners == base) | (winners.isna() & base.isna())).all(axis=1)
        marked = {k for cls, d in dirt.items() if cls != "duplicates" for k in d["keys"]}
        assert set(winners.index[differs]) == marked, name


def rows(folder: Path, table: str, keys: list[str]) -> pd.DataFrame:
    frame = read(folder, table)
    key = contract.TABLES[table].primary_key
    return frame[frame[key].isin(keys)].drop_duplicates(key)


def test_dirt_keys_show_their_dirt(dirty: tuple[Path, dict]) -> None:
    folder, manifest = dirty
    dirt = {name: entry["dirt"] for name, entry in manifest["tables"].items()}

    def keys(table: str, cls: str) -> list[str]:
        assert dirt[table][cls]["keys"], (table, cls)
        return dirt[table][cls]["keys"]

    tickets = read(folder, "tickets")
    copies = tickets[tickets.ticket_id.duplicated(keep=False)].sort_values("_loaded_at")
    first, last = copies.groupby("ticket_id").first(), copies.groupby("ticket_id").last()
    assert (
        (first.updated_at < last.updated_at) & (first._loaded_at == last._loaded_at - pd.Timedelta(days=1))
    ).all()
    variants = {raw for spellings in contract.ENUM_VARIANTS.values() for raw in spellings}
    misspelt = rows(folder, "tickets", keys("tickets", "misspelt_enums"))
    assert (misspelt.channel.isin(variants) | misspelt.category.isin(variants)).all()
    unknown = rows(folder, "tickets", keys("tickets", "unknown_enums"))
    unknown_values = {v for values in contract.UNKNOWN_ENUM_VALUES.values() for v in values}
    assert (unknown.channel.isin(unknown_values) | unknown.category.isin(unknown_values)).all()
    customers = set(read(folder, "customers").customer_id)
    for table in ("tickets", "calls", "survey_responses"):
        assert not rows(folder, table, keys(table, "orphan_customers")).customer_id.isin(customers).any()

    calls = rows(folder, "calls", keys("calls", "negative_durations"))
    assert (calls[["talk_seconds", "hold_seconds", "acw_seconds"]].min(axis=1) < 0).all()
    backwards = rows(folder, "calls", keys("calls", "ended_before_queued"))
    assert ((backwards.ended_at < backwards.queued_at) & backwards.answered_at.isna()).all()
    assert (
        rows(folder, "calls", keys("calls", "misspelt_enums"))
        .direction.isin(contract.ENUM_VARIANTS["direction"])
        .all()
    )

    created = tickets.drop_duplicates("ticket_id").set_index("ticket_id").created_at
    events = rows(folder, "ticket_events", keys("ticket_events", "negative_durations"))
    assert (events.time_spent_seconds < 0).all()
    early = rows(folder, "ticket_events", keys("ticket_events", "events_before_ticket"))
    ahead = created.reindex(early.ticket_id).to_numpy() - early.event_at.to_numpy()
    assert ((ahead >= pd.Timedelta(hours=1)) & (ahead <= pd.Timedelta(days=3))).all()
    late = rows(folder, "ticket_events", keys("ticket_events", "late_rows"))
    solved = tickets.drop_duplicates("ticket_id").set_index("ticket_id").solved_at
    after = late._loaded_at.to_numpy() - solved.reindex(late.ticket_id).to_numpy()
    assert ((after >= pd.Timedelta(days=3)) & (after <= pd.Timedelta(days=10))).all()

    surveys = rows(folder, "survey_responses", keys("survey_responses", "out_of_scale_scores"))
    scale = surveys.survey_type.map(contract.SURVEY_SCALES)
    assert all(not lo <= s <= hi for s, (lo, hi) in zip(surveys.score, scale, strict=True))
    late = rows(folder, "survey_responses", keys("survey_responses", "late_rows"))
    waited = late.responded_at - late.sent_at
    assert waited.between(pd.Timedelta(days=4), pd.Timedelta(days=14)).all()
    assert late.responded_at.max() < SMALL_END
    assert (
        rows(folder, "survey_responses", keys("survey_responses", "misspelt_enums"))
        .survey_type.isin(contract.ENUM_VARIANTS["survey_type"])
        .all()
    )
    qa = rows(folder, "qa_evaluations", keys("qa_evaluations", "out_of_scale_scores"))
    assert qa.empathy_score.isin([0, 6]).all()
    assert (
        rows(folder, "social_mentions", keys("social_mentions", "misspelt_enums"))
        .sentiment.isin(contract.ENUM_VARIANTS["sentiment"])
        .all()
    )


def test_misspellings_map_back_to_the_true_value(clean: Path, dirty: tuple[Path, dict]) -> None:
    folder, manifest = dirty
    for table, column in (
        ("calls", "direction"),
        ("survey_responses", "survey_type"),
        ("social_mentions", "sentiment"),
    ):
        key = contract.TABLES[table].primary_key
        spelt = rows(folder, table, manifest["tables"][table]["dirt"]["misspelt_enums"]["keys"])
        truth = read(clean, table).set_index(key)[column].reindex(spelt[key])
        variants = contract.ENUM_VARIANTS[contract.ENUM_COLUMNS[(table, column)]]
        assert (spelt[column].map(variants).to_numpy() == truth.to_numpy()).all(), table


def test_tiny_sample_with_dirt_does_not_break(tmp_path: Path) -> None:
    manifest = generate(tmp_path, customers=40, days=3, dirty_rate=0.02)
    assert manifest["tables"]["customers"]["rows"] == 41
    assert "duplicates" not in manifest["tables"]["products"]["dirt"]  # round(0.02 x 12) = 0
    for table in manifest["tables"].values():
        for entry in table["dirt"].values():
            assert entry["count"] == len(entry["keys"]) > 0


def test_arguments_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, dirty_rate=0.5)
    with pytest.raises(ValueError):
        generate(tmp_path, days=0)


def test_progress_reports_rows(tmp_path: Path) -> None:
    lines: list[str] = []
    manifest = generate(tmp_path, customers=500, days=10, progress=lines.append)
    assert f"calls: {manifest['tables']['calls']['rows']:,} rows" in lines
    assert sum(line.endswith(" rows") for line in lines) == len(contract.TABLES)


# ---------------------------------------------------------------- realism (default sample)
CONTACTS_SQL = """
create table contacts as
with recursive tree(call_id, root) as (
    select call_id, call_id from calls where parent_call_id is null and direction = 'inbound'
    union all
    select c.call_id, t.root from calls c join tree t on c.parent_call_id = t.call_id
),
chains as (
    select t.root,
        min(c.queued_at) as start,
        bool_or(c.answered_at is not null) as handled,
        arg_max(c.disposition, c.answered_at) filter (where c.answered_at is not null) as last_disposition,
        arg_min(c.ticket_id, c.queued_at) filter (where c.ticket_id is not null) as ticket_id,
        arg_min(c.queue, c.queued_at) as first_queue,
        arg_min(c.customer_id, c.queued_at) as customer_id
    from tree t join calls c using (call_id)
    group by t.root
),
queue_categories(queue, category) as (
    values ('general', 'other'), ('billing', 'billing'), ('technical', 'setup'), ('vip', 'account')
),
logs as (
    select ticket_id,
        bool_or(event_type = 'agent_reply') as replied,
        min(event_at) filter (where new_status = 'solved') as first_solve,
        max(event_at) filter (where new_status in ('open', 'pending')) as last_back
    from ticket_events group by ticket_id
),
cases as (
    select t.*, coalesce(l.replied, false) as replied,
        t.status in ('solved', 'closed') and not coalesce(l.last_back > l.first_solve, false) as resolved
    from tickets t left join logs l using (ticket_id)
)
select 'phone' as channel, c.start, c.handled, coalesce(c.customer_id, k.customer_id) as customer_id,
    coalesce(k.category, q.category) as category, c.last_disposition = 'resolved' as resolved
from chains c left join cases k using (ticket_id) left join queue_categories q on q.queue = c.first_queue
union all
select channel, created_at, replied, customer_id, category, resolved
from cases
where ticket_id not in (select ticket_id from calls where direction = 'inbound' and ticket_id is not null)
"""


@pytest.fixture(scope="module")
def warehouse(default_sample: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in contract.TABLES:
        con.execute(f"create view {table} as select * from read_parquet('{default_sample / table}.parquet')")
    con.execute(CONTACTS_SQL)
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    return con.execute(sql).fetchone()[0]


def test_phone_efficiency_is_believable(warehouse: duckdb.DuckDBPyConnection) -> None:
    inbound = "from calls where direction = 'inbound'"
    aht = one(
        warehouse,
        f"select avg(talk_seconds + hold_seconds + acw_seconds) / 60 {inbound} and answered_at is not null",
    )
    transfer = one(warehouse, f"select avg(transferred::int) {inbound} and answered_at is not null")
    abandon = one(warehouse, f"select avg((answered_at is null)::int) {inbound}")
    service = one(
        warehouse,
        f"""select count(*) filter (where epoch(answered_at - queued_at) <= 20)
        / count(*) filter (where answered_at is not null or epoch(ended_at - queued_at) >= 5) {inbound}""",
    )
    assert 5 <= aht <= 8
    assert 0.05 <= transfer <= 0.15
    assert 0.03 <= abandon <= 0.12
    assert 0.70 <= service <= 0.90


def test_contacts_volume_mix_and_fcr_are_believable(warehouse: duckdb.DuckDBPyConnection) -> None:
    contacts = one(warehouse, "select count(*) from contacts")
    assert 20_000 * 91 / 30 * 0.35 * 0.9 <= contacts <= 20_000 * 91 / 30 * 0.35 * 1.1
    assert one(warehouse, "select count(distinct channel) from contacts") >= 4
    assert 0.40 <= one(warehouse, "select avg((channel = 'phone')::int) from contacts") <= 0.52
    assert 0.01 <= one(warehouse, "select avg((customer_id is null)::int) from contacts") <= 0.04
    fcr = one(
        warehouse,
        """
        select avg((a.resolved and not exists (
            select 1 from contacts b where b.customer_id = a.customer_id and b.category = a.category
              and b.start > a.start and b.start <= a.start + interval 7 day))::int)
        from contacts a
        where a.handled and a.customer_id is not null
          and a.start + interval 7 day <= (select max(start) from contacts)""",
    )
    assert 0.62 <= fcr <= 0.78


def test_experience_scores_are_believable(warehouse: duckdb.DuckDBPyConnection) -> None:
    nps = one(
        warehouse,
        "select 100 * (avg((score >= 9)::int) - avg((score <= 6)::int)) "
        "from survey_responses where survey_type = 'nps'",
    )
    csat = one(
        warehouse, "select 100 * avg((score >= 4)::int) from survey_responses where survey_type = 'csat'"
    )
    ces = one(warehouse, "select avg(score) from survey_responses where survey_type = 'ces'")
    resolved_csat, unresolved_csat = warehouse.execute("""
        select avg(s.score) filter (where c.disposition = 'resolved'),
               avg(s.score) filter (where c.disposition <> 'resolved')
        from survey_responses s join calls c using (call_id)
        where s.survey_type = 'csat' and not c.transferred""").fetchone()
    assert 15 <= nps <= 45
    assert 75 <= csat <= 90
    assert 4.5 <= ces <= 5.8
    assert resolved_csat > unresolved_csat + 0.5


def test_help_soon_after_an_order_halves_no_fault_returns(warehouse: duckdb.DuckDBPyConnection) -> None:
    with_contact, without = warehouse.execute("""
        with o as (
            select o.order_id, exists (
                select 1 from contacts c where c.customer_id = o.customer_id and c.handled
                  and c.start >= o.ordered_at and c.start <= o.ordered_at + interval 30 day) as helped
            from orders o)
        select avg(coalesce(r.reason = 'could_not_set_up', false)::int) filter (where helped),
               avg(coalesce(r.reason = 'could_not_set_up', false)::int) filter (where not helped)
        from o left join returns r using (order_id)""").fetchone()
    assert with_contact < 0.7 * without
    return_share = one(warehouse, "select (select count(*) from returns) / (select count(*) from orders)")
    assert 0.06 <= return_share <= 0.10


def test_reopens_and_open_tickets_exist(warehouse: duckdb.DuckDBPyConnection) -> None:
    reopen = one(
        warehouse,
        """
        with s as (
            select ticket_id, min(event_at) filter (where new_status = 'solved') as solved,
                   max(event_at) filter (where new_status in ('open', 'pending')) as back
            from ticket_events where event_type = 'status_change' group by ticket_id)
        select avg((back > solved)::int) from s where solved is not null""",
    )
    assert 0.05 <= reopen <= 0.12
