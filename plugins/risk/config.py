"""The risk plugin's settings: every number of the risk rules, with DOMAIN.md's defaults.

A deployment changes them through the ``KAMGRAPH_RISK_*`` environment variables of ``SETTINGS`` (kept by
the core in ``Settings.extra``); ``riskRules`` shows the values in force.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache

from kamgraph.plugin import Settings, extra_int, extra_ints
from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.rules import Check, DunningStage, Rating, RatingBand

SETTINGS = {
    "KAMGRAPH_RISK_RATING_BANDS": "rating:min score:credit limit:payment terms days[:prepayment], comma-separated; "
    "default A:85:20000000:90,B:70:10000000:60,C:55:3000000:30,D:0:0:0:prepayment",
    "KAMGRAPH_RISK_CHECK_WEIGHTS": "weights of the credit report, industry reputation and financial condition, "
    "in percent; default 40,30,30",
    "KAMGRAPH_RISK_ASSESSMENT_MONTHS": "how long an assessment is valid when no end is given; default 12",
    "KAMGRAPH_RISK_DUNNING_DAYS": "days overdue of the first, second and final notice (the case goes to legal "
    "the day after the final notice's); default 30,60,90",
    "KAMGRAPH_RISK_EXPOSURE_WARNING_PERCENT": "exposure above this share of the limit raises a warning; default 90",
    "KAMGRAPH_RISK_FALLING_MONTHS": "months in a row of falling purchases that raise a warning; default 3",
}


class RiskSettingError(ValueError):
    """A ``KAMGRAPH_RISK_*`` value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class RiskConfig:
    bands: tuple[RatingBand, ...] = rules.DEFAULT_BANDS
    weights: tuple[tuple[Check, Decimal], ...] = tuple(rules.DEFAULT_WEIGHTS.items())
    assessment_months: int = 12
    dunning_days: tuple[tuple[DunningStage, int], ...] = tuple(rules.DEFAULT_DUNNING_DAYS.items())
    exposure_warning_percent: int = 90
    falling_months: int = 3

    @property
    def weight_of(self) -> dict[Check, Decimal]:
        return dict(self.weights)

    @property
    def dunning(self) -> dict[DunningStage, int]:
        return dict(self.dunning_days)


def risk_config(settings: Settings) -> RiskConfig:
    return _parse(tuple(sorted((k, v) for k, v in settings.extra.items() if k.startswith("risk_"))))


@cache
def _parse(extra: tuple[tuple[str, str], ...]) -> RiskConfig:
    values = dict(extra)
    changes: dict[str, object] = {}
    if raw := values.get("risk_rating_bands"):
        changes["bands"] = _bands(raw)
    if raw := values.get("risk_check_weights"):
        changes["weights"] = _weights(values, raw)
    changes["assessment_months"] = extra_int(values, "risk_assessment_months", 12, 1, 60, RiskSettingError)
    if values.get("risk_dunning_days"):
        changes["dunning_days"] = _dunning(values)
    changes["exposure_warning_percent"] = extra_int(
        values, "risk_exposure_warning_percent", 90, 1, 100, RiskSettingError
    )
    changes["falling_months"] = extra_int(values, "risk_falling_months", 3, 2, 12, RiskSettingError)
    return replace(RiskConfig(), **changes)


def _bands(raw: str) -> tuple[RatingBand, ...]:
    bands = []
    for item in raw.split(","):
        parts = [p.strip() for p in item.split(":")]
        try:
            rating, low, limit, terms = Rating(parts[0].upper()), Decimal(parts[1]), Decimal(parts[2]), int(parts[3])
        except (IndexError, ValueError, InvalidOperation):
            raise RiskSettingError(
                f"KAMGRAPH_RISK_RATING_BANDS: {item!r} is not rating:min score:limit:terms days[:prepayment]"
            ) from None
        bands.append(RatingBand(rating, low, limit, terms, prepayment=parts[4:5] == ["prepayment"]))
    if problem := rules.bands_problem(bands):
        raise RiskSettingError(f"KAMGRAPH_RISK_RATING_BANDS: {problem}")
    return tuple(sorted(bands, key=lambda b: b.min_score, reverse=True))


def _weights(values: dict[str, str], raw: str) -> tuple[tuple[Check, Decimal], ...]:
    parts = extra_ints(values, "risk_check_weights", RiskSettingError) or []
    if len(parts) != 3 or sum(parts) != 100 or min(parts) < 0:
        raise RiskSettingError(f"KAMGRAPH_RISK_CHECK_WEIGHTS: three percentages adding up to 100, not {raw!r}")
    return tuple((check, Decimal(p) / 100) for check, p in zip(Check, parts, strict=True))


def _dunning(values: dict[str, str]) -> tuple[tuple[DunningStage, int], ...]:
    days = extra_ints(values, "risk_dunning_days", RiskSettingError) or []
    if len(days) != 3 or not 0 < days[0] < days[1] < days[2]:
        raise RiskSettingError(
            f"KAMGRAPH_RISK_DUNNING_DAYS: three rising day counts, not {values['risk_dunning_days']!r}"
        )
    stages = (DunningStage.FIRST_NOTICE, DunningStage.SECOND_NOTICE, DunningStage.FINAL_NOTICE)
    return (*zip(stages, days, strict=True), (DunningStage.LEGAL, days[2] + 1))
