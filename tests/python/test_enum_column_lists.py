"""The raw enum columns: cx_metrics/contract.py ENUM_COLUMNS, the dbt macro enum_columns() and the
base models' enum_map/enum_value calls name the same columns with the same enums.

contract.py's list serves the raw quality suite (which spellings are dirt); dbt reads its list from
the one macro (macros/staging/enums.sql: audit__unmapped_enum_values); each base model normalises
its columns through enum_map/enum_value. Python cannot read a dbt macro at import time (an installed
package ships no dbt project), so this test keeps the three together: a column added in one place
only fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cx_metrics.contract import ENUM_COLUMNS, TABLES

REPO = Path(__file__).resolve().parents[2]

MAP_CTE = re.compile(r"(\w+) as \(\s*\{\{ cx_metrics\.enum_map\('(\w+)'\) \}\}")
VALUE = re.compile(r"cx_metrics\.enum_value\('(\w+)', 'source\.(\w+)'\) \}\} as (\w+)")
JOIN = re.compile(r"cx_metrics\.enum_key\('source\.(\w+)'\) \}\} = (\w+)\.raw_value")


def macro_enum_columns() -> list[tuple[str, str, str, str]]:
    text = (REPO / "macros" / "staging" / "enums.sql").read_text()
    body = re.search(r"macro enum_columns\(\).*?return\((\[.*?\])\)", text, re.S).group(1)
    return ast.literal_eval(body)


def base_model_enum_columns() -> list[tuple[str, str, str, str]]:
    """(source, table, column, enum_name) of every enum_value call of the base models."""
    found = []
    for path in sorted((REPO / "models" / "staging").glob("*/base/base_*__*.sql")):
        source_name, table_name = path.stem.removeprefix("base_").split("__")
        text = path.read_text()
        maps = dict(MAP_CTE.findall(text))
        joins = {column: alias for column, alias in JOIN.findall(text)}
        for alias, column, output in VALUE.findall(text):
            assert output == f"{column}__normalised", (path.name, output)
            assert joins.get(column) == alias, f"{path.name}: {column} is not joined to {alias}"
            found.append((source_name, table_name, column, maps[alias]))
        assert len(maps) == len(VALUE.findall(text)), f"{path.name}: an enum_map without enum_value"
    return found


def test_macro_matches_the_contract():
    macro = macro_enum_columns()
    assert {(table, column): enum for _, table, column, enum in macro} == ENUM_COLUMNS
    assert len(macro) == len(ENUM_COLUMNS)
    assert all(TABLES[table].source == source for source, table, _, _ in macro)
    assert all(column in TABLES[table].columns for _, table, column, _ in macro)


def test_base_models_normalise_the_macro_columns():
    assert sorted(base_model_enum_columns()) == sorted(macro_enum_columns())
