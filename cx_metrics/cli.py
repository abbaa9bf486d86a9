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
    append = getattr(args, "append", False)
    with _step(f"{'append' if append else 'load'} {args.folder} into {args.target}"):
        if getattr(args, "format", "native") == "zendesk":
            from cx_metrics import zendesk

            rule = zendesk.CategoryRule(tag_prefix=args.category_tag_prefix, field=args.category_field)
            zendesk.load(args.folder, target=args.target, progress=_say, category=rule, append=append)
        else:
            load_mod.load(args.folder, target=args.target, progress=_say, append=append)


def _build_options(args: argparse.Namespace):
    """Pipeline options from the command line (unset values fall back to env vars)."""
    from cx_metrics.pipeline import BuildOptions

    options = BuildOptions(
        target=getattr(args, "target", "duckdb"), vars=getattr(args, "vars", None), progress=_say
    )
    if getattr(args, "dirt_threshold", None) is not None:
        options.dirt_threshold = args.dirt_threshold
    if getattr(args, "as_of", None) is not None:
        options.as_of = args.as_of
    options.full_refresh = getattr(args, "full_refresh", False)
    return options


def cmd_build(args: argparse.Namespace) -> None:
    """The guarded pipeline (cx_metrics.pipeline): checks between the layers, atomic publish."""
    from cx_metrics.pipeline import build

    result = build(_build_options(args))
    if result.nothing_new is None:
        _say(f"build published in {result.seconds:.1f}s; report: {result.report_dir}")


def cmd_check(args: argparse.Namespace) -> None:
    """One layer's expectation suite against the published warehouse."""
    from cx_metrics.pipeline import check

    result = check(args.layer, _build_options(args))
    _say(f"{args.layer}: {len(result.results)} checks passed or warned, {len(result.warnings)} warnings")


def _quality_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dirt-threshold",
        type=float,
        default=None,
        help="share of contract dirt per check above which raw checks block "
        "(default $CX_DIRT_THRESHOLD or 0.05)",
    )
    p.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=None,
        help="freshness reference (default: latest business timestamp in raw)",
    )


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
        for relation in (
            "staging.stg_telephony__calls",
            "staging.stg_helpdesk__tickets",
            "audit.audit__row_reconciliation",
        ):
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


# The demo's headline figures: (label, column of marts.mart_scorecard_monthly, format). They
# are read from the mart, never recomputed here, so the demo shows the one definition
# every var (service_level_counts_abandons, aht_include_outbound, ...) applies to.
HEADLINE_METRICS = (
    ("contacts", "contacts", ",.0f"),
    ("AHT (minutes)", "aht_minutes", ".3f"),
    ("service level", "service_level", ".3f"),
    ("abandon rate", "abandon_rate", ".3f"),
    ("FCR", "fcr_rate", ".3f"),
    ("repeat contact rate", "repeat_contact_rate", ".3f"),
    ("NPS", "nps", ".3f"),
    ("CSAT", "csat", ".3f"),
    ("IXS", "ixs", ".3f"),
)
HEADLINE_MART = "marts.mart_scorecard_monthly"


def headline_figures(con) -> list[tuple[str, date, float]]:
    """(label, month, value) of each headline metric: its value in the latest month of
    the monthly scorecard that has one (the month holding as_of may be partial, and
    FCR waits for the repeat window, so a metric's latest value can be a month older)."""
    figures = []
    for label, column, _ in HEADLINE_METRICS:
        row = con.execute(
            f"select month, {column} from {HEADLINE_MART} "
            f"where {column} is not null order by month desc limit 1"
        ).fetchone()
        if row is not None:
            figures.append((label, row[0], float(row[1])))
    return figures


def _headline(con) -> None:
    """The headline figures of the monthly scorecard, so the demo shows numbers, not only counts."""
    import duckdb

    try:
        figures = headline_figures(con)
    except duckdb.Error:
        return
    _say(f"  headline ({HEADLINE_MART}, latest month with a value):")
    formats = {label: fmt for label, _, fmt in HEADLINE_METRICS}
    for label, month, value in figures:
        _say(f"    {label} ({month:%Y-%m}): {value:{formats[label]}}")


def _docs() -> None:
    """dbt docs (and MetricFlow's semantic manifest) for the published demo warehouse, in <project>/target.

    The guarded build compiles against its build copy of the warehouse; this compiles against the
    published file, so `dbt docs serve` and `mf query` run from the project folder see the demo.
    """
    import subprocess

    from cx_metrics.dbt import dbt_command, project_dir

    target = project_dir() / "target"
    command = dbt_command(["docs", "generate", "--quiet"], target="duckdb", target_path=target)
    env = {**os.environ, "CX_DUCKDB_PATH": str(load_mod.duckdb_path())}
    with _step("dbt docs generate"):
        if subprocess.run(command, env=env).returncode != 0:
            raise DbtError("dbt docs generate failed")
    _say(f"dbt docs: {target / 'index.html'} (serve it: dbt docs serve --profiles-dir profiles)")


def cmd_dashboard(args: argparse.Namespace) -> None:
    """Serve the Streamlit dashboard on localhost over the published warehouse, read-only."""
    from cx_metrics import dashboard

    _say(f"dashboard: http://127.0.0.1:{args.port}/ (pages {', '.join(dashboard.PAGES)}); Ctrl-C stops it")
    try:
        dashboard.serve(args.port)
    except FileNotFoundError as exc:
        raise load_mod.LoadError(str(exc)) from exc


def cmd_demo(args: argparse.Namespace) -> None:
    out = Path(args.out)
    args_gen = argparse.Namespace(
        out=out,
        customers=args.customers,
        days=args.days,
        start=args.start,
        seed=args.seed,
        dirty_rate=args.dirty_rate,
    )
    cmd_generate(args_gen)
    cmd_load(argparse.Namespace(folder=out, target="duckdb"))
    cmd_build(argparse.Namespace(vars=args.vars, target="duckdb"))
    _summary()
    run_analyses(load_mod.duckdb_path(), say=_say)
    _docs()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cx-metrics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def sample_options(p: argparse.ArgumentParser, out_default: Path | None) -> None:
        p.add_argument(
            "--out",
            type=Path,
            default=out_default,
            required=out_default is None,
            help="folder for the raw files",
        )
        p.add_argument("--customers", type=int, default=20_000)
        p.add_argument("--days", type=int, default=91)
        p.add_argument("--start", type=date.fromisoformat, default=date(2026, 6, 1))
        p.add_argument("--seed", type=int, default=42)
        p.add_argument(
            "--dirty-rate",
            type=float,
            default=0.0,
            help="share of rows per dirt class to make dirty (e.g. 0.02)",
        )

    p = sub.add_parser("generate", help="write realistic sample raw files (Parquet)")
    sample_options(p, None)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("load", help="load a folder of raw files into schema raw")
    p.add_argument("folder", type=Path)
    p.add_argument("--target", default="duckdb", choices=load_mod.TARGETS)
    p.add_argument(
        "--format",
        default="native",
        choices=["native", "zendesk"],
        help="native: the raw contract's files; zendesk: Fivetran's Zendesk tables (README)",
    )
    p.add_argument(
        "--category-tag-prefix", default="category_", help="zendesk: category from tag <prefix><category>"
    )
    p.add_argument(
        "--category-field", help="zendesk: category from this ticket column (a custom field) first"
    )
    p.add_argument(
        "--append",
        action="store_true",
        help="add the files' rows to raw (a file already loaded, same sha256, is skipped); "
        "default: replace the tables given",
    )
    p.set_defaults(func=cmd_load)

    p = sub.add_parser(
        "build",
        help="guarded build: raw checks, dbt staging, staging checks, dbt marts, mart checks, atomic publish",
    )
    p.add_argument("--target", default=os.environ.get("CX_TARGET", "duckdb"))
    p.add_argument("--vars", help="dbt vars as YAML, e.g. '{reporting_timezone: Europe/Berlin}'")
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild everything and check raw in full, even when every load in the ledger is built",
    )
    _quality_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="run one layer's quality checks on the published warehouse")
    p.add_argument("--layer", required=True, choices=["raw", "staging", "marts"])
    p.add_argument("--target", default=os.environ.get("CX_TARGET", "duckdb"), choices=["duckdb", "postgres"])
    _quality_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo", help="generate sample data, load it, build everything, summarise")
    sample_options(p, DEMO_DATA)
    p.set_defaults(dirty_rate=0.01)
    p.add_argument("--vars", help="dbt vars as YAML")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("dashboard", help="serve the dashboard (Streamlit) on localhost, read-only")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_dashboard)
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
