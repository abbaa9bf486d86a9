"""Deterministic, vectorised sample data for the eleven raw tables of the contract.

Why: the marts need input whose numbers look like a real contact centre (AHT of
6-7 minutes, service level near 80 %, FCR near 70 %, NPS +20..+40) and whose
dirt is known row by row, so staging and the quality checks can be tested
against ``manifest.json`` instead of against eyeballed output.

Sizing: customers initiate about ``CONTACTS_PER_CUSTOMER_PER_30D`` = 0.35
contacts per customer per 30 days, repeat contacts included, so

    contacts ~= customers x days / 30 x 0.35

The default 20,000 customers x 91 days give ~21,000 contacts; 1,000,000
contacts over 91 days need ~950,000 customers. Phone contacts are call chains
(``calls``), the others are helpdesk tickets with a full ``ticket_events`` log.

Everything is numpy arrays, one draw per column rather than a Python loop per
row. The clean data come from ``default_rng(seed)`` alone and the dirt from a
second stream ``default_rng([seed, 1])``, so a dirty sample is exactly the clean
sample of the same seed plus the dirt the manifest lists.

The package follows the sections of a build: ``params`` (every tunable),
``common`` and ``arrow`` (draws, numpy rows, Arrow columns), then one module per
source in dependency order (``commerce``, ``workforce``, ``contacts``,
``telephony``, ``helpdesk``, ``experience``, ``social``), ``sample`` (the clean
tables) and ``dirt`` (the known faults and the manifest).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np

from cx_metrics.generate.arrow import arrow_schema, write_parquet
from cx_metrics.generate.common import Period, epoch_seconds
from cx_metrics.generate.dirt import DIRT_STREAM, MAX_DIRTY_RATE, inject_dirt
from cx_metrics.generate.params import DAY
from cx_metrics.generate.sample import clean_tables

__all__ = ["MAX_DIRTY_RATE", "arrow_schema", "generate"]


def generate(
    out_dir: str | Path,
    customers: int = 20_000,
    days: int = 91,
    start: date = date(2026, 6, 1),
    seed: int = 42,
    dirty_rate: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the eleven contract tables as ``<table>.parquet`` plus ``manifest.json``.

    The period is ``[start, start + days)`` UTC; orders also cover the 365 days
    before it, so an installed base exists. ``dirty_rate`` > 0 adds, per table
    and dirt class, ``round(dirty_rate x clean rows)`` dirty rows, each listed in
    the returned manifest with what staging is expected to do with it.
    """
    if customers < 1 or days < 1:
        raise ValueError("customers and days must be at least 1")
    if not 0.0 <= dirty_rate <= MAX_DIRTY_RATE:
        raise ValueError(f"dirty_rate must be within 0..{MAX_DIRTY_RATE}")
    say = progress or quiet
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    period = Period(epoch_seconds(start), epoch_seconds(start) + days * DAY, days, customers)

    tables, facts = clean_tables(np.random.default_rng(seed), period, say)
    dirt: dict[str, dict] = {name: {} for name in tables}
    if dirty_rate > 0:
        tables, dirt = inject_dirt(
            np.random.default_rng([seed, DIRT_STREAM]), tables, facts, dirty_rate, period
        )
    manifest = {
        "generator": "cx_metrics.generate",
        "seed": seed,
        "dirty_rate": dirty_rate,
        "start": start.isoformat(),
        "days": days,
        "customers": customers,
        "tables": {name: {"rows": tables[name].num_rows, "dirt": dirt[name]} for name in tables},
    }
    with ThreadPoolExecutor(max_workers=2) as pool:  # pyarrow releases the GIL while encoding
        written = [
            pool.submit(write_parquet, table, out / f"{name}.parquet") for name, table in tables.items()
        ]
        for name, job in zip(tables, written, strict=True):
            job.result()
            say(f"{name}: {tables[name].num_rows:,} rows")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def quiet(_: str) -> None:
    """Default progress sink: the library never prints."""
