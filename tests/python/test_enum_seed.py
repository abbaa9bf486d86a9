"""The enum seed knows every canonical value and every spelling the contract lists."""

from __future__ import annotations

import csv

from conftest import REPO
from cx_metrics.contract import ENUM_VARIANTS, ENUMS, UNKNOWN_ENUM_VALUES


def _seed() -> dict[tuple[str, str], str]:
    with (REPO / "seeds" / "enum_mappings.csv").open() as handle:
        return {(r["enum_name"], r["raw_value"]): r["canonical_value"] for r in csv.DictReader(handle)}


def test_every_canonical_value_maps_to_itself() -> None:
    seed = _seed()
    for enum, values in ENUMS.items():
        for value in values:
            assert seed[(enum, value)] == value


def test_every_known_variant_maps_to_its_canonical_value() -> None:
    seed = _seed()
    for enum, variants in ENUM_VARIANTS.items():
        for raw, canonical in variants.items():
            assert seed[(enum, raw.strip().lower())] == canonical, raw


def test_unknown_values_are_really_unknown() -> None:
    seed = _seed()
    for enum, values in UNKNOWN_ENUM_VALUES.items():
        for value in values:
            assert (enum, value.strip().lower()) not in seed


def test_seed_keys_are_normalised_and_canonical_values_valid() -> None:
    for (enum, raw), canonical in _seed().items():
        assert raw == raw.strip().lower()
        assert canonical in ENUMS[enum]


# Spellings Zendesk exports deliver (ticket status; the ticket's `via.channel`), which the
# generator never writes. A `hold` read as `other` would hide reopens (solved -> hold -> open).
ZENDESK_SPELLINGS: dict[str, dict[str, str]] = {
    "ticket_status": {"hold": "pending", "on-hold": "pending", "On Hold": "pending"},
    "channel": {
        "web": "web",
        "email": "email",
        "mail": "email",
        "chat": "chat",
        "native_messaging": "chat",
        "voice": "phone",
        "voicemail": "phone",
        "twitter": "social",
        "facebook": "social",
        "mobile_sdk": "web",
        "api": "other",
        "mobile": "other",
        "sample_ticket": "other",
    },
}


def test_zendesk_spellings_map_to_their_canonical_value() -> None:
    seed = _seed()
    for enum, spellings in ZENDESK_SPELLINGS.items():
        for raw, canonical in spellings.items():
            assert seed.get((enum, raw.strip().lower())) == canonical, raw
