{#-
    One row per clean ticket: what its audit log says up to as_of. First
    reply, final solve, reopens, agent replies, agent work time, one-touch.
-#}
with

tickets as (
    select * from {{ ref('stg_helpdesk__tickets') }}
),

ticket_events as (
    select * from {{ ref('stg_helpdesk__ticket_events') }}
),

as_of as (
    select * from {{ ref('int_as_of') }}
),

reported_events as (
    select ticket_events.*
    from ticket_events
    where ticket_events.event_at <= (select as_of.as_of from as_of)
),

status_changes as (
    select
        ticket_id,
        event_at,
        new_status,
        lag(new_status) over (
            partition by ticket_id
            order by event_at, event_id
        ) as previous_status
    from reported_events
    where event_type = 'status_change'
),

status_summary as (
    select
        ticket_id,
        max(case when new_status = 'solved' then event_at end) as last_solved_event_at,
        sum(
            case when new_status in ('open', 'pending') and previous_status = 'solved' then 1 else 0 end
        ) as reopen_count,
        max(
            case when new_status in ('open', 'pending') and previous_status = 'solved' then event_at end
        ) as last_reopened_at
    from status_changes
    group by ticket_id
),

work_summary as (
    select
        ticket_id,
        min(case when event_type = 'agent_reply' then event_at end) as first_reply_at,
        sum(case when event_type = 'agent_reply' then 1 else 0 end) as agent_reply_count,
        sum(
            case
                when event_type in ('agent_reply', 'internal_note') then coalesce(time_spent_seconds, 0)
                else 0
            end
        ) as work_seconds
    from reported_events
    group by ticket_id
),

replies_ranked as (
    select
        ticket_id,
        agent_id,
        row_number() over (
            partition by ticket_id
            order by event_at desc, event_id desc
        ) as reply_rank
    from reported_events
    where event_type = 'agent_reply' and agent_id is not null
),

last_replies as (
    select
        ticket_id,
        agent_id as last_reply_agent_id
    from replies_ranked
    where reply_rank = 1
),

joined as (
    select
        tickets.ticket_id,
        tickets.created_at,
        work_summary.first_reply_at,
        coalesce(work_summary.agent_reply_count, 0) as agent_reply_count,
        coalesce(work_summary.work_seconds, 0) as work_seconds,
        last_replies.last_reply_agent_id,
        coalesce(status_summary.reopen_count, 0) as reopen_count,
        status_summary.last_reopened_at,
        status_summary.last_solved_event_at,
        case when tickets.solved_at <= (select as_of.as_of from as_of) then tickets.solved_at end as solved_at_as_of
    from tickets
    left join work_summary
        on tickets.ticket_id = work_summary.ticket_id
    left join status_summary
        on tickets.ticket_id = status_summary.ticket_id
    left join last_replies
        on tickets.ticket_id = last_replies.ticket_id
),

final_solves as (
    select
        *,
        -- the later of the log's last solve and the ticket's solved_at: either
        -- may arrive late (an event loaded after the ticket row, or the reverse)
        case
            when last_solved_event_at is null then solved_at_as_of
            when solved_at_as_of is null then last_solved_event_at
            when solved_at_as_of > last_solved_event_at then solved_at_as_of
            else last_solved_event_at
        end as final_solved_at
    from joined
),

summarised as (
    select
        ticket_id,
        created_at,
        first_reply_at,
        {{ cx_metrics.seconds_between('created_at', 'first_reply_at') }} as first_reply_seconds,
        agent_reply_count,
        agent_reply_count > 0 as is_handled,
        last_reply_agent_id,
        final_solved_at,
        final_solved_at is not null
        and (last_reopened_at is null or last_reopened_at < final_solved_at) as is_solved,
        reopen_count,
        work_seconds
    from final_solves
)

select
    ticket_id,
    first_reply_at,
    first_reply_seconds,
    agent_reply_count,
    is_handled,
    last_reply_agent_id,
    final_solved_at,
    case when is_solved then {{ cx_metrics.seconds_between('created_at', 'final_solved_at') }} end
        as full_resolution_seconds,
    is_solved,
    reopen_count,
    reopen_count > 0 as is_reopened,
    is_solved and agent_reply_count = 1 and reopen_count = 0 as is_one_touch,
    work_seconds
from summarised
