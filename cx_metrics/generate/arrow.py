"""Arrow arrays built straight from numpy columns, and the raw tables' schemas from the contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cx_metrics import contract


def id_width(n: int, minimum: int) -> int:
    return max(minimum, len(str(max(n, 1))))


def padded_ids(prefix: str, nums: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    """Zero-padded ids such as ``C-0000042``, built as one byte buffer (no per-row strings)."""
    nums = np.asarray(nums, np.int64)
    n, head = len(nums), np.frombuffer(prefix.encode(), np.uint8)
    size = len(head) + width
    cols = np.empty((size, n), np.uint8)  # one contiguous row per character position
    cols[: len(head)] = head[:, None]
    rest = np.where(nums < 0, 0, nums)
    for pos in range(size - 1, len(head) - 1, -1):
        rest, digit = np.divmod(rest, 10)
        np.add(digit, 48, out=cols[pos], casting="unsafe")
    buf = np.ascontiguousarray(cols.T)
    offsets = pa.py_buffer(np.arange(n + 1, dtype=np.int32) * np.int32(size))
    if valid is None or valid.all():
        return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(buf))
    bitmap = pa.array(valid, pa.bool_()).buffers()[1]
    return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(buf), bitmap, int((~valid).sum()))


def categorical(values: tuple[str, ...], codes: np.ndarray) -> pa.Array:
    """Strings from small-integer codes; a negative code is null."""
    codes = np.asarray(codes, np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(codes, mask=codes < 0))


def timestamps(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Timestamp (microsecond, tz-naive, UTC values) from epoch seconds."""
    micros = np.asarray(seconds, np.int64) * 1_000_000
    mask = None if valid is None else ~valid
    return pa.array(micros, pa.int64(), mask=mask).cast(pa.timestamp("us"))


def dates(days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(np.asarray(days, np.int32), pa.int32(), mask=mask).cast(pa.date32())


def integers(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(np.asarray(values, np.int64), pa.int64(), mask=mask)


def decimals(cents: np.ndarray, precision: int, scale: int = 2) -> pa.Array:
    """decimal128 from integer cents, written straight into the 16-byte little-endian words."""
    cents = np.asarray(cents, np.int64)
    words = np.empty((len(cents), 2), np.int64)
    words[:, 0], words[:, 1] = cents, cents >> 63
    return pa.Array.from_buffers(pa.decimal128(precision, scale), len(cents), [None, pa.py_buffer(words)])


def _arrow_type(contract_type: str) -> pa.DataType:
    if contract_type.startswith("decimal("):
        precision, scale = contract_type[len("decimal(") : -1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return {
        "text": pa.string(),
        "timestamp": pa.timestamp("us"),
        "date": pa.date32(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
    }[contract_type]


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet/Arrow schema of a raw table, derived from ``contract.TABLES``."""
    return pa.schema([(c, _arrow_type(t)) for c, t in contract.TABLES[table].columns.items()])


def build_table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    schema = arrow_schema(name)
    return pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Parquet, zstd; dictionary pages for every column but the (unique) primary key."""
    key = contract.TABLES[path.stem].primary_key
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=1,
        use_dictionary=[c for c in table.column_names if c != key],
    )
