-- The floor: mart_queue_daily, mart_fcr_daily and mart_experience_monthly computed
-- by hand, in one DuckDB script, straight from the `raw` tables of a loaded warehouse
-- (and the two seed files). It applies every rule the three marts' numbers depend on
-- (DECISIONLOG.md): latest extraction wins per raw key, enum spellings through
-- seeds/enum_mappings.csv, impossible rows quarantined (only the winning copy is
-- validated), ids trimmed and blank ids null, as_of = latest business timestamp of
-- the clean rows, call chains walked by parent hops, contacts, repeats, evaluable
-- and pending, survey attribution. Written for speed: only the columns and rows
-- the three marts need, each raw table read once, no intermediate tables kept
-- except the clean calls and contacts that two marts share.
--
-- benchmarks/run.py replaces __SEEDS__ with the project's seeds folder and reads
-- the three result tables floor_mart_queue_daily, floor_mart_fcr_daily and
-- floor_mart_experience_monthly (temp tables).

create or replace temp table floor_enum as
select enum_name, raw_value, canonical_value
from read_csv('__SEEDS__/enum_mappings.csv', header = true, all_varchar = true);

create or replace temp table floor_queue_categories as
select queue, default_category
from read_csv('__SEEDS__/queue_categories.csv', header = true, all_varchar = true);

-- Clean call legs: the latest copy of each raw call_id, when it is possible.
create or replace temp table floor_calls as
with winners as (
    -- only the columns used below: `select *` carried every raw column through the window
    select
        call_id, parent_call_id, customer_id, ticket_id, direction, disposition, queue, transferred,
        queued_at, answered_at, ended_at, talk_seconds, hold_seconds, acw_seconds, _loaded_at
    from raw.calls
    where call_id is not null and trim(call_id) <> ''
    qualify row_number() over (partition by call_id order by _loaded_at desc) = 1
)
select
    trim(w.call_id) as call_id,
    nullif(trim(w.parent_call_id), '') as parent_call_id,
    nullif(trim(w.customer_id), '') as customer_id,
    nullif(trim(w.ticket_id), '') as ticket_id,
    case when w.direction is null then null else coalesce(d.canonical_value, 'other') end as direction,
    case when w.disposition is null then null else coalesce(p.canonical_value, 'other') end as disposition,
    lower(trim(w.queue)) as queue,
    coalesce(w.transferred, false) as is_transferred,
    w.queued_at, w.answered_at, w.ended_at,
    coalesce(w.talk_seconds, 0) + coalesce(w.hold_seconds, 0) + coalesce(w.acw_seconds, 0) as handle_all
from winners as w
left join floor_enum as d on d.enum_name = 'direction' and lower(trim(w.direction)) = d.raw_value
left join floor_enum as p on p.enum_name = 'disposition' and lower(trim(w.disposition)) = p.raw_value
where not coalesce(w.talk_seconds < 0 or w.hold_seconds < 0 or w.acw_seconds < 0, false)
  and not coalesce(w.ended_at < w.queued_at, false)
  and not coalesce(w.answered_at < w.queued_at or w.answered_at > w.ended_at, false);

-- Clean tickets: latest updated_at, then _loaded_at, wins.
create or replace temp table floor_tickets as
with winners as (
    select ticket_id, customer_id, channel, category, created_at, solved_at, updated_at, _loaded_at
    from raw.tickets
    where ticket_id is not null and trim(ticket_id) <> ''
    qualify row_number() over (partition by ticket_id order by updated_at desc, _loaded_at desc) = 1
)
select
    trim(w.ticket_id) as ticket_id,
    nullif(trim(w.customer_id), '') as customer_id,
    case when w.channel is null then null else coalesce(ch.canonical_value, 'other') end as channel,
    coalesce(case when w.category is null then null else coalesce(ca.canonical_value, 'other') end, 'other')
        as category,
    w.created_at, w.solved_at, w.updated_at
from winners as w
left join floor_enum as ch on ch.enum_name = 'channel' and lower(trim(w.channel)) = ch.raw_value
left join floor_enum as ca on ca.enum_name = 'category' and lower(trim(w.category)) = ca.raw_value
where w.created_at is not null
  and not coalesce(w.solved_at < w.created_at, false);

-- Clean ticket events, reduced to what the marts need: status changes, agent replies
-- and the latest event time (for as_of).
create or replace temp table floor_events as
with copied_keys as (
    -- about 1 % of events were extracted more than once: only those are ranked
    select event_id from raw.ticket_events
    where event_id is not null
    group by event_id
    having count(*) > 1
),
winners as (
    select event_id, ticket_id, event_at, event_type, new_status, time_spent_seconds
    from raw.ticket_events
    where event_id is not null and trim(event_id) <> '' and event_id not in (select event_id from copied_keys)
    union all
    select event_id, ticket_id, event_at, event_type, new_status, time_spent_seconds
    from raw.ticket_events
    where trim(event_id) <> '' and event_id in (select event_id from copied_keys)
    qualify row_number() over (partition by event_id order by _loaded_at desc) = 1
)
select
    trim(w.event_id) as event_id,
    t.ticket_id,
    w.event_at,
    case when w.event_type is null then null else coalesce(et.canonical_value, 'other') end as event_type,
    case when w.new_status is null then null else coalesce(st.canonical_value, 'other') end as new_status
from winners as w
inner join floor_tickets as t on trim(w.ticket_id) = t.ticket_id
left join floor_enum as et on et.enum_name = 'event_type' and lower(trim(w.event_type)) = et.raw_value
left join floor_enum as st on st.enum_name = 'ticket_status' and lower(trim(w.new_status)) = st.raw_value
where w.event_at is not null
  and not coalesce(w.time_spent_seconds < 0, false)
  and not (w.event_at < t.created_at);

create or replace temp table floor_surveys as
with winners as (
    select response_id, survey_type, ticket_id, call_id, sent_at, responded_at, score, _loaded_at
    from raw.survey_responses
    where response_id is not null and trim(response_id) <> ''
    qualify row_number() over (partition by response_id order by _loaded_at desc) = 1
),
typed as (
    select
        w.*,
        case when w.survey_type is null then null else coalesce(s.canonical_value, 'other') end as stype
    from winners as w
    left join floor_enum as s on s.enum_name = 'survey_type' and lower(trim(w.survey_type)) = s.raw_value
)
select
    stype as survey_type,
    nullif(trim(ticket_id), '') as ticket_id,
    nullif(trim(call_id), '') as call_id,
    responded_at,
    score
from typed
where responded_at is not null and not (
    score is null
    or coalesce(stype = 'nps' and (score < 0 or score > 10), false)
    or coalesce(stype = 'csat' and (score < 1 or score > 5), false)
    or coalesce(stype = 'ces' and (score < 1 or score > 7), false)
)
  and not coalesce(responded_at < sent_at, false);

-- as_of: the latest business timestamp among the clean rows of every table.
create or replace temp table floor_as_of as
with other_tables as (
    select max(ordered_at) as latest_at from (
        select arg_max_null(ordered_at, _loaded_at) as ordered_at, arg_max_null(quantity, _loaded_at) as quantity,
               arg_max_null(amount, _loaded_at) as amount
        from raw.orders where order_id is not null and trim(order_id) <> '' group by order_id
    ) where ordered_at is not null and quantity is not null and quantity >= 1 and not coalesce(amount < 0, false)
    union all
    select max(returned_at) from (
        select arg_max_null(returned_at, _loaded_at) as returned_at, arg_max_null(refund_amount, _loaded_at) as refund_amount
        from raw.returns where return_id is not null and trim(return_id) <> '' group by return_id
    ) where returned_at is not null and not coalesce(refund_amount < 0, false)
    union all
    select max(evaluated_at) from (
        select arg_max_null(evaluated_at, _loaded_at) as evaluated_at, arg_max_null(empathy_score, _loaded_at) as empathy_score
        from raw.qa_evaluations where evaluation_id is not null and trim(evaluation_id) <> '' group by evaluation_id
    ) where not coalesce(empathy_score < 1 or empathy_score > 5, false)
    union all
    select max(posted_at) from (
        select arg_max_null(posted_at, _loaded_at) as posted_at
        from raw.social_mentions where mention_id is not null and trim(mention_id) <> '' group by mention_id
    )
)
select max(latest_at) as as_of from (
    select max(ended_at) as latest_at from floor_calls
    union all select max(updated_at) from floor_tickets
    union all select max(solved_at) from floor_tickets
    union all select max(event_at) from floor_events
    union all select max(responded_at) from floor_surveys
    union all select latest_at from other_tables
);

-- ===================================================================== mart_queue_daily
create or replace temp table floor_mart_queue_daily as
with legs as (
    select
        cast(c.queued_at as date) as date_day,
        c.queue,
        c.answered_at is not null as is_answered,
        case
            when c.answered_at is not null then (cast(epoch_us(c.answered_at) - epoch_us(c.queued_at) as double) / 1000000)
            else (cast(epoch_us(c.ended_at) - epoch_us(c.queued_at) as double) / 1000000)
        end as wait_seconds,
        c.is_transferred,
        case when c.answered_at is not null then c.handle_all end as handle_seconds
    from floor_calls as c, floor_as_of as a
    where c.direction = 'inbound' and c.queued_at <= a.as_of
),
flags as (
    select
        *,
        not is_answered and wait_seconds < {{short_abandon_seconds}} as is_short_abandon,
        not is_answered and wait_seconds >= {{short_abandon_seconds}} as is_abandoned
    from legs
),
aggregated as (
    select
        date_day,
        queue,
        count_if(not is_short_abandon) as offered_legs,
        count_if(is_answered) as answered_legs,
        count_if(is_abandoned) as abandoned_legs,
        count_if(is_short_abandon) as short_abandoned_legs,
        count_if(is_answered and wait_seconds <= {{service_level_seconds}}) as answered_within_sl,
        count_if(is_answered and is_transferred) as transferred_legs,
        sum(case when is_answered then wait_seconds else 0 end) as answered_wait_seconds,
        count_if(is_answered) as aht_legs,
        sum(case when is_answered then handle_seconds else 0 end) as handle_seconds_total,
        quantile_cont(handle_seconds, [0.5, 0.9]) as aht_pct
    from flags
    group by date_day, queue
)
select
    date_day,
    queue,
    offered_legs,
    answered_legs,
    abandoned_legs,
    short_abandoned_legs,
    answered_within_sl,
    cast(answered_within_sl as double) / nullif(offered_legs, 0) as service_level,
    cast(abandoned_legs as double) / nullif(offered_legs, 0) as abandon_rate,
    cast(answered_wait_seconds as double) / nullif(answered_legs, 0) as asa_seconds,
    cast(handle_seconds_total as double) / nullif(aht_legs, 0) as aht_seconds,
    cast(aht_pct[1] as double) as aht_p50_seconds,
    cast(aht_pct[2] as double) as aht_p90_seconds,
    cast(transferred_legs as double) / nullif(answered_legs, 0) as transfer_rate,
    cast(handle_seconds_total as bigint) as handle_seconds_total
from aggregated;

-- ===================================================================== contacts
-- Call legs reported (queued up to as_of), tied to their chain's first leg. Most legs
-- have no parent: only transfer legs are walked, up to {{max_depth}} hops.
create or replace temp table floor_legs as
with reported as (
    select c.*
    from floor_calls as c, floor_as_of as a
    where c.queued_at <= a.as_of
),
-- the walk reads all clean legs (as int_call_chains does), not only reported ones
walk_0 as (
    select call_id, call_id as ancestor_id, parent_call_id as ancestor_parent_id, 0 as hops
    from floor_calls
    where parent_call_id is not null
),
{{walk_steps}}
roots as (
    select
        w.call_id,
        w.ancestor_id as root_call_id,
        case when w.ancestor_parent_id is null then w.hops end as leg_depth
    from walk_{{max_depth}} as w
)
select
    r.call_id, r.customer_id, r.ticket_id, r.queue, r.queued_at, r.direction, r.disposition,
    r.answered_at is not null as is_answered,
    case when r.parent_call_id is null then r.call_id else roots.root_call_id end as root_call_id,
    case when r.parent_call_id is null then 0 else roots.leg_depth end as leg_depth
from reported as r
left join roots on r.parent_call_id is not null and r.call_id = roots.call_id;

create or replace temp table floor_contacts as
with chain_legs as (
    select
        l.*,
        root.direction as chain_direction,
        row_number() over (partition by l.root_call_id order by l.queued_at, l.leg_depth, l.call_id) as leg_sequence
    from floor_legs as l
    inner join floor_calls as root on l.root_call_id = root.call_id
),
chains as (
    select
        root_call_id,
        arg_min(ticket_id, leg_sequence) filter (where ticket_id is not null) as ticket_id,
        arg_min(customer_id, leg_sequence) filter (where customer_id is not null) as customer_id,
        arg_max_null(disposition, leg_sequence) filter (where is_answered) as last_disposition,
        count_if(is_answered) > 0 as is_handled
    from chain_legs
    where chain_direction = 'inbound'
    group by root_call_id
),
-- tickets created up to as_of, with what their audit log says up to as_of
reported_tickets as (
    select t.*, a.as_of
    from floor_tickets as t, floor_as_of as a
    where t.created_at <= a.as_of
),
status_changes as (
    select
        e.ticket_id, e.event_at, e.new_status,
        lag(e.new_status) over (partition by e.ticket_id order by e.event_at, e.event_id) as previous_status
    from floor_events as e, floor_as_of as a
    where e.event_type = 'status_change' and e.event_at <= a.as_of
),
status_summary as (
    select
        ticket_id,
        max(case when new_status = 'solved' then event_at end) as last_solved_event_at,
        count_if(new_status in ('open', 'pending') and previous_status = 'solved') as reopen_count,
        max(case when new_status in ('open', 'pending') and previous_status = 'solved' then event_at end)
            as last_reopened_at
    from status_changes
    group by ticket_id
),
replied as (
    select distinct e.ticket_id
    from floor_events as e, floor_as_of as a
    where e.event_type = 'agent_reply' and e.event_at <= a.as_of
),
ticket_facts as (
    select
        t.ticket_id, t.customer_id, t.channel, t.category, t.created_at,
        r.ticket_id is not null as is_handled,
        coalesce(s.reopen_count, 0) as reopen_count,
        s.last_reopened_at,
        case
            when s.last_solved_event_at is null then case when t.solved_at <= t.as_of then t.solved_at end
            when t.solved_at <= t.as_of and t.solved_at > s.last_solved_event_at then t.solved_at
            else s.last_solved_event_at
        end as final_solved_at
    from reported_tickets as t
    left join status_summary as s on t.ticket_id = s.ticket_id
    left join replied as r on t.ticket_id = r.ticket_id
),
tickets_solved as (
    select
        *,
        final_solved_at is not null and (last_reopened_at is null or last_reopened_at < final_solved_at) as is_solved
    from ticket_facts
),
call_case_tickets as (
    select distinct l.ticket_id
    from chain_legs as l
    where l.chain_direction = 'inbound' and l.ticket_id is not null
),
contacts as (
    select
        'call:' || l.call_id as contact_id,
        'call' as contact_type,
        'phone' as channel,
        coalesce(ch.customer_id, ct.customer_id) as customer_id,
        coalesce(ct.category, q.default_category, 'other') as category,
        ch.ticket_id,
        l.call_id as root_call_id,
        l.queued_at as started_at,
        ch.is_handled,
        coalesce(ch.last_disposition = 'resolved', false) as is_resolved_on_contact
    from chain_legs as l
    inner join chains as ch on l.call_id = ch.root_call_id
    left join tickets_solved as ct on ch.ticket_id = ct.ticket_id
    left join floor_queue_categories as q on l.queue = q.queue
    where l.call_id = l.root_call_id
    union all
    select
        'ticket:' || t.ticket_id,
        'ticket',
        t.channel,
        t.customer_id,
        t.category,
        t.ticket_id,
        null,
        t.created_at,
        t.is_handled,
        t.is_solved and t.reopen_count = 0
    from tickets_solved as t
    anti join call_case_tickets as c on t.ticket_id = c.ticket_id
),
known_customers as (
    select distinct trim(customer_id) as customer_id
    from (
        select customer_id
        from raw.customers
        where customer_id is not null and trim(customer_id) <> ''
        qualify row_number() over (partition by customer_id order by _loaded_at desc) = 1
    )
)
select
    c.*,
    k.customer_id is not null as is_known_customer
from contacts as c
left join known_customers as k on c.customer_id = k.customer_id;

-- ===================================================================== mart_fcr_daily
create or replace temp table floor_mart_fcr_daily as
with known as (
    select contact_id, contact_type, customer_id, category, channel, started_at,
           started_at + interval ({{repeat_window_days}}) day as window_ends_at
    from floor_contacts
    where is_known_customer
),
-- per (customer, category) and instant: the first contact there and its channel
category_instants as (
    select customer_id, category, started_at, min(contact_id) as first_contact_id,
           arg_min_null(channel, contact_id) as first_channel
    from known
    group by all
),
next_category as (
    select customer_id, category, started_at,
           lead(started_at) over w as next_started_at,
           lead(first_channel) over w as next_channel
    from category_instants
    window w as (partition by customer_id, category order by started_at)
),
phone_instants as (
    select distinct customer_id, started_at
    from known
    where contact_type = 'call'
),
next_phone as (
    select customer_id, started_at,
           lead(started_at) over (partition by customer_id order by started_at) as next_started_at
    from phone_instants
),
outcomes as (
    select
        c.contact_type, c.channel, c.category,
        cast(c.started_at as date) as date_day,
        c.is_handled,
        c.is_resolved_on_contact,
        c.is_handled and c.is_known_customer as is_in_scope,
        coalesce(k.window_ends_at <= a.as_of, false) as is_window_closed,
        nc.next_started_at <= k.window_ends_at as has_repeat,
        case when nc.next_started_at <= k.window_ends_at then nc.next_channel end as repeat_channel,
        coalesce(np.next_started_at <= k.window_ends_at, false) as has_callback
    from floor_contacts as c
    cross join floor_as_of as a
    left join known as k on c.contact_id = k.contact_id
    left join next_category as nc
        on k.customer_id = nc.customer_id and k.category = nc.category and k.started_at = nc.started_at
    left join next_phone as np
        on k.contact_type = 'call' and k.customer_id = np.customer_id and k.started_at = np.started_at
),
classified as (
    select
        *,
        is_in_scope and is_window_closed as is_evaluable,
        is_in_scope and not is_window_closed as is_pending,
        coalesce(has_repeat, false) as repeated,
        coalesce(repeat_channel <> channel, false) as is_switch
    from outcomes
),
aggregated as (
    select
        date_day, channel, category,
        count_if(is_handled) as handled_contacts,
        count_if(is_evaluable) as evaluable_contacts,
        count_if(is_pending) as pending_contacts,
        count_if(is_evaluable and not repeated and is_resolved_on_contact) as fcr_contacts,
        count_if(is_evaluable and repeated) as repeated_contacts,
        count_if(is_evaluable and contact_type = 'call') as evaluable_phone_contacts,
        count_if(is_evaluable and contact_type = 'call' and has_callback) as callback_contacts,
        count_if(is_evaluable and repeated and is_switch) as channel_switches
    from classified
    group by date_day, channel, category
)
select
    date_day, channel, category,
    handled_contacts, evaluable_contacts, pending_contacts, fcr_contacts, repeated_contacts,
    cast(fcr_contacts as double) / nullif(evaluable_contacts, 0) as fcr_rate,
    cast(repeated_contacts as double) / nullif(evaluable_contacts, 0) as repeat_contact_rate,
    case when channel = 'phone' then cast(callback_contacts as double) / nullif(evaluable_phone_contacts, 0) end
        as callback_rate,
    cast(channel_switches as double) / nullif(repeated_contacts, 0) as channel_switch_rate
from aggregated;

-- ===================================================================== mart_experience_monthly
create or replace temp table floor_mart_experience_monthly as
with case_contacts as (
    select ticket_id, arg_min_null(channel, (started_at, contact_id)) as channel
    from floor_contacts
    where ticket_id is not null
    group by ticket_id
),
call_channels as (
    -- a leg's chain has a contact only when the chain is inbound; its channel is phone
    select l.call_id
    from floor_legs as l
    semi join floor_contacts as c on c.root_call_id = l.root_call_id
),
responses as (
    select
        date_trunc('month', cast(s.responded_at as date)) as month,
        case
            when s.ticket_id is null and s.call_id is null then 'relationship'
            when cc.call_id is not null then 'phone'
            else coalesce(k.channel, 'unattributed')
        end as channel,
        s.survey_type,
        s.score
    from floor_surveys as s
    cross join floor_as_of as a
    left join call_channels as cc on s.call_id = cc.call_id
    left join case_contacts as k on s.ticket_id = k.ticket_id
    where s.responded_at <= a.as_of
),
aggregated as (
    select
        cast(month as date) as month,
        channel,
        count_if(survey_type = 'nps') as nps_responses,
        count_if(survey_type = 'nps' and score >= 9) as promoters,
        count_if(survey_type = 'nps' and score >= 7 and score < 9) as passives,
        count_if(survey_type = 'nps' and score < 7) as detractors,
        count_if(survey_type = 'csat') as csat_responses,
        count_if(survey_type = 'csat' and score >= 4) as csat_satisfied,
        sum(case when survey_type = 'csat' then score else 0 end) as csat_score_total,
        count_if(survey_type = 'ces') as ces_responses,
        count_if(survey_type = 'ces' and score >= 5) as ces_easy,
        sum(case when survey_type = 'ces' then score else 0 end) as ces_score_total
    from responses
    group by all
)
select
    month, channel, nps_responses, promoters, passives, detractors,
    cast(100 * (promoters - detractors) as double) / nullif(nps_responses, 0) as nps,
    196 * sqrt(
        cast((promoters + detractors) * nps_responses - (promoters - detractors) * (promoters - detractors) as double)
        / nullif(nps_responses * nps_responses * nps_responses, 0)
    ) as nps_margin_of_error,
    csat_responses,
    cast(100 * csat_satisfied as double) / nullif(csat_responses, 0) as csat,
    cast(csat_score_total as double) / nullif(csat_responses, 0) as csat_mean,
    ces_responses,
    cast(ces_score_total as double) / nullif(ces_responses, 0) as ces,
    cast(ces_easy as double) / nullif(ces_responses, 0) as ces_pct_easy
from aggregated;
