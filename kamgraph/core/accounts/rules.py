"""Account rules as pure functions: credit codes, industry codes, tiers (DOMAIN.md section 2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from kamgraph.core.accounts.models import Tier

#: GB 32100-2015: the 31 characters a unified social credit code may use, and the check weights.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The 18th character: 31 - (sum of value x weight mod 31), where 31 maps to 0."""
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    check = 31 - total % 31
    return CREDIT_CODE_ALPHABET[0 if check == 31 else check]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return f"a unified social credit code has 18 characters, this one has {len(code)}"
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"a unified social credit code uses only {CREDIT_CODE_ALPHABET}; found {''.join(bad)}"
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]}, but the first 17 characters require {expected}"
    return None


@dataclass(frozen=True)
class IndustryDivision:
    code: str  # "39"
    name: str


@dataclass(frozen=True)
class IndustrySection:
    code: str  # "C"
    name: str
    name_en: str
    divisions: tuple[IndustryDivision, ...]


@cache
def industry_sections() -> dict[str, IndustrySection]:
    """GB/T 4754-2017 sections A-T with their divisions, shipped as data."""
    raw = json.loads(resources.files("kamgraph.core").joinpath("data/gbt4754.json").read_text("utf-8"))
    return {
        s["code"]: IndustrySection(
            s["code"], s["name"], s["nameEn"], tuple(IndustryDivision(d["code"], d["name"]) for d in s["divisions"])
        )
        for s in raw["sections"]
    }


def industry_problem(code: str) -> str | None:
    """Why ``code`` is not a GB/T 4754-2017 section letter plus division (e.g. ``C39``), or None."""
    sections = industry_sections()
    if len(code) != 3 or code[0] not in sections or not code[1:].isdigit():
        return (
            f"{code!r} is not a GB/T 4754-2017 industry code: expected a section letter A-T and its two-digit "
            f"division, e.g. C39 (computers and electronics) or J66 (monetary finance)"
        )
    section = sections[code[0]]
    if code[1:] not in {d.code for d in section.divisions}:
        first, last = section.divisions[0].code, section.divisions[-1].code
        return f"division {code[1:]} is not in section {code[0]} ({section.name_en}: divisions {first}-{last})"
    return None


def tier_for(trailing_value: Decimal, strategic_threshold: Decimal, core_threshold: Decimal) -> Tier:
    """STRATEGIC above the strategic threshold, CORE at or above the core threshold, else POTENTIAL."""
    if trailing_value > strategic_threshold:
        return Tier.STRATEGIC
    if trailing_value >= core_threshold:
        return Tier.CORE
    return Tier.POTENTIAL


def trailing_window_start(today: date) -> date:
    """The first day of the trailing 12 months that end today (inclusive)."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return date.fromordinal(start.toordinal() + 1)
