"""Scheduled runs with Dagster: the guarded build as assets, its quality gates as blocking asset checks.

`cx_metrics.orchestration.definitions` is the code location (`dagster dev -m
cx_metrics.orchestration.definitions`); `dagster.yaml` beside it is the instance
setting the project ships (one run at a time). Needs the `orchestration` extra.
"""
