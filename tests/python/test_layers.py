"""Layers run one way (README "Layers"): every model reads its own or an earlier layer.

`dbt parse` writes the manifest (a few seconds, no warehouse needed); each model must
carry exactly one layer tag of cx_metrics.pipeline.DBT_LAYERS, and each model it refs
must sit in the same or an earlier layer. No intermediate model reads a mart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cx_metrics.incremental import SCOPE_SCHEMA
from cx_metrics.pipeline import DBT_LAYERS, UPSTREAM

PROJECT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("layers")
    env = {
        **os.environ,
        "CX_TARGET": "duckdb",
        "CX_DUCKDB_PATH": str(tmp / "parse.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    subprocess.run(
        [
            str(DBT),
            "parse",
            "--profiles-dir",
            "profiles",
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(tmp / "logs"),
        ],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )
    manifest = json.loads((tmp / "target" / "manifest.json").read_text())
    return {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def _layer(node: dict) -> str:
    layers = [tag for tag in node["tags"] if tag in DBT_LAYERS]
    assert len(layers) == 1, f"{node['name']} has layer tags {layers}, wants exactly one of {DBT_LAYERS}"
    return layers[0]


def test_every_model_has_one_layer(models: dict[str, dict]) -> None:
    counts = {layer: 0 for layer in DBT_LAYERS}
    for node in models.values():
        counts[_layer(node)] += 1
    assert all(counts.values()), f"empty layer: {counts}"


def test_refs_point_to_the_same_or_an_earlier_layer(models: dict[str, dict]) -> None:
    backwards = []
    for node in models.values():
        rank = DBT_LAYERS.index(_layer(node))
        for parent in node["depends_on"]["nodes"]:
            if parent in models and DBT_LAYERS.index(_layer(models[parent])) > rank:
                backwards.append(
                    f"{node['name']} ({_layer(node)}) reads {models[parent]['name']} "
                    f"({_layer(models[parent])})"
                )
    assert not backwards, "\n".join(backwards)


def test_no_intermediate_model_reads_a_mart(models: dict[str, dict]) -> None:
    offenders = [
        f"{node['name']} reads {models[parent]['name']}"
        for node in models.values()
        if node["name"].startswith("int_") or "intermediate" in node["fqn"]
        for parent in node["depends_on"]["nodes"]
        if parent in models and (models[parent]["schema"] == "marts" or "marts" in models[parent]["fqn"])
    ]
    assert not offenders, "\n".join(offenders)


def _is_scope_model(node: dict) -> bool:
    return "_incremental_scope__" in node["name"]


def test_intermediate_models_live_in_their_layer(models: dict[str, dict]) -> None:
    """The int_ prefix, the intermediate folder and schema and the intermediate tag agree.

    An incremental scope model (int_incremental_scope__*) is an intermediate model whose
    schema is build_scope instead: the build reads it, no report does.
    """
    for node in models.values():
        in_folder = node["fqn"][1] == "intermediate"
        schema = "intermediate" if in_folder and _is_scope_model(node) else node["schema"]
        assert (
            node["name"].startswith("int_")
            == in_folder
            == (_layer(node) == "intermediate")
            == (schema == "intermediate")
        ), node["name"]


def test_only_incremental_scope_models_live_in_build_scope(models: dict[str, dict]) -> None:
    """build_scope holds the scope models and nothing else, and every scope model is there."""
    assert {n["name"] for n in models.values() if _is_scope_model(n)} == {
        n["name"] for n in models.values() if n["schema"] == SCOPE_SCHEMA
    }
    assert any(_is_scope_model(n) for n in models.values())


def test_pipeline_selects_layers_by_tag() -> None:
    assert not [s for s in UPSTREAM if s.startswith("path:")]
    assert {"tag:staging", "tag:audit"} <= set(UPSTREAM)
