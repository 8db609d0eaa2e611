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


# --- staffing model (DOMAIN.md section 1, §2.3.1-2.3.3): reported as warnings, never enforced ---------


@dataclass(frozen=True)
class StaffingWarning:
    code: str
    message: str


IRON_TRIANGLE = ("ACCOUNT_MANAGER", "SOLUTION_EXPERT", "CUSTOMER_SUCCESS_MANAGER")


def account_staffing_warnings(tier: Tier, team_roles: set[str]) -> list[StaffingWarning]:
    """A strategic account has a dedicated iron triangle; a core account at least an account manager."""
    if tier is Tier.STRATEGIC:
        missing = [role for role in IRON_TRIANGLE if role not in team_roles]
        if missing:
            names = ", ".join(m.replace("_", " ").lower() for m in missing)
            return [
                StaffingWarning(
                    "IRON_TRIANGLE_INCOMPLETE", f"a strategic account needs an iron triangle; missing: {names}"
                )
            ]
    elif tier is Tier.CORE and "ACCOUNT_MANAGER" not in team_roles:
        return [StaffingWarning("NO_ACCOUNT_MANAGER", "a core account needs an account manager on its team")]
    return []


@dataclass(frozen=True)
class StaffingRatios:
    """Department ratios; every number is a default a deployment can change."""

    max_core_accounts_per_manager: int = 5
    managers_per_data_analyst: int = 10
    managers_per_contract_specialist: int = 10
    managers_per_solution_expert: int = 5


def department_staffing_warnings(
    role_counts: dict[str, int], core_accounts_by_manager: dict[str, int], ratios: StaffingRatios
) -> list[StaffingWarning]:
    """Ratios of §2.3.3 and the core-account load of §2.3.2, as warnings."""
    warnings = []
    managers = role_counts.get("ACCOUNT_MANAGER", 0)
    for role, per in (
        ("DATA_ANALYST", ratios.managers_per_data_analyst),
        ("CONTRACT_SPECIALIST", ratios.managers_per_contract_specialist),
        ("SOLUTION_EXPERT", ratios.managers_per_solution_expert),
    ):
        needed = -(-managers // per)  # one per started group of `per` account managers
        if role_counts.get(role, 0) < needed:
            warnings.append(
                StaffingWarning(
                    f"TOO_FEW_{role}S",
                    f"{managers} account managers call for {needed} {role.replace('_', ' ').lower()}(s) (1 per {per}); "
                    f"there are {role_counts.get(role, 0)}",
                )
            )
    for manager, load in sorted(core_accounts_by_manager.items()):
        if load > ratios.max_core_accounts_per_manager:
            warnings.append(
                StaffingWarning(
                    "MANAGER_OVERLOADED",
                    f"{manager} carries {load} core accounts; the model is at most {ratios.max_core_accounts_per_manager}",
                )
            )
    return warnings
