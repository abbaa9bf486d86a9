"""Run benchmarks/floor.sql against a loaded warehouse; write the three marts as Parquet.

    python benchmarks/floor_run.py <warehouse.duckdb> <out_dir> [threads] [memory_limit]

The vars the marts use are read from dbt_project.yml (their defaults); the floor
assumes reporting_timezone UTC and aht_include_outbound / service_level_counts_abandons
at their defaults, and refuses other settings. Writes <out_dir>/timing.json with
the seconds spent in SQL.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parent.parent
MARTS = ("mart_queue_daily", "mart_fcr_daily", "mart_experience_monthly")


def render() -> str:
    v = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    if (
        v["reporting_timezone"] != "UTC"
        or v["aht_include_outbound"]
        or not v["service_level_counts_abandons"]
    ):
        raise SystemExit("floor.sql implements the default vars only (UTC, SL counts abandons, inbound AHT)")
    depth = int(v["call_chain_max_depth"])
    steps = "".join(
        f"""walk_{k} as (
    select
        w.call_id,
        coalesce(p.call_id, w.ancestor_id) as ancestor_id,
        case when p.call_id is not null then p.parent_call_id else w.ancestor_parent_id end as ancestor_parent_id,
        w.hops + case when p.call_id is not null then 1 else 0 end as hops
    from walk_{k - 1} as w
    left join floor_calls as p on w.ancestor_parent_id = p.call_id
),
"""
        for k in range(1, depth + 1)
    )
    sql = (ROOT / "benchmarks" / "floor.sql").read_text()
    for name, value in {
        "walk_steps": steps,
        "max_depth": depth,
        "short_abandon_seconds": v["short_abandon_seconds"],
        "service_level_seconds": v["service_level_seconds"],
        "repeat_window_days": v["repeat_window_days"],
    }.items():
        sql = sql.replace("{{" + name + "}}", str(value))
    return sql.replace("__SEEDS__", str(ROOT / "seeds"))


def main() -> None:
    db, out = Path(sys.argv[1]), Path(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    memory = sys.argv[4] if len(sys.argv) > 4 else "5GB"
    out.mkdir(parents=True, exist_ok=True)
    sql = render()
    con = duckdb.connect(
        str(db),
        read_only=True,
        config={"threads": threads, "memory_limit": memory, "preserve_insertion_order": False},
    )
    start = time.perf_counter()
    con.execute(sql)
    frames = {m: con.sql(f"select * from floor_{m}").df() for m in MARTS}
    seconds = time.perf_counter() - start
    for m, f in frames.items():
        f.to_parquet(out / f"{m}.parquet", index=False)
    (out / "timing.json").write_text(json.dumps({"sql_s": round(seconds, 3)}))
    print(f"floor: {seconds:.2f}s SQL; rows " + ", ".join(f"{m} {len(f)}" for m, f in frames.items()))


if __name__ == "__main__":
    main()
