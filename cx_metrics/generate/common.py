"""The period, the random draws every section shares, and rows of numpy columns."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Self

import numpy as np

from cx_metrics.generate.params import DAY, HOUR, HOURLY_P, WEEKEND_WEIGHT


@dataclass(frozen=True)
class Period:
    """The reporting period [start_s, end_s) in epoch seconds, and the requested size."""

    start_s: int
    end_s: int
    days: int
    customers: int

    @property
    def first_day(self) -> int:
        return self.start_s // DAY


def epoch_seconds(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def loaded_at(latest_s: np.ndarray) -> np.ndarray:
    """_loaded_at of a daily extract: 02:00 UTC on the day after the row's latest timestamp."""
    return (latest_s // DAY + 1) * DAY + 2 * HOUR


def lognormal(rng: np.random.Generator, median, sigma, size: int, lo: float, hi: float) -> np.ndarray:
    """Whole seconds from a clipped lognormal: durations and delays are right-skewed."""
    return np.clip(rng.lognormal(np.log(median), sigma, size), lo, hi).astype(np.int64)


def time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight UTC following the intraday arrival profile."""
    return rng.choice(24, size=n, p=HOURLY_P) * HOUR + rng.integers(0, HOUR, n)


def weekday(day: np.ndarray) -> np.ndarray:
    """Monday = 0 for days since 1970-01-01 (a Thursday)."""
    return (day + 3) % 7


def sample_times(rng: np.random.Generator, n: int, first_day: int, n_days: int) -> np.ndarray:
    """Arrival instants over whole days with weekday and intraday seasonality."""
    days = first_day + np.arange(n_days)
    weight = np.where(weekday(days) >= 5, WEEKEND_WEIGHT, 1.0)
    return rng.choice(days, size=n, p=weight / weight.sum()) * DAY + time_of_day(rng, n)


def existing_customer(rng: np.random.Generator, created: np.ndarray, t: np.ndarray) -> np.ndarray:
    """A uniformly chosen customer created before each instant (-1 if none yet)."""
    k = np.searchsorted(created, t, side="right")
    return np.where(k > 0, (rng.random(len(t)) * k).astype(np.int64), -1)


class Rows:
    """Mixin for a dataclass whose fields are numpy columns of equal length, one row per entity."""

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))

    def take(self, idx: np.ndarray) -> Self:
        """The rows at ``idx``, in that order."""
        return type(self)(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @classmethod
    def concat(cls, parts: list[Self]) -> Self:
        """The rows of ``parts`` one after another."""
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})


def group_max(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Max per contiguous group starting at ``first`` (every group non-empty)."""
    if len(first) == 0:
        return np.zeros(0, values.dtype)
    return np.maximum.reduceat(values, first)
