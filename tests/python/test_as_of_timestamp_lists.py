"""The business timestamps that define as_of: cx_metrics/contract.py BUSINESS_TIMESTAMPS (the raw
quality suite's freshness reference) and the dbt macro as_of_timestamps() (read by int_as_of) name
the same columns in the same order. Python cannot read a dbt macro at import time (an installed
package ships no dbt project), so this test keeps the two together.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from cx_metrics.contract import BUSINESS_TIMESTAMPS, TABLES

REPO = Path(__file__).resolve().parents[2]


def test_macro_lists_the_contract_timestamps_in_order():
    text = (REPO / "macros" / "sources" / "as_of_timestamps.sql").read_text()
    body = re.search(r"macro as_of_timestamps\(\).*?return\((\[.*?\])\)", text, re.S).group(1)
    assert ast.literal_eval(body) == BUSINESS_TIMESTAMPS


def test_timestamps_are_contract_timestamp_columns():
    assert all(TABLES[table].columns.get(column) == "timestamp" for table, column in BUSINESS_TIMESTAMPS)


def test_int_as_of_reads_the_macro():
    text = (REPO / "models" / "intermediate" / "reporting" / "int_as_of.sql").read_text()
    assert "cx_metrics.as_of_timestamps()" in text
    assert "ref('stg_' ~" in text and "ref('stg_" not in text.replace(
        "ref('stg_' ~", ""
    )  # no list of its own
