"""The raw table list: cx_metrics/contract.py, the dbt macro contract_tables(), the sources
YAML and the using_<table> vars of dbt_project.yml name the same tables with the same sources.

contract.py holds each table's columns, key and source for the generator, the loader and the
quality suites; dbt reads its list from the one macro (macros/sources/source_present.sql:
audit__row_reconciliation, present_tables); dbt requires each source table declared in YAML.
A table added in one place only fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from cx_metrics.contract import LOAD_RECORD, TABLES

REPO = Path(__file__).resolve().parents[2]
CONTRACT = {name: table.source for name, table in TABLES.items()}


def test_macro_lists_the_contract_tables_in_order():
    text = (REPO / "macros" / "sources" / "source_present.sql").read_text()
    body = re.search(r"macro contract_tables\(\).*?return\((\{.*?\})\)", text, re.S).group(1)
    assert list(ast.literal_eval(body).items()) == list(CONTRACT.items())


def test_sources_yaml_declares_the_contract_tables():
    declared = {}
    for path in (REPO / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                declared[table["name"]] = source["name"]
    loader = yaml.safe_load((REPO / "models" / "staging" / "_loader__sources.yml").read_text())["sources"][0]
    assert [t["name"] for t in loader["tables"]] == [LOAD_RECORD]
    assert declared == CONTRACT


def test_one_using_var_per_contract_table():
    variables = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    using = [name.removeprefix("using_") for name in variables if name.startswith("using_")]
    assert using == list(CONTRACT)
    assert all(variables[f"using_{name}"] is None for name in CONTRACT)  # default: the loader's record
