"""Workforce: agents in four teams over three sites, a few hired or leaving during the
period, and the pick of an agent on duty for a piece of work."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cx_metrics.generate.arrow import (
    build_table,
    categorical,
    dates,
    decimals,
    id_width,
    padded_ids,
    timestamps,
)
from cx_metrics.generate.common import Period, loaded_at
from cx_metrics.generate.params import (
    AGENTS_HIRED_IN_PERIOD,
    AGENTS_TERMINATED_IN_PERIOD,
    CORE_AGENTS_PER_TEAM,
    CUSTOMERS_PER_AGENT,
    DAY,
    FIRST_NAMES,
    LAST_NAMES,
    MIN_AGENTS,
    SITE_HOURLY_COST,
    SITE_MIX,
    SITES,
    TEAM_COST_PREMIUM,
    TEAM_SHARE,
    TEAMS,
)


@dataclass(frozen=True)
class Agents:
    team: np.ndarray
    hired_day: np.ndarray
    end_day: np.ndarray  # first day no longer employed (huge if still employed)
    by_team: np.ndarray
    team_start: np.ndarray
    team_size: np.ndarray
    core_by_team: np.ndarray
    core_start: np.ndarray
    core_size: np.ndarray
    width: int

    def ids(self, idx: np.ndarray) -> pa.Array:
        idx = np.asarray(idx, np.int64)
        return padded_ids("A-", idx + 1, self.width, idx >= 0)


def _team_index(team: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members grouped by team, with each team's start offset and size, for O(1) picks."""
    order = members[np.argsort(team[members], kind="stable")]
    size = np.bincount(team[members], minlength=len(TEAMS))
    return order, np.cumsum(size) - size, size


def agents_and_table(rng: np.random.Generator, period: Period) -> tuple[Agents, pa.Table]:
    """About one agent per 400 customers in four teams over three sites; a few join or leave."""
    n = max(MIN_AGENTS, round(period.customers / CUSTOMERS_PER_AGENT))
    counts = [max(3, round(n * s)) for s in TEAM_SHARE[1:]]
    counts = [n - sum(counts), *counts]
    team = np.repeat(np.arange(len(TEAMS)), counts)
    core = (np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)) < CORE_AGENTS_PER_TEAM
    perm = rng.permutation(n)  # ids do not reveal the team
    team, core = team[perm], core[perm]
    hired = period.first_day - rng.integers(60, 2_000, n)
    joins = ~core & (rng.random(n) < AGENTS_HIRED_IN_PERIOD)
    hired = np.where(joins, period.first_day + rng.integers(0, max(1, period.days * 2 // 3), n), hired)
    leaves = ~core & ~joins & (rng.random(n) < AGENTS_TERMINATED_IN_PERIOD) & (period.days > 7)
    term = period.first_day + rng.integers(5, max(6, period.days - 1), n)
    site = rng.choice(len(SITES), n, p=SITE_MIX)
    cost = SITE_HOURLY_COST[site] + TEAM_COST_PREMIUM[team] + rng.uniform(-4, 4, n)
    cents = np.clip(np.round(cost * 100), 2_500, 6_000).astype(np.int64)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    names = [f"{FIRST_NAMES[f]} {LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)]
    by_team, team_start, team_size = _team_index(team, np.arange(n))
    core_by_team, core_start, core_size = _team_index(team, np.flatnonzero(core))
    agents = Agents(
        team,
        hired,
        np.where(leaves, term, np.iinfo(np.int64).max),
        by_team,
        team_start,
        team_size,
        core_by_team,
        core_start,
        core_size,
        id_width(n, 4),
    )
    latest = np.where(leaves, term, hired)
    table = build_table(
        "agents",
        {
            "agent_id": agents.ids(np.arange(n)),
            "agent_name": pa.array(names, pa.string()),
            "team": categorical(TEAMS, team),
            "site": categorical(SITES, site),
            "hourly_cost": decimals(cents, 10),
            "hired_at": dates(hired),
            "terminated_at": dates(term, leaves),
            "_loaded_at": timestamps(loaded_at(latest * DAY)),
        },
    )
    return agents, table


def pick_agents(
    rng: np.random.Generator,
    agents: Agents,
    team: np.ndarray,
    t: np.ndarray,
    exclude: np.ndarray | None = None,
) -> np.ndarray:
    """A random agent of each team employed on the day of ``t`` (and not ``exclude``)."""
    day = t // DAY
    out = np.full(len(team), -1, np.int64)
    todo = np.arange(len(team))
    for _ in range(6):  # rejection sampling; few agents are ever off the payroll
        wanted_team = team[todo]
        candidate = agents.by_team[
            agents.team_start[wanted_team]
            + (rng.random(len(todo)) * agents.team_size[wanted_team]).astype(np.int64)
        ]
        ok = (agents.hired_day[candidate] <= day[todo]) & (day[todo] < agents.end_day[candidate])
        if exclude is not None:
            ok &= candidate != exclude[todo]
        out[todo[ok]] = candidate[ok]
        todo = todo[~ok]
        if not len(todo):
            return out
    wanted_team = team[todo]  # fall back on the always-employed core of the team
    k = (rng.random(len(todo)) * agents.core_size[wanted_team]).astype(np.int64)
    candidate = agents.core_by_team[agents.core_start[wanted_team] + k]
    if exclude is not None:
        clash = candidate == exclude[todo]
        candidate[clash] = agents.core_by_team[
            agents.core_start[wanted_team[clash]] + (k[clash] + 1) % agents.core_size[wanted_team[clash]]
        ]
    out[todo] = candidate
    return out
