"""Benchmark cx_metrics at scale, against the floor and against plain pandas (issue 7).

    .venv/bin/python benchmarks/run.py [--scales 100k,1m,10m] [--out build/bench] [--guarded]
    .venv/bin/python benchmarks/run.py --target spark [--scales 100k,1m] [--out build/bench_spark]

For each scale: generate the raw exports (seed 42, 91 days, dirty_rate 0.01), load
them into a fresh DuckDB file, run the full `dbt build` (every model, unit test and
data test), optionally the guarded `cx-metrics build`, then the dbt run of only the
three marts' subgraph (`+mart_queue_daily +mart_fcr_daily +mart_experience_monthly`),
the hand-written floor (benchmarks/floor.sql) and the pandas path
(benchmarks/pandas_impl.py). Every step is its own process: wall time, CPU time
(user + sys, from os.wait4) and peak RSS are recorded per step, with the load
average just before it. The marts, the floor and pandas must agree (integers, dates
and text exactly, doubles to a relative 1e-9) or the run fails loudly.

With --target spark: the same raw files are loaded into DuckDB and built there (the
reference), then loaded into a local Spark session (profile `spark`, CX_SPARK_* settings)
and built with `dbt build --target spark`; Spark's three marts must equal DuckDB's.
No floor, pandas or subgraph run. CPU is that of the whole process tree (the JVM that
pyspark starts included: this process is the child subreaper and reaps it), peak RSS
is the largest sum over the tree, sampled every 0.5 s.

Writes <out>/results.json and regenerates the figures section of BENCHMARKS.md
(the Spark one for --target spark).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCALES = {
    "10k": 9_500,
    "100k": 95_000,
    "1m": 950_000,
    "10m": 9_500_000,
}  # customers; ~0.35 contacts/customer/30 days
MARTS = ("mart_queue_daily", "mart_fcr_daily", "mart_experience_monthly")
KEYS = {
    "mart_queue_daily": ["date_day", "queue"],
    "mart_fcr_daily": ["date_day", "channel", "category"],
    "mart_experience_monthly": ["month", "channel"],
}
PANDAS_RSS_CAP_GB = 12.0  # pandas is skipped when its projected peak RSS exceeds this
KILL_RSS_GB = 16.0  # ...and killed if it ever gets there anyway
REL_TOL = 1e-9
# The generator holds a whole sample in memory: at 10M contacts it passed 20 GB before
# writing anything. Larger scales are generated in shards of at most SHARD_CUSTOMERS
# customers (seeds seed, seed+1, ...), each shard's ids prefixed "S<k>-" so the shards
# are disjoint contact centres sharing the calendar and the product catalogue.
SHARD_CUSTOMERS = 950_000
ID_COLUMNS = {
    "customers": ["customer_id"],
    "orders": ["order_id", "customer_id"],
    "returns": ["return_id", "order_id"],
    "agents": ["agent_id"],
    "tickets": ["ticket_id", "customer_id", "assignee_agent_id"],
    "ticket_events": ["event_id", "ticket_id", "agent_id"],
    "calls": ["call_id", "parent_call_id", "customer_id", "ticket_id", "agent_id"],
    "survey_responses": ["response_id", "customer_id", "ticket_id", "call_id"],
    "qa_evaluations": ["evaluation_id", "agent_id", "call_id", "ticket_id"],
    "social_mentions": ["mention_id", "customer_id"],
}


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    import duckdb
    import pandas

    return {
        "cpu": cpu,
        "nproc": int(nproc),
        "cpu_count": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "dbt": _dbt_version(),
    }


def _dbt_version() -> str:
    out = subprocess.run([str(BIN / "dbt"), "--version"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "installed:" in line:
            return line.split(":", 1)[1].strip()
    return "?"


def _rss_of_tree(pid: int) -> int:
    """Resident bytes of a process and its descendants (for the pandas kill guard)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


def become_subreaper() -> None:
    """Orphaned descendants (the JVM pyspark starts) are re-parented to us, so we reap them
    and their CPU time lands in our RUSAGE_CHILDREN (Linux prctl PR_SET_CHILD_SUBREAPER)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def run_step(
    name: str,
    cmd: list[str],
    env: dict | None = None,
    log: Path | None = None,
    kill_rss_gb: float | None = None,
) -> dict:
    """Run one step as a child process: wall time; CPU (user+sys) of the whole process tree,
    reaped descendants included; peak RSS of the child (wait4) and of the tree (sampled)."""
    la = loadavg()
    say(f"{name}: {' '.join(str(c) for c in cmd[:6])}{' ...' if len(cmd) > 6 else ''} (load {la[0]})")
    out = open(log, "w") if log else None  # noqa: SIM115 (closed below, once the child has exited)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        env=env,
        cwd=ROOT,
        stdout=out or None,
        stderr=subprocess.STDOUT if out else None,
    )
    killed = []
    done = threading.Event()
    peak = [0]

    def sample() -> None:
        while not done.is_set():
            rss = _rss_of_tree(proc.pid)
            peak[0] = max(peak[0], rss)
            if kill_rss_gb and rss > kill_rss_gb * 2**30:
                killed.append(True)
                proc.kill()
                return
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    while True:  # descendants orphaned by the child (a JVM shutting down): reap them
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.join()
    if out:
        out.close()
    user = after.ru_utime - before.ru_utime
    system = after.ru_stime - before.ru_stime
    result = {
        "step": name,
        "wall_s": round(wall, 2),
        "cpu_s": round(user + system, 2),
        "user_s": round(user, 2),
        "sys_s": round(system, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "tree_peak_rss_mb": round(peak[0] / 2**20, 1),
        "load_before": la,
        "rc": proc.returncode,
    }
    if killed:
        result["killed"] = f"RSS above {kill_rss_gb} GB"
    say(
        f"{name}: {wall:.1f}s wall, {result['cpu_s']:.1f}s CPU, {result['max_rss_mb']:.0f} MB peak RSS "
        f"({result['tree_peak_rss_mb']:.0f} MB process tree)"
        + ("" if proc.returncode == 0 else f", exit {proc.returncode}")
    )
    return result


def dbt_env(db: Path, threads: int, memory_limit: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "CX_DUCKDB_PATH": str(db),
            "CX_THREADS": str(threads),
            "CX_DUCKDB_MEMORY_LIMIT": memory_limit,
            "CX_TARGET": "duckdb",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "GX_ANALYTICS_ENABLED": "false",
        }
    )
    return env


def dbt_cmd(args: list[str], work: Path, tag: str) -> list:
    return [
        BIN / "dbt",
        *args,
        "--project-dir",
        ROOT,
        "--profiles-dir",
        ROOT / "profiles",
        "--target",
        "duckdb",
        "--target-path",
        work / f"target_{tag}",
        "--log-path",
        work / f"logs_{tag}",
    ]


def model_times(run_results: Path) -> dict:
    data = json.loads(run_results.read_text())
    nodes = {}
    for r in data["results"]:
        nodes[r["unique_id"]] = {"status": r["status"], "s": round(r["execution_time"], 3)}
    statuses: dict[str, int] = {}
    for n in nodes.values():
        statuses[n["status"]] = statuses.get(n["status"], 0) + 1
    kinds: dict[str, float] = {}
    for uid, n in nodes.items():
        k = uid.split(".")[0]
        kinds[k] = round(kinds.get(k, 0) + n["s"], 2)
    top = sorted(((uid, n["s"]) for uid, n in nodes.items() if uid.startswith("model.")), key=lambda x: -x[1])
    return {
        "elapsed_s": round(data.get("elapsed_time", 0), 2),
        "statuses": statuses,
        "seconds_by_kind": kinds,
        "top_models": top[:12],
        "nodes": nodes,
    }


# ------------------------------------------------------------------------------ agreement
def _norm(v):
    import pandas as pd

    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT:
        return None
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        return v.date().isoformat() if hasattr(v, "date") else str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalar
        return v.item()
    if isinstance(v, decimal.Decimal):  # Spark's decimals; DuckDB's pandas frames hold doubles
        return float(v)
    return v


def compare(reference, other, mart: str, label: str) -> list[str]:
    """Sorted-frame comparison; integers/dates/text exactly, doubles to REL_TOL. Differences as text."""
    problems: list[str] = []
    cols = list(reference.columns)
    if list(other.columns) != cols:
        return [f"{mart} {label}: columns {list(other.columns)} != {cols}"]
    if len(other) != len(reference):
        problems.append(f"{mart} {label}: {len(other)} rows, dbt has {len(reference)}")
    key = KEYS[mart]

    def rows(frame):
        recs = [tuple(_norm(x) for x in r) for r in frame.itertuples(index=False, name=None)]
        idx = [cols.index(k) for k in key]
        return sorted(
            recs, key=lambda r: tuple((r[i] is None, "" if r[i] is None else str(r[i])) for i in idx)
        )

    for a, b in zip(rows(reference), rows(other), strict=False):  # a row-count difference is reported above
        for c, x, y in zip(cols, a, b, strict=True):
            if x is None or y is None:
                same = x is None and y is None
            elif isinstance(x, float) or isinstance(y, float):
                same = (
                    isinstance(x, (int, float))
                    and isinstance(y, (int, float))
                    and math.isclose(float(x), float(y), rel_tol=REL_TOL, abs_tol=1e-12)
                )
                if same and isinstance(x, int) != isinstance(y, int):  # an integer column must stay integer
                    same = float(x).is_integer() and float(y).is_integer() and int(x) == int(y)
            else:
                same = x == y
            if not same:
                problems.append(
                    f"{mart} {label}: key {[a[cols.index(k)] for k in key]} column {c}: dbt {x!r} "
                    f"vs {label} {y!r}"
                )
                if len(problems) > 10:
                    return problems
    return problems


def read_marts(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {m: con.sql(f"select * from marts.{m}").df() for m in MARTS}
    finally:
        con.close()


def read_parquets(folder: Path) -> dict:
    import pandas as pd

    return {m: pd.read_parquet(folder / f"{m}.parquet") for m in MARTS}


# ------------------------------------------------------------------------------ one scale
def bench_scale(name: str, customers: int, out: Path, args, previous: dict | None) -> dict:
    work = out / name
    raw = work / "raw"
    db = work / "bench.duckdb"
    work.mkdir(parents=True, exist_ok=True)
    memory_limit = scale_setting(args.memory_limit, name)
    dbt_threads = int(scale_setting(args.dbt_threads, name, default="2"))
    env = dbt_env(db, dbt_threads, memory_limit)
    res_memory = memory_limit
    py = sys.executable
    res: dict = {
        "scale": name,
        "customers": customers,
        "steps": {},
        "memory_limit": res_memory,
        "dbt_threads": dbt_threads,
    }
    steps = res["steps"]

    # generate
    shards = -(-customers // SHARD_CUSTOMERS)
    res["shards"] = shards
    reuse = args.reuse_raw and (raw / "calls.parquet").exists() and (raw / "ticket_events.parquet").exists()
    if raw.exists() and not reuse:
        shutil.rmtree(raw)
    if reuse:
        say(f"{name}: reusing the raw files in {raw} (--reuse-raw)")
        steps["generate"] = {"step": "generate", "not_run": "reused the raw files of an earlier run"}
    shards = -(-customers // SHARD_CUSTOMERS)
    gen_code = (
        f"import sys,datetime as d; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import run; "
        f"run.generate_sharded({str(raw)!r}, {customers:d}, {args.days:d}, {args.seed:d}, "
        f"{args.dirty_rate!r}, {shards:d})"
    )
    if not reuse:
        steps["generate"] = run_step(
            f"generate ({shards} shard{'s' if shards > 1 else ''})",
            [py, "-c", gen_code],
            log=work / "generate.log",
        )
        _check(steps["generate"], work / "generate.log")
    res["raw_rows"] = _raw_rows(raw)
    res["raw_mb"] = round(sum(f.stat().st_size for f in raw.glob("*.parquet")) / 2**20, 1)
    say(f"{name}: raw rows {res['raw_rows']}")
    if args.daily_only:
        bench_incremental(res, work, raw, env)
        res["agreement"] = "not checked (--daily-only)"
        return res

    # load
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    steps["load"] = run_step(
        "load", [BIN / "cx-metrics", "load", raw, "--target", "duckdb"], env=env, log=work / "load.log"
    )
    _check(steps["load"], work / "load.log")
    res["contacts"] = None

    # parse once: dbt writes partial_parse.msgpack into the target path, and the build and the
    # subgraph run then reuse it, as a nightly job in a kept checkout does (issue 15: a full
    # parse of the project costs ~12 s of CPU, a partial one ~4 s; each step used to parse
    # from scratch in its own target path)
    steps["dbt_parse"] = run_step(
        "dbt parse (once per checkout)",
        dbt_cmd(["parse"], work, "build"),
        env=env,
        log=work / "dbt_parse.log",
    )
    _check(steps["dbt_parse"], work / "dbt_parse.log")

    # full dbt build
    # the production build: every model, seed and data test; unit tests (fixtures, no data,
    # a fixed ~20 s) run in `make test`, as dbt recommends, not in the nightly build
    steps["dbt_build"] = run_step(
        "dbt build (full)",
        dbt_cmd(["build", "--exclude-resource-type", "unit_test"], work, "build"),
        env=env,
        log=work / "dbt_build.log",
    )
    res["dbt_build_results"] = model_times(work / "target_build" / "run_results.json")
    st = res["dbt_build_results"]["statuses"]
    say(f"dbt build node statuses: {st}; time by kind: {res['dbt_build_results']['seconds_by_kind']}")
    if steps["dbt_build"]["rc"] != 0:
        bad = [u for u, n in res["dbt_build_results"]["nodes"].items() if n["status"] in ("error", "fail")]
        say(f"WARNING: dbt build exited {steps['dbt_build']['rc']}; failing nodes: {bad[:10]}")
        res["dbt_build_failures"] = bad
        errors = [ln.strip() for ln in (work / "dbt_build.log").read_text().splitlines() if "Error:" in ln]
        res["dbt_build_errors"] = errors[:5]
        say(f"dbt build failed at {name}: {errors[:3]}; the rest of this scale is not run")
        res["agreement"] = "not checked: dbt build failed"
        res["ratios"] = {}
        return res

    # the three marts' subgraph: its models' times inside the full build (from the manifest's
    # parent map), and, unless skipped at this scale, a dbt run of only that subgraph
    sub_ids = subgraph_ids(work / "target_build" / "manifest.json")
    full_nodes = res["dbt_build_results"]["nodes"]
    res["subgraph_models"] = len(sub_ids)
    res["dbt_build_subgraph_model_seconds"] = round(
        sum(full_nodes.get(u, {}).get("s", 0) for u in sub_ids), 2
    )
    res["contacts"] = _count_contacts(db)
    say(f"{name}: {res['contacts']:,} contacts in fct_contacts")
    if args.target == "spark":
        return bench_spark(res, work, raw, db, args)
    if name not in args.subgraph_scales.split(","):
        say(f"dbt run of the subgraph skipped at {name} (--subgraph-scales)")
        steps["dbt_marts_subgraph"] = {"step": "dbt_marts_subgraph", "not_run": "skipped (time)"}
    else:
        _run_subgraph(res, work, env)

    # the floor
    floor_out = work / "floor"
    steps["floor"] = run_step(
        "floor (floor.sql)",
        [py, ROOT / "benchmarks" / "floor_run.py", db, floor_out, str(args.threads), memory_limit],
        log=work / "floor.log",
    )
    _check(steps["floor"], work / "floor.log")
    res["floor_sql_s"] = json.loads((floor_out / "timing.json").read_text())["sql_s"]

    # pandas, with a memory guard
    pandas_out = work / "pandas"
    projected = None
    if previous and previous.get("steps", {}).get("pandas", {}).get("rc") == 0:
        ratio = res["raw_mb"] / previous["raw_mb"]
        projected = previous["steps"]["pandas"]["max_rss_mb"] / 1024 * ratio
    res["pandas_projected_gb"] = None if projected is None else round(projected, 1)
    if args.skip_pandas or (projected is not None and projected > PANDAS_RSS_CAP_GB):
        why = (
            "skipped"
            if args.skip_pandas
            else f"not run: would need ~{projected:.0f} GB (cap {PANDAS_RSS_CAP_GB:.0f} GB)"
        )
        say(f"pandas {why}")
        steps["pandas"] = {"step": "pandas", "not_run": why}
    else:
        steps["pandas"] = run_step(
            "pandas (pandas_impl.py)",
            [py, ROOT / "benchmarks" / "pandas_impl.py", raw, pandas_out],
            log=work / "pandas.log",
            kill_rss_gb=KILL_RSS_GB,
        )
        if steps["pandas"].get("killed"):
            steps["pandas"]["not_run"] = f"killed: RSS above {KILL_RSS_GB:.0f} GB"
        else:
            _check(steps["pandas"], work / "pandas.log")

    # agreement
    say("agreement check: dbt marts vs floor vs pandas")
    reference = read_marts(db)
    problems = []
    for m in MARTS:
        problems += compare(reference[m], read_parquets(floor_out)[m], m, "floor")
    if "not_run" not in steps["pandas"]:
        pandas_frames = read_parquets(pandas_out)
        for m in MARTS:
            problems += compare(reference[m], pandas_frames[m], m, "pandas")
    res["mart_rows"] = {m: len(reference[m]) for m in MARTS}
    res["agreement"] = "pass" if not problems else "FAIL"
    res["agreement_problems"] = problems
    if problems:
        say("AGREEMENT FAILED:\n  " + "\n  ".join(problems))
    else:
        say(f"agreement: pass ({res['mart_rows']}; doubles to rel {REL_TOL})")

    # guarded pipeline (GX checks between layers, atomic publish), optional
    if args.guarded:
        steps["cx_metrics_build"] = run_step(
            "cx-metrics build (guarded)",
            [BIN / "cx-metrics", "build"],
            env=dict(env, CX_DBT_TARGET_PATH=str(work / "target_guarded")),
            log=work / "cx_build.log",
        )

    if args.incremental:
        bench_incremental(res, work, raw, env)

    res["ratios"] = ratios(res)
    say(f"{name}: ratios {res['ratios']}")
    res["disk_after"] = shutil.disk_usage(out).free // 2**30
    return res


def split_last_day(raw: Path, base: Path, day: Path) -> str:
    """The raw files split by load day (the `_loaded_at` date): every day before the day
    appended, and that day. The day appended is the last full day: the last load day with
    at least half the rows of the busiest one. The generator's last load days are not
    full days (late events only: about 1,000 rows at 10M contacts, against about 1.3M on a
    full day); rows loaded after the day appended are left out of both, as if the
    benchmark ran that night."""
    import duckdb

    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    files = sorted(raw.glob("*.parquet"))
    loaded = " union all ".join(f"select cast(_loaded_at as date) as day from '{f}'" for f in files)
    last, rows = con.execute(
        f"with days as (select day, count(*) as n from ({loaded}) group by day) "
        "select day, n from days where n >= 0.5 * (select max(n) from days) order by day desc limit 1"
    ).fetchall()[0]
    for folder, keep in ((base, "<"), (day, "=")):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for f in files:
            con.execute(
                f"copy (select * from '{f}' where cast(_loaded_at as date) {keep} date '{last}') "
                f"to '{folder / f.name}' (format parquet)"
            )
    con.close()
    return f"{last} ({rows:,} rows)"


def bench_incremental(res: dict, work: Path, raw: Path, env: dict) -> None:
    """Daily operation (issue 16): the raw files loaded before the last full day appended and built
    with the guarded build (a full build: the first of the warehouse), then that day appended and built
    again (incremental: the rows that day affects). Both guarded (raw, staging and mart checks,
    publish), in a warehouse of their own."""
    steps = res["steps"]
    base, day = work / "raw_base", work / "raw_last_day"
    res["incremental_day"] = split_last_day(raw, base, day)
    db = work / "daily.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    daily = dict(env, CX_DUCKDB_PATH=str(db), CX_DBT_TARGET_PATH=str(work / "target_daily"))
    cx = BIN / "cx-metrics"
    steps["daily_load_base"] = run_step(
        "load the days before the last full day (--append)",
        [cx, "load", base, "--append"],
        env=daily,
        log=work / "daily_load_base.log",
    )
    _check(steps["daily_load_base"], work / "daily_load_base.log")
    steps["daily_build_full"] = run_step(
        "guarded build, full (first build)", [cx, "build"], env=daily, log=work / "daily_build_full.log"
    )
    _check(steps["daily_build_full"], work / "daily_build_full.log")
    steps["daily_load_day"] = run_step(
        "load the last full day (--append)",
        [cx, "load", day, "--append"],
        env=daily,
        log=work / "daily_load_day.log",
    )
    _check(steps["daily_load_day"], work / "daily_load_day.log")
    steps["daily_build_incremental"] = run_step(
        "guarded build, incremental", [cx, "build"], env=daily, log=work / "daily_build_incremental.log"
    )
    _check(steps["daily_build_incremental"], work / "daily_build_incremental.log")
    res["incremental_over_full"] = round(
        steps["daily_build_incremental"]["wall_s"] / steps["daily_build_full"]["wall_s"], 3
    )
    res["contacts"] = res.get("contacts") or _count_contacts(db)
    res["daily_phases"] = {
        build: build_phases(work / f"daily_build_{build}.log") for build in ("full", "incremental")
    }
    say(f"incremental guarded build / full guarded build: {res['incremental_over_full']}")


def build_phases(log: Path) -> dict[str, float]:
    """The guarded build's steps and their wall seconds, as its progress lines say them."""
    done = re.compile(r"^\[cx-metrics\] (.+?): done in ([0-9.]+)s")
    return {m[1]: float(m[2]) for m in map(done.match, log.read_text().splitlines()) if m}


def spark_env(work: Path, args, scale: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "CX_TARGET": "spark",
            "CX_SPARK_DIR": str(work / "spark"),
            "TZ": "UTC",
            "CX_SPARK_DRIVER_MEMORY": scale_setting(args.spark_driver_memory, scale),
            "CX_SPARK_SHUFFLE_PARTITIONS": scale_setting(args.spark_shuffle_partitions, scale),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "GX_ANALYTICS_ENABLED": "false",
        }
    )
    return env


SPARK_EXPORT = """
import sys
from pathlib import Path
from cx_metrics.load import spark_session
out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
spark = spark_session()
for mart in sys.argv[2:]:
    spark.table('marts.' + mart).toPandas().to_parquet(out / (mart + '.parquet'))
spark.stop()
"""


def bench_spark(res: dict, work: Path, raw: Path, db: Path, args) -> dict:
    """The DuckDB build above is the reference; now the same raw files on Spark."""
    steps = res["steps"]
    env = spark_env(work, args, res["scale"])
    res["spark_settings"] = {k: env[k] for k in ("CX_SPARK_DRIVER_MEMORY", "CX_SPARK_SHUFFLE_PARTITIONS")}
    res["spark_settings"]["CX_SPARK_MASTER"] = env.get("CX_SPARK_MASTER", "local[2] (default)")
    shutil.rmtree(work / "spark", ignore_errors=True)
    steps["spark_load"] = run_step(
        "Spark load",
        [BIN / "cx-metrics", "load", raw, "--target", "spark"],
        env=env,
        log=work / "spark_load.log",
    )
    _check(steps["spark_load"], work / "spark_load.log")
    cmd = [
        BIN / "dbt",
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--project-dir",
        ROOT,
        "--profiles-dir",
        ROOT / "profiles",
        "--target",
        "spark",
        "--target-path",
        work / "target_spark",
        "--log-path",
        work / "logs_spark",
    ]
    steps["spark_dbt_build"] = run_step(
        "Spark dbt build (full)", cmd, env=env, log=work / "spark_dbt_build.log"
    )
    res["spark_build_results"] = model_times(work / "target_spark" / "run_results.json")
    say(
        f"Spark dbt build node statuses: {res['spark_build_results']['statuses']}; "
        f"time by kind: {res['spark_build_results']['seconds_by_kind']}"
    )
    res["ratios"] = {}
    if steps["spark_dbt_build"]["rc"] != 0:
        res["agreement"] = "not checked: Spark dbt build failed"
        return res
    marts = work / "spark_marts"
    steps["spark_export"] = run_step(
        "Spark marts to Parquet",
        [sys.executable, "-c", SPARK_EXPORT, marts, *MARTS],
        env=env,
        log=work / "spark_export.log",
    )
    _check(steps["spark_export"], work / "spark_export.log")
    say("agreement check: DuckDB marts vs Spark marts")
    reference = read_marts(db)
    spark_frames = read_parquets(marts)
    problems = []
    for m in MARTS:
        problems += compare(reference[m], spark_frames[m], m, "spark")
    res["mart_rows"] = {m: len(reference[m]) for m in MARTS}
    res["agreement"] = "pass" if not problems else "FAIL"
    res["agreement_problems"] = problems
    say(
        "AGREEMENT FAILED:\n  " + "\n  ".join(problems)
        if problems
        else f"agreement: pass ({res['mart_rows']}; doubles to rel {REL_TOL})"
    )
    return res


def _run_subgraph(res: dict, work: Path, env: dict) -> None:
    steps = res["steps"]
    select = [f"+{m}" for m in MARTS]
    # the same project and environment as the full build: reuse its parse (partial parsing)
    parsed = work / "target_build" / "partial_parse.msgpack"
    if parsed.exists():
        (work / "target_subgraph").mkdir(parents=True, exist_ok=True)
        shutil.copy2(parsed, work / "target_subgraph" / "partial_parse.msgpack")
    steps["dbt_marts_subgraph"] = run_step(
        "dbt run (three marts' subgraph)",
        dbt_cmd(["run", "--select", *select], work, "subgraph"),
        env=env,
        log=work / "dbt_subgraph.log",
    )
    _check(steps["dbt_marts_subgraph"], work / "dbt_subgraph.log")
    sub = model_times(work / "target_subgraph" / "run_results.json")
    res["dbt_subgraph_results"] = sub
    res["dbt_subgraph_model_seconds"] = round(sum(n["s"] for n in sub["nodes"].values()), 2)


def subgraph_ids(manifest: Path) -> set[str]:
    """The models the three marts are built from (themselves included)."""
    parents = json.loads(manifest.read_text())["parent_map"]
    todo = [f"model.cx_metrics.{m}" for m in MARTS]
    seen: set[str] = set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo += [p for p in parents.get(n, []) if p.startswith("model.")]
    return seen


def scale_setting(value: str, scale: str, default: str = "5GB") -> str:
    """'5GB' for every scale, or per scale: '100k=5GB,1m=5GB,10m=10GB' (a scale not named:
    the pair 'default=...', else `default`)."""
    if "=" not in value:
        return value
    pairs = dict(item.split("=", 1) for item in value.split(","))
    return pairs.get(scale, pairs.get("default", default))


def ratios(res: dict) -> dict:
    s = res["steps"]
    out = {
        "dbt_build_subgraph_models_over_floor_sql": round(
            res["dbt_build_subgraph_model_seconds"] / res["floor_sql_s"], 2
        )
    }
    if "wall_s" in s["dbt_marts_subgraph"]:
        out["dbt_subgraph_over_floor"] = round(s["dbt_marts_subgraph"]["wall_s"] / s["floor"]["wall_s"], 2)
        out["dbt_subgraph_models_over_floor_sql"] = round(
            res["dbt_subgraph_model_seconds"] / res["floor_sql_s"], 2
        )
    if "wall_s" in s.get("pandas", {}):
        if "wall_s" in s["dbt_marts_subgraph"]:
            out["pandas_over_dbt_subgraph"] = round(
                s["pandas"]["wall_s"] / s["dbt_marts_subgraph"]["wall_s"], 2
            )
        out["pandas_over_floor"] = round(s["pandas"]["wall_s"] / s["floor"]["wall_s"], 2)
    return out


def _check(step: dict, log: Path) -> None:
    if step["rc"] != 0:
        tail = log.read_text().splitlines()[-30:] if log.exists() else []
        raise SystemExit(
            f"step {step['step']} failed (exit {step['rc']}); last lines of {log}:\n" + "\n".join(tail)
        )


def generate_sharded(raw: str, customers: int, days: int, seed: int, dirty_rate: float, shards: int) -> None:
    """generate() in `shards` disjoint shards (ids prefixed S<k>-), merged into one file per table."""
    import datetime as d

    from cx_metrics.generate import generate

    raw_path = Path(raw)
    if shards == 1:
        generate(
            raw_path,
            customers=customers,
            days=days,
            start=d.date(2026, 6, 1),
            seed=seed,
            dirty_rate=dirty_rate,
            progress=lambda m: print(m, flush=True),
        )
        return
    import duckdb

    parts = raw_path.parent / "raw_shards"
    shutil.rmtree(parts, ignore_errors=True)
    per = -(-customers // shards)
    for k in range(shards):
        print(f"shard {k + 1}/{shards}", flush=True)
        generate(
            parts / f"s{k}",
            customers=per,
            days=days,
            start=d.date(2026, 6, 1),
            seed=seed + k,
            dirty_rate=dirty_rate,
            progress=lambda m: print(m, flush=True),
        )
    raw_path.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 2, "memory_limit": "4GB", "preserve_insertion_order": False})
    for table in sorted(p.stem for p in (parts / "s0").glob("*.parquet")):
        if table == "products":
            shutil.copy(parts / "s0" / "products.parquet", raw_path / "products.parquet")
            continue
        selects = []
        for k in range(shards):
            src = str(parts / f"s{k}" / f"{table}.parquet")
            repl = ", ".join(
                f"case when {c} is null or trim({c}) = '' then {c} else 'S{k}-' || {c} end as {c}"
                for c in ID_COLUMNS[table]
            )
            selects.append(f"select * replace ({repl}) from read_parquet('{src}')")
        con.execute(
            f"copy ({' union all '.join(selects)}) to '{raw_path / (table + '.parquet')}' "
            "(format parquet, row_group_size 1000000)"
        )
        print(f"merged {table}", flush=True)
    con.close()
    shutil.rmtree(parts, ignore_errors=True)


def _raw_rows(raw: Path) -> dict:
    import pyarrow.parquet as pq

    return {f.stem: pq.ParquetFile(f).metadata.num_rows for f in sorted(raw.glob("*.parquet"))}


def _count_contacts(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql("select count(*) from marts.fct_contacts").fetchall()[0][0]
    finally:
        con.close()


# ------------------------------------------------------------------------------ report
def step_rows(run: dict, keys: tuple[str, ...] | None = None, rss: str = "max_rss_mb") -> list[str]:
    """The table of steps: one row per step of each scale (the steps in ``keys`` when given); peak RSS
    of the child process (``max_rss_mb``) or of its process tree (``tree_peak_rss_mb``)."""
    lines = []
    lines.append("| scale | contacts | raw rows | step | wall s | CPU s | peak RSS MB | load before |")
    lines.append("|---|---:|---:|---|---:|---:|---:|---:|")
    for r in run["scales"]:
        raw_rows = sum(r["raw_rows"].values())
        first = True
        for key, st in r["steps"].items():
            if keys and key not in keys:
                continue
            label = {
                "generate": f"generate ({r.get('shards', 1)} shard(s))",
                "load": "load",
                "dbt_parse": "dbt parse (once per checkout)",
                "dbt_build": "**dbt build (full)**",
                "dbt_marts_subgraph": "dbt run, 3 marts' subgraph",
                "floor": "floor.sql",
                "pandas": "pandas",
                "cx_metrics_build": "cx-metrics build (guarded)",
                "daily_load_base": "daily: load the days before the last full day (`--append`)",
                "daily_build_full": "daily: guarded build, full (the first)",
                "daily_load_day": "daily: load the last full day (`--append`)",
                "daily_build_incremental": "**daily: guarded build, incremental**",
            }[key]
            head = f"{r['scale']} | {r.get('contacts') or 0:,} | {raw_rows:,}" if first else " | | "
            first = False
            if "not_run" in st:
                lines.append(f"| {head} | {label} | {st['not_run']} | | | |")
            else:
                lines.append(
                    f"| {head} | {label} | {st['wall_s']:.1f} | {st['cpu_s']:.1f} | "
                    f"{st.get(rss, st['max_rss_mb']):,.0f} | {st['load_before'][0]} |"
                )
    return lines


def render_daily(run: dict) -> str:
    """Daily operation (issue 16): the steps, the incremental/full ratio and each build's phases."""
    m = run["machine"]
    keys = ("generate", "daily_load_base", "daily_build_full", "daily_load_day", "daily_build_incremental")
    lines = [
        f"Measured {run['started']} → {run['finished']} (one run, `benchmarks/run.py --daily-only "
        f"--scales {','.join(r['scale'] for r in run['scales'])}`), on {m['cpu']}, nproc {m['nproc']}, "
        f"{m['memory_gb']} GB RAM, DuckDB {m['duckdb']}, dbt-core {m['dbt']}. dbt threads "
        f"{run['dbt_threads']}, `CX_DUCKDB_MEMORY_LIMIT={run['memory_limit']}`. Load average (1 min) "
        f"at start {run['load_start'][0]}, at end {run['load_end'][0]}. Peak RSS: the build's whole "
        "process tree (dbt, GX, DuckDB), sampled.",
        "",
        *step_rows(run, keys, rss="tree_peak_rss_mb"),
        "",
        "| scale | day appended | incremental / full (wall) | phase | full s | incremental s |",
        "|---|---|---:|---|---:|---:|",
    ]
    for r in run["scales"]:
        phases = r.get("daily_phases", {})
        full, incr = phases.get("full", {}), phases.get("incremental", {})
        head = f"{r['scale']} | {r.get('incremental_day', '')} | {r.get('incremental_over_full', '')}"
        for phase in dict.fromkeys([*full, *incr]):
            lines.append(f"| {head} | {phase} | {full.get(phase, '')} | {incr.get(phase, '')} |")
            head = " | | "
    return "\n".join(lines)


def render_table(run: dict) -> str:
    lines = []
    m = run["machine"]
    lines.append(
        f"Measured {run['started']} → {run['finished']} (one run, `benchmarks/run.py --scales "
        f"{','.join(r['scale'] for r in run['scales'])}`), on {m['cpu']}, nproc {m['nproc']}, "
        f"{m['memory_gb']} GB RAM, DuckDB {m['duckdb']}, dbt-core {m['dbt']}, pandas {m['pandas']}, "
        f"Python {m['python']}. dbt threads (`CX_THREADS`) {run.get('dbt_threads', run['threads'])}, DuckDB threads {run['threads']}, "
        f"`CX_DUCKDB_MEMORY_LIMIT={run['memory_limit']}`. Load average (1 min) at start "
        f"{run['load_start'][0]}, at end {run['load_end'][0]}."
    )
    lines.append("")
    lines += step_rows(run)
    lines.append("")
    lines.append(
        "| scale | full build wall s | nodes | dbt subgraph / floor (wall) | subgraph models Σ / floor SQL "
        "(own run) | subgraph models Σ in full build / floor SQL | pandas / dbt subgraph | pandas / floor "
        "| agreement |"
    )
    lines.append("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for r in run["scales"]:
        ra = r["ratios"]
        st = r["dbt_build_results"]["statuses"]
        lines.append(
            f"| {r['scale']} | {r['steps']['dbt_build']['wall_s']:.1f} | "
            f"{', '.join(f'{k} {v}' for k, v in sorted(st.items()))} | "
            f"{ra.get('dbt_subgraph_over_floor', 'n/a')} | {ra.get('dbt_subgraph_models_over_floor_sql', 'n/a')} | "
            f"{ra.get('dbt_build_subgraph_models_over_floor_sql', 'n/a')} | "
            f"{ra.get('pandas_over_dbt_subgraph', 'n/a')} | {ra.get('pandas_over_floor', 'n/a')} | "
            f"{r['agreement']} |"
        )
    lines.append("")
    lines.append("Slowest models of the full build (seconds, from `run_results.json`):")
    lines.append("")
    scales = run["scales"]
    lines.append("| model | " + " | ".join(r["scale"] for r in scales) + " |")
    lines.append("|---|" + "---:|" * len(scales))
    last = scales[-1]["dbt_build_results"]["top_models"]
    for uid, _ in last[:12]:
        vals = [str(r["dbt_build_results"]["nodes"].get(uid, {}).get("s", "")) for r in scales]
        lines.append(f"| {uid.split('.')[-1]} | " + " | ".join(vals) + " |")
    lines.append("")
    kinds = " ; ".join(
        f"{r['scale']}: "
        + ", ".join(f"{k} {v}s" for k, v in r["dbt_build_results"]["seconds_by_kind"].items())
        for r in scales
    )
    lines.append(f"Node time summed by kind (over dbt threads): {kinds}.")
    return "\n".join(lines)


def render_spark_table(run: dict) -> str:
    m = run["machine"]
    lines = [
        f"Measured {run['started']} → {run['finished']} (`benchmarks/run.py --target spark --scales "
        f"{','.join(r['scale'] for r in run['scales'])}`), on {m['cpu']}, nproc {m['nproc']}, "
        f"{m['memory_gb']} GB RAM, dbt-core {m['dbt']}, Python {m['python']}. Spark settings per scale: "
        + "; ".join(
            f"{r['scale']}: " + ", ".join(f"{k}={v}" for k, v in r.get("spark_settings", {}).items())
            for r in run["scales"]
        )
        + f". Load average (1 min) at start {run['load_start'][0]}, at end {run['load_end'][0]}. CPU is user+sys "
        "of the whole process tree (the JVM included); peak RSS is the largest sum of the tree's resident "
        "memory, sampled every 0.5 s.",
        "",
    ]
    lines.append("| scale | contacts | raw rows | step | wall s | CPU s | peak RSS MB (tree) | load before |")
    lines.append("|---|---:|---:|---|---:|---:|---:|---:|")
    labels = {
        "generate": "generate",
        "load": "DuckDB load (reference)",
        "dbt_build": "DuckDB dbt build (reference)",
        "spark_load": "Spark load",
        "spark_dbt_build": "**Spark dbt build (full)**",
        "spark_export": "Spark marts to Parquet",
    }
    for r in run["scales"]:
        first = True
        for key, st in r["steps"].items():
            if key not in labels:
                continue
            head = (
                f"{r['scale']} | {r.get('contacts') or 0:,} | {sum(r['raw_rows'].values()):,}"
                if first
                else " | | "
            )
            first = False
            if "not_run" in st:
                lines.append(f"| {head} | {labels[key]} | {st['not_run']} | | | |")
            else:
                rss = st.get("tree_peak_rss_mb") or st["max_rss_mb"]
                lines.append(
                    f"| {head} | {labels[key]} | {st['wall_s']:.1f} | {st['cpu_s']:.1f} | {rss:,.0f} | "
                    f"{st['load_before'][0]} |"
                )
    lines.append("")
    lines.append("| scale | Spark nodes | model s Σ | test s Σ | agreement with DuckDB (3 marts) |")
    lines.append("|---|---|---:|---:|---|")
    for r in run["scales"]:
        sb = r.get("spark_build_results", {"statuses": {}, "seconds_by_kind": {}})
        lines.append(
            f"| {r['scale']} | {', '.join(f'{k} {v}' for k, v in sorted(sb['statuses'].items()))} | "
            f"{sb['seconds_by_kind'].get('model', '')} | {sb['seconds_by_kind'].get('test', '')} | "
            f"{r['agreement']} |"
        )
    lines.append("")
    scales = [r for r in run["scales"] if "spark_build_results" in r]
    if scales:
        lines.append("Slowest Spark models (seconds, `run_results.json`):")
        lines.append("")
        lines.append("| model | " + " | ".join(r["scale"] for r in scales) + " |")
        lines.append("|---|" + "---:|" * len(scales))
        for uid, _ in scales[-1]["spark_build_results"]["top_models"][:12]:
            vals = [str(r["spark_build_results"]["nodes"].get(uid, {}).get("s", "")) for r in scales]
            lines.append(f"| {uid.split('.')[-1]} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def write_markdown(run: dict, spark: bool = False) -> None:
    write_section(
        "bench-spark" if spark else "bench", render_spark_table(run) if spark else render_table(run)
    )


def write_section(tag: str, body: str) -> None:
    """Replace BENCHMARKS.md's text between <!-- tag:begin --> and <!-- tag:end --> (added at the end
    when missing)."""
    path = ROOT / "BENCHMARKS.md"
    begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{body}\n{end}{tail}")
    say(f"wrote {path} ({tag})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="100k,1m,10m")
    p.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    p.add_argument("--days", type=int, default=91)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--dirty-rate", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (the floor)")
    p.add_argument(
        "--dbt-threads",
        default="100k=2,1m=2,10m=1",
        help="dbt threads (models built at once), for every scale or per scale; at 10M two big\n"
        "models at once share one memory limit and run out where one at a time spills",
    )
    p.add_argument("--memory-limit", default="5GB")
    p.add_argument("--guarded", action="store_true", help="also time the guarded `cx-metrics build`")
    p.add_argument("--skip-pandas", action="store_true")
    p.add_argument(
        "--incremental",
        action="store_true",
        help="also time daily operation: the days before the last full load day built, then that day\n"
        "appended and built",
    )
    p.add_argument(
        "--daily-only",
        action="store_true",
        help="time daily operation only (as --incremental), without the full dbt build, floor and pandas; "
        "writes its own section of BENCHMARKS.md (bench-daily)",
    )
    p.add_argument("--reuse-raw", action="store_true", help="keep raw files already generated for a scale")
    p.add_argument(
        "--subgraph-scales",
        default="100k,1m,10m",
        help="scales at which the three marts' subgraph is also run on its own",
    )
    p.add_argument("--keep-raw", action="store_true", help="keep the largest scale's raw files")
    p.add_argument("--no-markdown", action="store_true")
    p.add_argument(
        "--target",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: DuckDB build as the reference, then load and build on a local Spark session",
    )
    p.add_argument(
        "--spark-driver-memory", default="4g", help="CX_SPARK_DRIVER_MEMORY, for every scale or per scale"
    )
    p.add_argument(
        "--spark-shuffle-partitions",
        default="2",
        help="CX_SPARK_SHUFFLE_PARTITIONS, for every scale or per scale",
    )
    args = p.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    become_subreaper()
    run = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        "load_start": loadavg(),
        "target": args.target,
        "threads": args.threads,
        "dbt_threads": args.dbt_threads,
        "memory_limit": args.memory_limit,
        "scales": [],
    }
    say(f"machine {run['machine']}, load {run['load_start']}")
    failed = False
    previous = None
    names = [s.strip() for s in args.scales.split(",") if s.strip()]
    for name in names:
        r = bench_scale(name, SCALES[name], out, args, previous)
        run["scales"].append(r)
        previous = r
        failed |= r["agreement"] != "pass" and not args.daily_only
        if "dbt_build_failures" in r:
            previous = None
        (out / "results.json").write_text(json.dumps(run, indent=1, default=str))
        if name == names[-1] and name == "10m" and not args.keep_raw:
            shutil.rmtree(out / name / "raw", ignore_errors=True)
    run["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    run["load_end"] = loadavg()
    (out / "results.json").write_text(json.dumps(run, indent=1, default=str))
    say(f"results: {out / 'results.json'}")
    if args.daily_only:
        say("daily operation:\n" + render_daily(run))
        if not args.no_markdown:
            write_section("bench-daily", render_daily(run))
    elif not args.no_markdown:
        write_markdown(run, spark=args.target == "spark")
    if failed:
        say("FAILED: the floor or pandas disagree with the marts (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
