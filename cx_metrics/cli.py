"""The `cx-metrics` command: thin argument parsing over the library modules."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from pathlib import Path

from cx_metrics import load as load_mod
from cx_metrics.analyses import run_analyses
from cx_metrics.dbt import DbtError
from cx_metrics.pipeline import PipelineStopped, timed_step

DEMO_DATA = Path("data/sample")


def _say(message: str) -> None:
    print(f"[cx-metrics] {message}", flush=True)


def _step(title: str):
    """A step printed with its elapsed time: the pipeline's own step timer."""
    return timed_step(title, _say)


def cmd_generate(args: argparse.Namespace) -> None:
    from cx_metrics.generate import generate

    with _step(f"generate sample data into {args.out}"):
        generate(
            args.out,
            customers=args.customers,
            days=args.days,
            start=args.start,
            seed=args.seed,
            dirty_rate=args.dirty_rate,
            progress=_say,
        )


def cmd_load(args: argparse.Namespace) -> None:
    with _step(f"load {args.folder} into {args.target}"):
        load_mod.load(args.folder, target=args.target, progress=_say)


def _build_options(args: argparse.Namespace):
    """Pipeline options from the command line (unset values fall back to env vars)."""
    from cx_metrics.pipeline import BuildOptions

    options = BuildOptions(target=getattr(args, "target", "duckdb"), vars=getattr(args, "vars", None),
                           progress=_say)
    if getattr(args, "dirt_threshold", None) is not None:
        options.dirt_threshold = args.dirt_threshold
    if getattr(args, "as_of", None) is not None:
        options.as_of = args.as_of
    return options


def cmd_build(args: argparse.Namespace) -> None:
    """The guarded pipeline (cx_metrics.pipeline): checks between the layers, atomic publish."""
    from cx_metrics.pipeline import build

    result = build(_build_options(args))
    _say(f"build published in {result.seconds:.1f}s; report: {result.report_dir}")


def cmd_check(args: argparse.Namespace) -> None:
    """One layer's expectation suite against the published warehouse."""
    from cx_metrics.pipeline import check

    result = check(args.layer, _build_options(args))
    _say(f"{args.layer}: {len(result.results)} checks passed or warned, "
         f"{len(result.warnings)} warnings")


def _quality_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dirt-threshold", type=float, default=None,
                   help="share of contract dirt per check above which raw checks block "
                        "(default $CX_DIRT_THRESHOLD or 0.05)")
    p.add_argument("--as-of", type=datetime.fromisoformat, default=None,
                   help="freshness reference (default: latest business timestamp in raw)")


def _summary() -> None:
    """Print where the warehouse is and a few row counts, read-only."""
    import duckdb

    path = load_mod.duckdb_path()
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging', 'quarantine', 'audit', 'marts') "
            "order by 1, 2"
        ).fetchall()
        _say(f"warehouse: {path}")
        for schema in ("raw", "staging", "quarantine", "audit", "marts"):
            names = [t for s, t in rows if s == schema]
            if names:
                _say(f"  {schema}: {len(names)} relations")
        for relation in ("staging.stg_telephony__calls", "staging.stg_helpdesk__tickets",
                         "audit.audit__row_reconciliation"):
            try:
                n = con.execute(f"select count(*) from {relation}").fetchone()[0]
                _say(f"  {relation}: {n:,} rows")
            except duckdb.Error:
                pass
        quarantined = con.execute(
            "select coalesce(sum(quarantined_rows), 0) from audit.audit__row_reconciliation"
        ).fetchone()[0]
        _say(f"  quarantined rows (all tables): {quarantined:,}")
        _headline(con)
        _say(f"open it read-only: python -c \"import duckdb; duckdb.connect('{path}', read_only=True)\"")
    finally:
        con.close()


HEADLINE_SQL = {
    "AHT (minutes)": "select sum(handle_seconds_total) / sum(answered_legs) / 60 from marts.mart_queue_daily",
    "service level": "select sum(answered_within_sl) / sum(offered_legs) from marts.mart_queue_daily",
    "abandon rate": "select sum(abandoned_legs) / sum(offered_legs) from marts.mart_queue_daily",
    "FCR": "select sum(fcr_contacts) / sum(evaluable_contacts) from marts.mart_fcr_daily",
    "repeat contact rate": "select sum(repeated_contacts) / sum(evaluable_contacts) from marts.mart_fcr_daily",
    "NPS (all responses)": "select 100.0 * (sum(promoters) - sum(detractors)) / sum(nps_responses) "
                           "from marts.mart_experience_monthly",
    "IXS (latest month with a score)": "select ixs from marts.mart_ixs_monthly where ixs is not null "
                                       "order by month desc limit 1",
}


def _headline(con) -> None:
    """A few whole-period figures from the marts, so the demo shows numbers, not only counts."""
    import duckdb

    for label, sql in HEADLINE_SQL.items():
        try:
            value = con.execute(sql).fetchone()[0]
        except duckdb.Error:
            continue
        if value is not None:
            _say(f"  {label}: {value:.3f}")


def cmd_demo(args: argparse.Namespace) -> None:
    out = Path(args.out)
    args_gen = argparse.Namespace(
        out=out, customers=args.customers, days=args.days, start=args.start,
        seed=args.seed, dirty_rate=args.dirty_rate,
    )
    cmd_generate(args_gen)
    cmd_load(argparse.Namespace(folder=out, target="duckdb"))
    cmd_build(argparse.Namespace(vars=args.vars, target="duckdb"))
    _summary()
    run_analyses(load_mod.duckdb_path(), say=_say)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cx-metrics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def sample_options(p: argparse.ArgumentParser, out_default: Path | None) -> None:
        p.add_argument("--out", type=Path, default=out_default, required=out_default is None,
                       help="folder for the raw files")
        p.add_argument("--customers", type=int, default=20_000)
        p.add_argument("--days", type=int, default=91)
        p.add_argument("--start", type=date.fromisoformat, default=date(2026, 6, 1))
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--dirty-rate", type=float, default=0.0,
                       help="share of rows per dirt class to make dirty (e.g. 0.02)")

    p = sub.add_parser("generate", help="write realistic sample raw files (Parquet)")
    sample_options(p, None)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("load", help="load a folder of raw files into schema raw")
    p.add_argument("folder", type=Path)
    p.add_argument("--target", default="duckdb", choices=load_mod.TARGETS)
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("build", help="guarded build: raw checks, dbt staging, staging checks, "
                                     "dbt marts, mart checks, atomic publish")
    p.add_argument("--target", default=os.environ.get("CX_TARGET", "duckdb"))
    p.add_argument("--vars", help="dbt vars as YAML, e.g. '{reporting_timezone: Europe/Berlin}'")
    _quality_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="run one layer's quality checks on the published warehouse")
    p.add_argument("--layer", required=True, choices=["raw", "staging", "marts"])
    _quality_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo", help="generate sample data, load it, build everything, summarise")
    sample_options(p, DEMO_DATA)
    p.set_defaults(dirty_rate=0.01)
    p.add_argument("--vars", help="dbt vars as YAML")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Keep dbt and GX from calling out: there is no network here, and none is wanted.
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (load_mod.LoadError, DbtError, PipelineStopped) as exc:
        _say(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
