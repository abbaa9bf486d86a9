"""The three marts in plain pandas, from the raw Parquet exports: what a user without a
warehouse would write (vectorised pandas, no DuckDB, no SQL).

    python benchmarks/pandas_impl.py <raw_folder> <out_dir>

Same rules as the marts (DECISIONLOG.md) at the default vars (UTC days, 7-day repeat
window, 5 s short abandon, 20 s service level, 5 parent hops): latest extraction wins
per raw key, enum spellings through seeds/enum_mappings.csv, impossible rows
dropped (only the winning copy is validated), ids trimmed and blank ids null,
as_of = latest business timestamp of the clean rows, call chains, contacts,
repeats, evaluable/pending, survey attribution. Writes mart_queue_daily.parquet,
mart_fcr_daily.parquet and mart_experience_monthly.parquet into out_dir.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SHORT_ABANDON_S, SERVICE_LEVEL_S, REPEAT_DAYS, MAX_DEPTH = 5, 20, 7, 5


def enum_maps() -> dict[str, dict[str, str]]:
    seed = pd.read_csv(ROOT / "seeds" / "enum_mappings.csv", dtype=str, keep_default_na=False)
    return {
        name: dict(zip(g.raw_value, g.canonical_value, strict=True)) for name, g in seed.groupby("enum_name")
    }


ENUMS = enum_maps()


def norm_enum(s: pd.Series, enum: str) -> pd.Series:
    """Canonical value; an unknown spelling is `other`; null stays null."""
    mapped = s.str.strip().str.lower().map(ENUMS[enum])
    return mapped.where(s.isna() | mapped.notna(), "other").astype(object).where(s.notna(), None)


def clean_id(s: pd.Series) -> pd.Series:
    """Trimmed; blank becomes null."""
    t = s.str.strip()
    return t.where(t != "", None)


def latest(df: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """The winning copy of each non-blank raw key: the largest `order` values (nulls lose)."""
    df = df[df[key].notna() & (df[key].str.strip() != "")]
    df = df.sort_values(order, ascending=True, na_position="first", kind="stable")
    return df.drop_duplicates(key, keep="last")


def seconds(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Exact elapsed seconds (microsecond differences, then / 1e6), NaN when either is missing."""
    diff = (later - earlier).astype("timedelta64[us]")
    out = diff.to_numpy().astype("int64").astype("float64") / 1_000_000
    return pd.Series(np.where(diff.isna(), np.nan, out), index=later.index)


def read(raw: Path, table: str, columns: list[str]) -> pd.DataFrame:
    return pd.read_parquet(raw / f"{table}.parquet", columns=columns)


def lt(a: pd.Series, b) -> pd.Series:
    """a < b, False when either side is missing (SQL: null is not true)."""
    return (a < b).fillna(False).astype(bool)


def main() -> None:
    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    # ------------------------------------------------------------------ clean calls
    c = latest(
        read(
            raw,
            "calls",
            [
                "call_id",
                "parent_call_id",
                "direction",
                "customer_id",
                "ticket_id",
                "queue",
                "queued_at",
                "answered_at",
                "ended_at",
                "talk_seconds",
                "hold_seconds",
                "acw_seconds",
                "transferred",
                "disposition",
                "_loaded_at",
            ],
        ),
        "call_id",
        ["_loaded_at"],
    )
    bad = (
        lt(c.talk_seconds, 0)
        | lt(c.hold_seconds, 0)
        | lt(c.acw_seconds, 0)
        | lt(c.ended_at, c.queued_at)
        | lt(c.answered_at, c.queued_at)
        | lt(c.ended_at, c.answered_at)
    )
    c = c[~bad]
    calls = pd.DataFrame(
        {
            "call_id": c.call_id.str.strip(),
            "parent_call_id": clean_id(c.parent_call_id),
            "customer_id": clean_id(c.customer_id),
            "ticket_id": clean_id(c.ticket_id),
            "direction": norm_enum(c.direction, "direction"),
            "disposition": norm_enum(c.disposition, "disposition"),
            "queue": c.queue.str.strip().str.lower(),
            "is_transferred": c.transferred.fillna(False).astype(bool),
            "queued_at": c.queued_at,
            "answered_at": c.answered_at,
            "ended_at": c.ended_at,
            "handle_all": c.talk_seconds.fillna(0) + c.hold_seconds.fillna(0) + c.acw_seconds.fillna(0),
        }
    ).reset_index(drop=True)
    del c

    # ------------------------------------------------------------------ clean tickets and events
    t = latest(
        read(
            raw,
            "tickets",
            [
                "ticket_id",
                "customer_id",
                "channel",
                "category",
                "created_at",
                "solved_at",
                "updated_at",
                "_loaded_at",
            ],
        ),
        "ticket_id",
        ["updated_at", "_loaded_at"],
    )
    t = t[t.created_at.notna() & ~lt(t.solved_at, t.created_at)]
    tickets = pd.DataFrame(
        {
            "ticket_id": t.ticket_id.str.strip(),
            "customer_id": clean_id(t.customer_id),
            "channel": norm_enum(t.channel, "channel"),
            "category": norm_enum(t.category, "category").fillna("other"),
            "created_at": t.created_at,
            "solved_at": t.solved_at,
            "updated_at": t.updated_at,
        }
    ).reset_index(drop=True)
    del t

    e = latest(
        read(
            raw,
            "ticket_events",
            [
                "event_id",
                "ticket_id",
                "event_at",
                "event_type",
                "new_status",
                "time_spent_seconds",
                "_loaded_at",
            ],
        ),
        "event_id",
        ["_loaded_at"],
    )
    e = e.drop(columns="_loaded_at")
    e["ticket_id"] = e.ticket_id.str.strip()
    e = e.merge(tickets[["ticket_id", "created_at"]], on="ticket_id", how="inner")
    e = e[e.event_at.notna() & ~lt(e.time_spent_seconds, 0) & ~lt(e.event_at, e.created_at)]
    events = pd.DataFrame(
        {
            "event_id": e.event_id.str.strip(),
            "ticket_id": e.ticket_id,
            "event_at": e.event_at,
            "event_type": norm_enum(e.event_type, "event_type"),
            "new_status": norm_enum(e.new_status, "ticket_status"),
        }
    )
    del e

    # ------------------------------------------------------------------ clean surveys
    s = latest(
        read(
            raw,
            "survey_responses",
            [
                "response_id",
                "survey_type",
                "ticket_id",
                "call_id",
                "sent_at",
                "responded_at",
                "score",
                "_loaded_at",
            ],
        ),
        "response_id",
        ["_loaded_at"],
    )
    stype = norm_enum(s.survey_type, "survey_type")
    out_of_scale = (
        s.score.isna()
        | ((stype == "nps") & ((s.score < 0) | (s.score > 10)))
        | ((stype == "csat") & ((s.score < 1) | (s.score > 5)))
        | ((stype == "ces") & ((s.score < 1) | (s.score > 7)))
    )
    keep = s.responded_at.notna() & ~out_of_scale & ~lt(s.responded_at, s.sent_at)
    surveys = pd.DataFrame(
        {
            "survey_type": stype[keep],
            "ticket_id": clean_id(s.ticket_id[keep]),
            "call_id": clean_id(s.call_id[keep]),
            "responded_at": s.responded_at[keep],
            "score": s.score[keep],
        }
    )
    del s

    # ------------------------------------------------------------------ as_of
    o = latest(
        read(raw, "orders", ["order_id", "ordered_at", "quantity", "amount", "_loaded_at"]),
        "order_id",
        ["_loaded_at"],
    )
    o = o[o.ordered_at.notna() & o.quantity.notna() & (o.quantity >= 1) & ~lt(o.amount, 0)]
    r = latest(
        read(raw, "returns", ["return_id", "returned_at", "refund_amount", "_loaded_at"]),
        "return_id",
        ["_loaded_at"],
    )
    r = r[r.returned_at.notna() & ~lt(r.refund_amount, 0)]
    q = latest(
        read(raw, "qa_evaluations", ["evaluation_id", "evaluated_at", "empathy_score", "_loaded_at"]),
        "evaluation_id",
        ["_loaded_at"],
    )
    q = q[~(lt(q.empathy_score, 1) | (q.empathy_score > 5).fillna(False).astype(bool))]
    m = latest(
        read(raw, "social_mentions", ["mention_id", "posted_at", "_loaded_at"]), "mention_id", ["_loaded_at"]
    )
    as_of = max(
        x
        for x in (
            calls.ended_at.max(),
            tickets.updated_at.max(),
            tickets.solved_at.max(),
            events.event_at.max(),
            surveys.responded_at.max(),
            q.evaluated_at.max(),
            m.posted_at.max(),
            o.ordered_at.max(),
            r.returned_at.max(),
        )
        if pd.notna(x)
    )
    del o, r, q, m

    # ------------------------------------------------------------------ mart_queue_daily
    legs = calls[(calls.direction == "inbound") & (calls.queued_at <= as_of)]
    answered = legs.answered_at.notna()
    wait = seconds(legs.answered_at.where(answered, legs.ended_at), legs.queued_at)
    short = ~answered & (wait < SHORT_ABANDON_S)
    qd = pd.DataFrame(
        {
            "date_day": legs.queued_at.dt.normalize(),
            "queue": legs.queue,
            "offered_legs": (~short & wait.notna() | answered).astype("int64"),
            "answered_legs": answered.astype("int64"),
            "abandoned_legs": (~answered & (wait >= SHORT_ABANDON_S)).astype("int64"),
            "short_abandoned_legs": short.astype("int64"),
            "answered_within_sl": (answered & (wait <= SERVICE_LEVEL_S)).astype("int64"),
            "transferred_legs": (answered & legs.is_transferred).astype("int64"),
            "answered_wait_seconds": wait.where(answered, 0.0),
            "handle_seconds_total": legs.handle_all.where(answered, 0).astype("int64"),
            "handle": legs.handle_all.where(answered).astype("float64"),
        }
    )
    g = qd.groupby(["date_day", "queue"], dropna=False, sort=False)
    qm = g[
        [
            "offered_legs",
            "answered_legs",
            "abandoned_legs",
            "short_abandoned_legs",
            "answered_within_sl",
            "transferred_legs",
            "answered_wait_seconds",
            "handle_seconds_total",
        ]
    ].sum()
    qm["aht_p50_seconds"] = g["handle"].quantile(0.5)
    qm["aht_p90_seconds"] = g["handle"].quantile(0.9)
    qm = qm.reset_index()

    def rate(num, den):
        den = den.astype("float64")
        return (num.astype("float64") / den).where(den != 0)

    queue_daily = pd.DataFrame(
        {
            "date_day": qm.date_day.dt.date,
            "queue": qm.queue,
            "offered_legs": qm.offered_legs,
            "answered_legs": qm.answered_legs,
            "abandoned_legs": qm.abandoned_legs,
            "short_abandoned_legs": qm.short_abandoned_legs,
            "answered_within_sl": qm.answered_within_sl,
            "service_level": rate(qm.answered_within_sl, qm.offered_legs),
            "abandon_rate": rate(qm.abandoned_legs, qm.offered_legs),
            "asa_seconds": rate(qm.answered_wait_seconds, qm.answered_legs),
            "aht_seconds": rate(qm.handle_seconds_total, qm.answered_legs),
            "aht_p50_seconds": qm.aht_p50_seconds,
            "aht_p90_seconds": qm.aht_p90_seconds,
            "transfer_rate": rate(qm.transferred_legs, qm.answered_legs),
            "handle_seconds_total": qm.handle_seconds_total,
        }
    )
    del qd, legs

    # ------------------------------------------------------------------ call chains
    parent_of = calls.set_index("call_id")["parent_call_id"]
    known_ids = pd.Index(calls.call_id)
    has_parent = calls.parent_call_id.notna()
    ancestor = calls.call_id[has_parent]
    ancestor_parent = calls.parent_call_id[has_parent]
    hops = pd.Series(0, index=ancestor.index)
    for _ in range(MAX_DEPTH):
        found = ancestor_parent.notna() & ancestor_parent.isin(known_ids)
        ancestor = ancestor.where(~found, ancestor_parent)
        ancestor_parent = ancestor_parent.where(~found, ancestor_parent.map(parent_of))
        hops = hops + found.astype(int)
    calls["root_call_id"] = calls.call_id
    calls.loc[has_parent, "root_call_id"] = ancestor
    calls["leg_depth"] = 0.0
    calls.loc[has_parent, "leg_depth"] = hops.where(ancestor_parent.isna()).astype("float64")
    direction_of = calls.set_index("call_id")["direction"]
    reported = calls[calls.queued_at <= as_of].copy()
    reported["chain_direction"] = reported.root_call_id.map(direction_of)
    reported = reported[reported.root_call_id.isin(known_ids)]  # the root must be a clean leg
    inbound = reported[reported.chain_direction == "inbound"].sort_values(
        ["root_call_id", "queued_at", "leg_depth", "call_id"], na_position="last", kind="stable"
    )

    firsts = inbound.groupby("root_call_id", sort=False)[["ticket_id", "customer_id"]].first()
    last_answered = inbound[inbound.answered_at.notna()].drop_duplicates("root_call_id", keep="last")
    last_disposition = last_answered.set_index("root_call_id")["disposition"]

    # ------------------------------------------------------------------ tickets as of
    rt = tickets[tickets.created_at <= as_of]
    ev = events[events.event_at <= as_of]
    sc = ev[ev.event_type == "status_change"].sort_values(
        ["ticket_id", "event_at", "event_id"], kind="stable"
    )
    prev = sc.new_status.shift(1).where(sc.ticket_id.eq(sc.ticket_id.shift(1)))
    sc = sc.assign(is_reopen=sc.new_status.isin(["open", "pending"]) & (prev == "solved"))
    last_solved_event = sc[sc.new_status == "solved"].groupby("ticket_id").event_at.max()
    reopens = sc[sc.is_reopen].groupby("ticket_id").event_at.agg(["count", "max"])
    replied = pd.Index(ev.ticket_id[ev.event_type == "agent_reply"].unique())
    solved_as_of = rt.solved_at.where(rt.solved_at <= as_of)
    last_ev = rt.ticket_id.map(last_solved_event)
    final_solved = last_ev.where(last_ev.notna(), solved_as_of)
    final_solved = solved_as_of.where(
        solved_as_of.notna() & last_ev.notna() & (solved_as_of > last_ev), final_solved
    )
    last_reopened = rt.ticket_id.map(reopens["max"])
    reopen_count = rt.ticket_id.map(reopens["count"]).fillna(0)
    is_solved = final_solved.notna() & (last_reopened.isna() | (last_reopened < final_solved))
    tfacts = pd.DataFrame(
        {
            "ticket_id": rt.ticket_id,
            "customer_id": rt.customer_id,
            "channel": rt.channel,
            "category": rt.category,
            "created_at": rt.created_at,
            "is_handled": rt.ticket_id.isin(replied),
            "is_resolved": is_solved & (reopen_count == 0),
        }
    ).set_index("ticket_id", drop=False)
    del ev, sc

    # ------------------------------------------------------------------ contacts
    queue_default = pd.read_csv(ROOT / "seeds" / "queue_categories.csv", dtype=str).set_index("queue")[
        "default_category"
    ]
    roots = inbound[inbound.call_id == inbound.root_call_id].set_index("root_call_id")
    case_ticket = firsts.ticket_id.reindex(roots.index)
    case = tfacts.reindex(case_ticket.to_numpy())
    case.index = roots.index
    call_contacts = pd.DataFrame(
        {
            "contact_id": "call:" + roots.index.to_series(),
            "contact_type": "call",
            "channel": "phone",
            "customer_id": firsts.customer_id.reindex(roots.index).fillna(case.customer_id),
            "category": case.category.fillna(roots.queue.map(queue_default)).fillna("other"),
            "ticket_id": case_ticket,
            "root_call_id": roots.index.to_series(),
            "started_at": roots.queued_at,
            "is_handled": roots.index.isin(last_answered.root_call_id),
            "is_resolved": (last_disposition.reindex(roots.index) == "resolved").fillna(False).astype(bool),
        }
    )
    case_ids = pd.Index(inbound.ticket_id.dropna().unique())
    tc = tfacts[~tfacts.ticket_id.isin(case_ids)]
    ticket_contacts = pd.DataFrame(
        {
            "contact_id": "ticket:" + tc.ticket_id,
            "contact_type": "ticket",
            "channel": tc.channel,
            "customer_id": tc.customer_id,
            "category": tc.category,
            "ticket_id": tc.ticket_id,
            "root_call_id": None,
            "started_at": tc.created_at,
            "is_handled": tc.is_handled,
            "is_resolved": tc.is_resolved,
        }
    )
    contacts = pd.concat([call_contacts, ticket_contacts], ignore_index=True)
    cu = read(raw, "customers", ["customer_id", "_loaded_at"])
    known_customers = pd.Index(latest(cu, "customer_id", ["_loaded_at"]).customer_id.str.strip().unique())
    del cu
    contacts["is_known"] = contacts.customer_id.isin(known_customers) & contacts.customer_id.notna()

    # ------------------------------------------------------------------ repeats, outcomes, mart_fcr_daily
    window = pd.Timedelta(days=REPEAT_DAYS)
    k = contacts[contacts.is_known].sort_values(
        ["customer_id", "category", "started_at", "contact_id"], kind="stable"
    )
    new_instant = ~(
        k.customer_id.eq(k.customer_id.shift())
        & k.category.eq(k.category.shift())
        & k.started_at.eq(k.started_at.shift())
    )
    inst = k[new_instant]
    same_group = inst.customer_id.eq(inst.customer_id.shift(-1)) & inst.category.eq(inst.category.shift(-1))
    next_start = inst.started_at.shift(-1).where(same_group).to_numpy()
    next_channel = inst.channel.shift(-1).where(same_group).to_numpy()
    pos = new_instant.cumsum().to_numpy() - 1
    window_end = k.started_at + window
    k_next = pd.Series(next_start[pos], index=k.index)
    has_repeat = (k_next <= window_end).fillna(False).astype(bool)
    repeat_channel = pd.Series(next_channel[pos], index=k.index).where(has_repeat)

    kp = k[k.contact_type == "call"].sort_values(["customer_id", "started_at"], kind="stable")
    new_p = ~(kp.customer_id.eq(kp.customer_id.shift()) & kp.started_at.eq(kp.started_at.shift()))
    pinst = kp[new_p]
    p_next = pinst.started_at.shift(-1).where(pinst.customer_id.eq(pinst.customer_id.shift(-1))).to_numpy()
    has_callback = pd.Series(
        p_next[new_p.cumsum().to_numpy() - 1] <= (kp.started_at + window).to_numpy(), index=kp.index
    )

    contacts["window_closed"] = (window_end <= as_of).reindex(contacts.index).fillna(False).astype(bool)
    contacts["has_repeat"] = has_repeat.reindex(contacts.index).fillna(False).astype(bool)
    contacts["has_callback"] = has_callback.reindex(contacts.index).fillna(False).astype(bool)
    switch = repeat_channel.reindex(contacts.index)
    contacts["is_switch"] = (switch.notna() & contacts.channel.notna() & (switch != contacts.channel)).astype(
        bool
    )
    in_scope = contacts.is_handled & contacts.is_known
    evaluable = in_scope & contacts.window_closed
    phone = contacts.contact_type == "call"
    f = pd.DataFrame(
        {
            "date_day": contacts.started_at.dt.normalize(),
            "channel": contacts.channel,
            "category": contacts.category,
            "handled_contacts": contacts.is_handled.astype("int64"),
            "evaluable_contacts": evaluable.astype("int64"),
            "pending_contacts": (in_scope & ~contacts.window_closed).astype("int64"),
            "fcr_contacts": (evaluable & ~contacts.has_repeat & contacts.is_resolved).astype("int64"),
            "repeated_contacts": (evaluable & contacts.has_repeat).astype("int64"),
            "evaluable_phone": (evaluable & phone).astype("int64"),
            "callbacks": (evaluable & phone & contacts.has_callback).astype("int64"),
            "switches": (evaluable & contacts.has_repeat & contacts.is_switch).astype("int64"),
        }
    )
    fm = f.groupby(["date_day", "channel", "category"], dropna=False, sort=False).sum().reset_index()
    fcr_daily = pd.DataFrame(
        {
            "date_day": fm.date_day.dt.date,
            "channel": fm.channel,
            "category": fm.category,
            "handled_contacts": fm.handled_contacts,
            "evaluable_contacts": fm.evaluable_contacts,
            "pending_contacts": fm.pending_contacts,
            "fcr_contacts": fm.fcr_contacts,
            "repeated_contacts": fm.repeated_contacts,
            "fcr_rate": rate(fm.fcr_contacts, fm.evaluable_contacts),
            "repeat_contact_rate": rate(fm.repeated_contacts, fm.evaluable_contacts),
            "callback_rate": rate(fm.callbacks, fm.evaluable_phone).where(fm.channel == "phone"),
            "channel_switch_rate": rate(fm.switches, fm.repeated_contacts),
        }
    )
    del f, k, kp

    # ------------------------------------------------------------------ mart_experience_monthly
    contact_roots = pd.Index(contacts.root_call_id.dropna())
    phone_legs = pd.Index(reported.call_id[reported.root_call_id.isin(contact_roots)])
    cc = contacts[contacts.ticket_id.notna()].sort_values(
        ["ticket_id", "started_at", "contact_id"], kind="stable"
    )
    case_channel = cc.drop_duplicates("ticket_id").set_index("ticket_id")["channel"]
    sv = surveys[surveys.responded_at <= as_of]
    relationship = sv.ticket_id.isna() & sv.call_id.isna()
    by_call = sv.call_id.isin(phone_legs) & sv.call_id.notna()
    channel = sv.ticket_id.map(case_channel).fillna("unattributed").astype(object)
    channel = channel.where(~by_call, "phone").where(~relationship, "relationship")
    score = sv.score
    x = pd.DataFrame(
        {
            "month": sv.responded_at.dt.to_period("M").dt.start_time,
            "channel": channel,
            "nps_responses": (sv.survey_type == "nps").astype("int64"),
            "promoters": ((sv.survey_type == "nps") & (score >= 9)).astype("int64"),
            "passives": ((sv.survey_type == "nps") & (score >= 7) & (score < 9)).astype("int64"),
            "detractors": ((sv.survey_type == "nps") & (score < 7)).astype("int64"),
            "csat_responses": (sv.survey_type == "csat").astype("int64"),
            "csat_satisfied": ((sv.survey_type == "csat") & (score >= 4)).astype("int64"),
            "csat_total": score.where(sv.survey_type == "csat", 0).astype("int64"),
            "ces_responses": (sv.survey_type == "ces").astype("int64"),
            "ces_easy": ((sv.survey_type == "ces") & (score >= 5)).astype("int64"),
            "ces_total": score.where(sv.survey_type == "ces", 0).astype("int64"),
        }
    )
    xm = x.groupby(["month", "channel"], sort=False).sum().reset_index()
    n = xm.nps_responses
    p, d = xm.promoters, xm.detractors
    moe_num = ((p + d) * n - (p - d) * (p - d)).astype("float64")
    experience = pd.DataFrame(
        {
            "month": xm.month.dt.date,
            "channel": xm.channel,
            "nps_responses": n,
            "promoters": p,
            "passives": xm.passives,
            "detractors": d,
            "nps": rate(100 * (p - d), n),
            "nps_margin_of_error": 196 * np.sqrt(rate(moe_num, n * n * n)),
            "csat_responses": xm.csat_responses,
            "csat": rate(100 * xm.csat_satisfied, xm.csat_responses),
            "csat_mean": rate(xm.csat_total, xm.csat_responses),
            "ces_responses": xm.ces_responses,
            "ces": rate(xm.ces_total, xm.ces_responses),
            "ces_pct_easy": rate(xm.ces_easy, xm.ces_responses),
        }
    )

    for name, frame in (
        ("mart_queue_daily", queue_daily),
        ("mart_fcr_daily", fcr_daily),
        ("mart_experience_monthly", experience),
    ):
        frame.to_parquet(out / f"{name}.parquet", index=False)
    print(
        f"pandas: {time.perf_counter() - t0:.2f}s; rows queue {len(queue_daily)}, fcr {len(fcr_daily)}, "
        f"experience {len(experience)}; {len(contacts):,} contacts; as_of {as_of}"
    )


if __name__ == "__main__":
    main()
