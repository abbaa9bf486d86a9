"""The dashboard: five Streamlit pages over the marts of the DuckDB warehouse, read-only.

Run it with `cx-metrics dashboard` (or `make dashboard`); Streamlit executes this
file as a script. Every query opens the warehouse with read_only=True and closes
it again, so a dashboard left open never holds the file dbt writes. The figures
come from the marts as they are: the dashboard computes nothing a mart does not,
except summing a mart's additive counts over a month (ratio of sums).

Pages (URL paths): executive (the root, /), operations, effectiveness, experience, value.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

PAGES = ("executive", "operations", "effectiveness", "experience", "value")
DEFAULT_PORT = 8501


def url_path(page: str) -> str:
    """The page's path on the server: the first page is the app's root ("")."""
    return "" if page == PAGES[0] else page


# ---------- formatting (the browser test formats the marts' values the same way)


def fmt_pct(value: float | None) -> str:
    """A 0-1 rate as a percentage with one decimal, or an em dash for null."""
    return "—" if value is None else f"{100 * value:.1f}%"


def fmt_num(value: float | None, decimals: int = 1) -> str:
    """A number with `decimals` decimals, or an em dash for null."""
    return "—" if value is None else f"{value:,.{decimals}f}"


# ---------- data access


def warehouse_path() -> Path:
    from cx_metrics.load import duckdb_path

    return duckdb_path()


def query(sql: str, params: list | None = None):
    """A pandas DataFrame from the warehouse, opened read-only for this query only."""
    import duckdb

    con = duckdb.connect(str(warehouse_path()), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def months() -> list:
    """Months of the scorecard, newest first."""
    return list(query("select month from marts.mart_scorecard_monthly order by month desc")["month"])


def _value(frame, column: str):
    """One cell as a Python value (None for null/NaN)."""
    import pandas as pd

    if frame.empty:
        return None
    value = frame.iloc[0][column]
    return None if pd.isna(value) else value


# ---------- pages


def _month_picker(st):
    available = months()
    if not available:
        st.warning("The warehouse has no months yet: run `cx-metrics demo` first.")
        st.stop()
    return st.selectbox("Month", available, format_func=lambda m: m.strftime("%Y-%m"), key="month")


SCORECARD_TILES = [
    # (label, column, formatter, lower is better)
    ("IXS", "ixs", fmt_num, False),
    ("FCR", "fcr_rate", fmt_pct, False),
    ("NPS", "nps", fmt_num, False),
    ("CSAT", "csat", fmt_num, False),
    ("CES", "ces", lambda v: fmt_num(v, 2), False),
    ("AHT (minutes)", "aht_minutes", lambda v: fmt_num(v, 2), True),
    ("ASA (seconds)", "asa_seconds", fmt_num, True),
    ("Service level", "service_level", fmt_pct, False),
    ("Abandon rate", "abandon_rate", fmt_pct, True),
    ("Repeat contact rate", "repeat_contact_rate", fmt_pct, True),
    ("Call-back rate", "callback_rate", fmt_pct, True),
    ("Reopen rate", "reopen_rate", fmt_pct, True),
    ("Contacts", "contacts", lambda v: fmt_num(v, 0), False),
    ("Cost per contact", "cost_per_contact", lambda v: fmt_num(v, 2), True),
]


def page_executive() -> None:
    import streamlit as st

    st.title("Executive scorecard")
    month = _month_picker(st)
    row = query("select * from marts.mart_scorecard_monthly where month = ?", [month])
    st.caption("Each figure against the previous month (mart_scorecard_monthly).")
    columns = st.columns(4)
    for i, (label, column, fmt, lower_is_better) in enumerate(SCORECARD_TILES):
        value, previous = _value(row, column), _value(row, f"prev_{column}")
        delta = None if value is None or previous is None else value - previous
        columns[i % 4].metric(
            label,
            fmt(value),
            delta=None
            if delta is None
            else (f"{100 * delta:+.1f} pp" if fmt is fmt_pct else f"{delta:+,.2f}"),
            delta_color="inverse" if lower_is_better else "normal",
        )
    st.subheader("IXS components")
    components = query(
        "select metric, value, score, weight, contribution from marts.mart_ixs_components_monthly "
        "where month = ? order by weight desc, metric",
        [month],
    )
    st.table(components)
    st.subheader("IXS by month")
    trend = query("select month, ixs from marts.mart_ixs_monthly order by month")
    st.line_chart(trend, x="month", y="ixs")


def page_operations() -> None:
    import streamlit as st

    st.title("Operations")
    month = _month_picker(st)
    queues = query(
        """
        select
            queue,
            sum(offered_legs) as offered_legs,
            sum(abandoned_legs) as abandoned_legs,
            sum(answered_within_sl) / nullif(sum(offered_legs), 0) as service_level,
            sum(abandoned_legs) / nullif(sum(offered_legs), 0) as abandon_rate
        from marts.mart_queue_daily
        where date_trunc('month', date_day) = ?
        group by queue
        order by queue
        """,
        [month],
    )
    st.caption(
        "Service level and abandon rate per queue: sums of mart_queue_daily's counts over the month "
        "(service level over offered legs, the default of var service_level_counts_abandons)."
    )
    columns = st.columns(max(len(queues), 1))
    for i, queue_row in queues.iterrows():
        columns[i].metric(
            f"Service level: {queue_row['queue']}",
            fmt_pct(queue_row["service_level"]),
            help=f"abandon rate {fmt_pct(queue_row['abandon_rate'])}",
        )
    st.table(queues)
    st.subheader("Offered calls and abandon rate by hour of day (UTC)")
    hours = query(
        """
        select
            cast(extract(hour from queued_at) as integer) as hour,
            queue,
            sum(case when is_offered then 1 else 0 end) as offered_legs,
            sum(case when is_abandoned then 1 else 0 end) as abandoned_legs,
            sum(case when is_abandoned then 1 else 0 end)
                / nullif(sum(case when is_offered then 1 else 0 end), 0) as abandon_rate,
            sum(case when is_answered_within_sl then 1 else 0 end)
                / nullif(sum(case when is_offered then 1 else 0 end), 0) as service_level
        from marts.fct_call_legs
        where is_inbound and date_trunc('month', queued_date) = ?
        group by 1, 2
        order by 1, 2
        """,
        [month],
    )
    left, right = st.columns(2)
    left.bar_chart(hours, x="hour", y="offered_legs", color="queue")
    right.line_chart(hours, x="hour", y="abandon_rate", color="queue")
    st.subheader("ASA and AHT per queue over the month")
    st.caption(
        "ASA and mean AHT re-aggregated from the daily rows (wait = ASA x answered legs, "
        "handle = AHT x AHT legs); percentiles do not add up, so p50 and p90 are shown per day."
    )
    queue_month = query(
        """
        select
            queue,
            sum(answered_legs) as answered_legs,
            sum(asa_seconds * answered_legs) / nullif(sum(answered_legs), 0) as asa_seconds,
            sum(handle_seconds_total)
                / nullif(sum(case when aht_seconds > 0 then handle_seconds_total / aht_seconds end), 0) as aht_seconds
        from marts.mart_queue_daily
        where date_trunc('month', date_day) = ?
        group by queue
        order by queue
        """,
        [month],
    )
    st.table(queue_month)
    daily = query(
        "select date_day, queue, aht_p50_seconds, aht_p90_seconds "
        "from marts.mart_queue_daily where date_trunc('month', date_day) = ? order by date_day, queue",
        [month],
    )
    left, right = st.columns(2)
    left.line_chart(daily, x="date_day", y="aht_p50_seconds", color="queue")
    right.line_chart(daily, x="date_day", y="aht_p90_seconds", color="queue")


def page_effectiveness() -> None:
    import streamlit as st

    st.title("Effectiveness")
    month = _month_picker(st)
    overall = query(
        "select fcr_rate, repeat_contact_rate, callback_rate from marts.mart_scorecard_monthly where month = ?",
        [month],
    )
    a, b, c = st.columns(3)
    a.metric("FCR", fmt_pct(_value(overall, "fcr_rate")))
    b.metric("Repeat contact rate", fmt_pct(_value(overall, "repeat_contact_rate")))
    c.metric("Call-back rate", fmt_pct(_value(overall, "callback_rate")))
    st.subheader("FCR by channel and category")
    by_group = query(
        """
        select
            channel,
            category,
            sum(evaluable_contacts) as evaluable_contacts,
            sum(fcr_contacts) / nullif(sum(evaluable_contacts), 0) as fcr_rate,
            sum(repeated_contacts) / nullif(sum(evaluable_contacts), 0) as repeat_contact_rate
        from marts.mart_fcr_daily
        where date_trunc('month', date_day) = ?
        group by channel, category
        order by channel, category
        """,
        [month],
    )
    st.table(by_group)
    st.subheader("Channel switches: first contact's channel (rows) to the repeat's channel (columns)")
    switches = query(
        "select from_channel, to_channel, repeats from marts.mart_channel_switches_monthly where month = ?",
        [month],
    )
    if switches.empty:
        st.info("No repeats this month.")
    else:
        st.table(
            switches.pivot_table(
                index="from_channel", columns="to_channel", values="repeats", aggfunc="sum", fill_value=0
            )
        )


def page_experience() -> None:
    import streamlit as st

    st.title("Experience")
    month = _month_picker(st)
    overall = query("select nps, csat, ces from marts.mart_scorecard_monthly where month = ?", [month])
    a, b, c = st.columns(3)
    a.metric("NPS", fmt_num(_value(overall, "nps")))
    b.metric("CSAT", fmt_num(_value(overall, "csat")))
    c.metric("CES", fmt_num(_value(overall, "ces"), 2))
    st.subheader("NPS by channel, with its margin of error (95%)")
    by_channel = query(
        "select channel, nps_responses, nps, nps_margin_of_error, csat_responses, csat, ces_responses, ces "
        "from marts.mart_experience_monthly where month = ? order by channel",
        [month],
    )
    st.table(by_channel)
    st.subheader("NPS by month")
    trend = query("select month, nps, csat from marts.mart_scorecard_monthly order by month")
    st.line_chart(trend, x="month", y="nps")


def page_value() -> None:
    import streamlit as st

    st.title("Value")
    st.subheader("Revenue before and after a contact, by cohort (long interactions vs short)")
    st.caption("Descriptive, not causal: customers who call differ from those who do not.")
    cohorts = query(
        "select strftime(month, '%Y-%m') as month, category, cohort, customers, revenue_before_avg, "
        "revenue_after_avg, retention_rate from marts.mart_customer_value_monthly order by 1, 2, 3"
    )
    if cohorts.empty:
        st.info("No closed value window yet (value_window_days after the first contacts).")
    else:
        st.table(cohorts)
    st.subheader("Returns deflection (an observational estimate)")
    deflection = query(
        "select strftime(month, '%Y-%m') as month, orders, orders_with_contact, no_fault_rate_with_contact, "
        "no_fault_rate_without_contact, "
        "deflected_returns_est, deflection_benefit, work_cost, benefit_cost_ratio "
        "from marts.mart_returns_deflection_monthly order by month"
    )
    st.table(deflection)


def app() -> None:
    """The Streamlit app: one page per PAGES entry, each at its own URL path."""
    import streamlit as st

    st.set_page_config(page_title="cx_metrics", layout="wide")
    pages = [
        st.Page(globals()[f"page_{name}"], title=name.capitalize(), url_path=name, default=(name == PAGES[0]))
        for name in PAGES
    ]
    st.caption(f"cx_metrics · warehouse {warehouse_path()} (read-only)")
    st.navigation(pages).run()


# ---------- serving


def serve_command(port: int = DEFAULT_PORT, address: str = "127.0.0.1") -> list[str]:
    """The `streamlit run` call serving this file on localhost, headless, without usage stats."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(Path(__file__).resolve()),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",
    ]


def serve(port: int = DEFAULT_PORT) -> int:
    """Serve the dashboard in the foreground until interrupted; the warehouse must exist."""
    path = warehouse_path()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse (run `cx-metrics demo` first)")
    env = dict(os.environ, CX_DUCKDB_PATH=str(path))
    server = subprocess.Popen(serve_command(port), env=env)
    # Stop the server with us: Ctrl-C reaches both, a plain `kill` of this process would not.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    app()
