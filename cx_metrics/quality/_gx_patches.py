"""The three places where cx_metrics reaches into GX Core internals, kept in one module.

Why: GX is the largest part of a guarded build's overhead. On the default
sample (20,000 customers, 91 days; 260 expectations on 52 frames) GX took 21 %
of a build's wall and CPU time before these and the other changes listed in
docs/quality.md ("Cost"), 16 % after; these three account for:

- ``import_gx``: ``scipy.stats`` and ``altair``, which GX imports but uses only
  for distribution expectations (none in our suites), load on first use:
  about 1 s off GX's import (3.3 s -> 2.0 s wall together with importing in a
  thread).
- ``configuration_built_once``: GX 1.24 rebuilds ``Expectation.configuration``
  about 130 times per expectation while building the metric graph, a fifth to a
  third of validation time; staging checks went 1.7 s -> 1.0 s and mart checks
  2.2 s -> 1.4 s with it.
- ``skip_project_config_saves``: an ephemeral context dumps its whole project
  config to YAML twice per validated frame (asset, batch definition), which
  nothing reads back, the dump growing with every asset.

Re-measured on 2026-12-01 (2-core machine at load 16-23, pyspark kept out as
in the demo's install; CPU seconds, the steadier figure under load): importing
GX took 1.5-1.6 s CPU with the deferral against 2.3-2.5 s without; three
validations of the raw suite on the fixtures took 2.6 s CPU with the
configuration cache against 3.3-3.4 s without.

None changes a check or a result (tests/python/test_quality.py runs the same
suite patched and unpatched and compares every result). The internals were read
in GX ``TUNED_GX_VERSION``; any other version runs unpatched: slower, same results.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator
from typing import Any

# GX internals the speed-ups below rely on were read in this version; any other
# version runs GX unpatched (slower, same results).
TUNED_GX_VERSION = "1.24.1"
# Modules GX imports at import time but uses only in distribution expectations
# (KL divergence, KS tests) and their charts, none of which the suites use.
DEFERRED_MODULES = ("scipy.stats", "altair")


class _OnFirstUse(types.ModuleType):
    """Stands in for a module while GX is imported; the real module is imported on first attribute use."""

    def __getattr__(self, name: str) -> Any:
        real = sys.modules.get(self.__name__)
        if real is None or isinstance(real, _OnFirstUse):
            sys.modules.pop(self.__name__, None)
            real = importlib.import_module(self.__name__)
        return getattr(real, name)


def _defer_modules(names: tuple[str, ...]) -> list[str]:
    """Put stand-ins for modules not yet imported into sys.modules (and on their parent package)."""
    placed = []
    for name in names:
        if name in sys.modules:
            continue
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except (ImportError, ValueError):
            continue
        stub = _OnFirstUse(name)
        sys.modules[name] = stub
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stub)
        placed.append(name)
    return placed


def _undefer_modules(placed: list[str]) -> None:
    """After GX's import: whoever imports these modules next gets the real thing (GX keeps its stand-ins)."""
    for name in placed:
        if isinstance(sys.modules.get(name), _OnFirstUse):
            del sys.modules[name]
        parent, _, child = name.rpartition(".")
        package = sys.modules.get(parent) if parent else None
        if package is not None and isinstance(vars(package).get(child), _OnFirstUse):
            delattr(package, child)


def import_gx():
    """`import great_expectations`, with the unused heavy modules loading on first use only."""
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    placed = _defer_modules(DEFERRED_MODULES)
    try:
        with _not_a_doctest_run():
            return importlib.import_module("great_expectations")
    finally:
        _undefer_modules(placed)


@contextlib.contextmanager
def _not_a_doctest_run() -> Iterator[None]:
    """Keep pyspark's Spark Connect import from ending the process while GX imports it.

    GX imports `pyspark.sql.connect` when pyspark is installed (the spark extra).
    pyspark 4.3 takes a `__main__` with neither `__spec__` nor `__file__` for its
    doctest runner and, when Spark Connect's extras are missing (they are: no
    googleapis-common-protos), calls `sys.exit(0)` on import: `python -c "import
    great_expectations"` exits 0 silently, and so did a Dagster run worker started
    that way. `sys.ps1` (an interactive session) is the condition it accepts instead;
    it is set for the import only.
    """
    main = sys.modules.get("__main__")
    looks_like_doctest = (
        main is not None
        and getattr(main, "__spec__", None) is None
        and not hasattr(main, "__file__")
        and not hasattr(sys, "ps1")
    )
    if looks_like_doctest:
        sys.ps1 = ">>> "
    try:
        yield
    finally:
        if looks_like_doctest:
            del sys.ps1


@contextlib.contextmanager
def configuration_built_once() -> Iterator[None]:
    """While GX validates: each expectation's `configuration` is built once, not on every access.

    GX 1.24 rebuilds `Expectation.configuration` (a pydantic dump plus a new
    ExpectationConfiguration) every time it is read, about 130 times per
    expectation while building the metric graph: a fifth to a third of validation time.
    During a validation GX creates each expectation object and only reads it, so
    the first value is the value of every later read. The cache lives for one
    validation only (objects are held, so an id is never reused within it).
    """
    import great_expectations as gx
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.__dict__.get("configuration")
    if not is_tuned(gx) or not isinstance(original, property):
        yield
        return
    built: dict[int, tuple[Any, Any]] = {}

    def configuration(self):
        hit = built.get(id(self))
        if hit is None or hit[0] is not self:
            hit = built[id(self)] = (self, original.fget(self))
        return hit[1]

    Expectation.configuration = property(configuration, doc=original.__doc__)
    try:
        yield
    finally:
        Expectation.configuration = original


def is_tuned(gx: Any) -> bool:
    """The GX version the patches were written against is the one imported."""
    return gx.__version__ == TUNED_GX_VERSION


def skip_project_config_saves(context: Any) -> None:
    """An ephemeral context's project-config "save" (a YAML dump nothing reads) becomes a no-op."""
    import great_expectations as gx

    if is_tuned(gx):
        context._save_project_config = lambda: None


class _DialectName(str):
    """A dialect name GX's persisted-connection list can hold beside its GXSqlDialect members
    (compared as text, with the `.value` GX reads from them)."""

    @property
    def value(self) -> str:
        return str(self)


def register_duckdb_dialect() -> None:
    """Let GX's SQL route validate on DuckDB (duckdb-engine): one persisted connection per engine.

    As shipped, GX 1.24 returns every pooled connection after each query; the pool's reset
    discards the rows duckdb_engine streams, and every expectation fails with "list index
    out of range" (DEPENDENCIES.md item 5). Dialects in `_PERSISTED_CONNECTION_DIALECTS`
    (sqlite, mssql, ...) keep one connection open instead; DuckDB is added to them. The
    connection is closed after each layer (cx_metrics.quality.sql.DuckDBQualityRun._dispose).
    Applied whatever the GX version: without it the DuckDB SQL route gives no results at all.
    """
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    if "duckdb" not in [str(getattr(d, "value", d)) for d in engine._PERSISTED_CONNECTION_DIALECTS]:
        engine._PERSISTED_CONNECTION_DIALECTS = (
            *engine._PERSISTED_CONNECTION_DIALECTS,
            _DialectName("duckdb"),
        )
