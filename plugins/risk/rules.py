"""The risk rules as pure functions over plain values: credit score, rating and limit, the signing rule,
receivables ageing and the dunning sequence (DOMAIN.md "risk", seed §1.2.4, §3.5). No database, no
GraphQL: the services feed them rows, and the tests call them at their boundaries."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from itertools import pairwise

# --- credit assessment (§3.1.5, §3.5.1) -------------------------------------------------------------


class Check(str, Enum):
    """The three checks of a credit assessment, each scored 0-100 with evidence notes."""

    CREDIT_REPORT = "CREDIT_REPORT"
    INDUSTRY_REPUTATION = "INDUSTRY_REPUTATION"
    FINANCIAL_CONDITION = "FINANCIAL_CONDITION"


class Rating(str, Enum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"  # high risk: prepayment only


@dataclass(frozen=True)
class RatingBand:
    """A score from ``min_score`` (inclusive) up to the next band earns this rating, limit and terms."""

    rating: Rating
    min_score: Decimal
    credit_limit: Decimal
    payment_terms_days: int
    prepayment: bool = False


DEFAULT_WEIGHTS: Mapping[Check, Decimal] = {
    Check.CREDIT_REPORT: Decimal("0.4"),
    Check.INDUSTRY_REPUTATION: Decimal("0.3"),
    Check.FINANCIAL_CONDITION: Decimal("0.3"),
}
DEFAULT_BANDS: tuple[RatingBand, ...] = (
    RatingBand(Rating.A, Decimal(85), Decimal("20000000"), 90),
    RatingBand(Rating.B, Decimal(70), Decimal("10000000"), 60),
    RatingBand(Rating.C, Decimal(55), Decimal("3000000"), 30),
    RatingBand(Rating.D, Decimal(0), Decimal(0), 0, prepayment=True),
)
SCORE_STEP = Decimal("0.1")


def score_problem(score: int) -> str | None:
    return None if 0 <= score <= 100 else f"a check is scored from 0 to 100, not {score}"


def combined_score(scores: Mapping[Check, int], weights: Mapping[Check, Decimal] = DEFAULT_WEIGHTS) -> Decimal:
    """The weighted score of the three checks, to one decimal (half up)."""
    total = sum(Decimal(scores[check]) * weight for check, weight in weights.items())
    return total.quantize(SCORE_STEP, rounding=ROUND_HALF_UP)


def band_for(score: Decimal, bands: Sequence[RatingBand] = DEFAULT_BANDS) -> RatingBand:
    """The band whose range holds ``score``: the highest ``min_score`` at or below it."""
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if score >= band.min_score:
            return band
    raise ValueError(f"no rating band starts at or below {score}")


def bands_problem(bands: Sequence[RatingBand]) -> str | None:
    """Why a configured set of bands cannot rate every score, or None."""
    if not bands or min(b.min_score for b in bands) != 0:
        return "rating bands must start at score 0"
    if len({b.min_score for b in bands}) != len(bands) or len({b.rating for b in bands}) != len(bands):
        return "each rating band needs its own rating and its own lowest score"
    if any(b.credit_limit < 0 or b.payment_terms_days < 0 for b in bands):
        return "credit limits and payment terms cannot be negative"
    return None


def granted_limit(band: RatingBand, requested: Decimal | None) -> Decimal:
    """The limit granted: the band's, or less when the assessor asks for less (never more)."""
    return band.credit_limit if requested is None else min(requested, band.credit_limit)


def periods_overlap(start: date, end: date, other_start: date, other_end: date) -> bool:
    """Do two inclusive date ranges share a day?"""
    return start <= other_end and other_start <= end


# --- exposure and the signing rule (§1.2.4.2, §3.5.1) ----------------------------------------------


@dataclass(frozen=True)
class CreditStanding:
    """What the signing rule needs of the customer's current assessment."""

    rating: Rating
    credit_limit: Decimal
    prepayment: bool


def is_prepaid(
    payment_terms_days: int, start_on: date, amount: Decimal, schedule: Sequence[tuple[date, Decimal]]
) -> bool:
    """A contract on prepayment terms: no payment term, and the schedule asks for the whole amount by the start."""
    due_by_start = sum(due for due_on, due in schedule if due_on <= start_on)
    return payment_terms_days == 0 and amount > 0 and due_by_start == amount


def signing_problem(standing: CreditStanding | None, exposure: Decimal, amount: Decimal, prepaid: bool) -> str | None:
    """Why the credit rule refuses to sign a contract of ``amount``, or None. ``exposure`` is the unpaid
    value of the customer's signed and active contracts before this one; exactly at the limit is allowed."""
    if standing is None:
        return "the customer has no valid credit assessment; assess it before signing"
    if standing.prepayment:
        if prepaid:
            return None
        return (
            f"the customer is rated {standing.rating.value} (high risk) and must pay in advance: set payment terms to 0 days "
            "and schedule the whole amount on or before the start date"
        )
    after = exposure + amount
    if after > standing.credit_limit:
        return (
            f"signing would take the customer's exposure to {after}, beyond its credit limit of {standing.credit_limit} "
            f"(rating {standing.rating.value}); a KA director can record an override"
        )
    return None


# --- receivables ageing and dunning (§3.5.2) -------------------------------------------------------


class AgeingBucket(str, Enum):
    CURRENT = "CURRENT"
    DAYS_1_30 = "DAYS_1_30"
    DAYS_31_60 = "DAYS_31_60"
    DAYS_61_90 = "DAYS_61_90"
    OVER_90 = "OVER_90"


#: each bucket's days overdue, inclusive (None: open-ended)
BUCKET_DAYS: Mapping[AgeingBucket, tuple[int | None, int | None]] = {
    AgeingBucket.CURRENT: (None, 0),
    AgeingBucket.DAYS_1_30: (1, 30),
    AgeingBucket.DAYS_31_60: (31, 60),
    AgeingBucket.DAYS_61_90: (61, 90),
    AgeingBucket.OVER_90: (91, None),
}


def ageing_bucket(days_overdue: int) -> AgeingBucket:
    return next(
        bucket
        for bucket, (low, high) in BUCKET_DAYS.items()
        if (low is None or days_overdue >= low) and (high is None or days_overdue <= high)
    )


def bucket_due_dates(bucket: AgeingBucket, today: date) -> tuple[date | None, date | None]:
    """The due dates (inclusive) whose instalments fall in ``bucket`` today: what the SQL compares with."""
    low, high = BUCKET_DAYS[bucket]
    return (None if high is None else today - timedelta(days=high)), (
        None if low is None else today - timedelta(days=low)
    )


class DunningStage(str, Enum):
    FIRST_NOTICE = "FIRST_NOTICE"
    SECOND_NOTICE = "SECOND_NOTICE"
    FINAL_NOTICE = "FINAL_NOTICE"
    LEGAL = "LEGAL"  # the case goes to legal


DEFAULT_DUNNING_DAYS: Mapping[DunningStage, int] = {
    DunningStage.FIRST_NOTICE: 30,
    DunningStage.SECOND_NOTICE: 60,
    DunningStage.FINAL_NOTICE: 90,
    DunningStage.LEGAL: 91,
}


def dunning_step(
    days_overdue: int, issued: set[DunningStage], days: Mapping[DunningStage, int] = DEFAULT_DUNNING_DAYS
) -> DunningStage | None:
    """The notice to issue today for an instalment ``days_overdue`` late, given the stages already issued,
    or None. Only the furthest stage reached is issued: a sequence that catches up after days without a
    run does not send three letters at once, and no stage is ever issued twice or after a later one."""
    reached = [stage for stage, threshold in days.items() if days_overdue >= threshold]
    if not reached:
        return None
    furthest = reached[-1]
    order = list(days)
    if any(order.index(stage) >= order.index(furthest) for stage in issued):
        return None
    return furthest


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def default_valid_until(valid_from: date, months: int) -> date:
    """An assessment valid for ``months`` from ``valid_from`` ends the day before the same date then."""
    return months_later(valid_from, months) - timedelta(days=1)


# --- early warnings (§1.2.4.1, §3.4.1, §6.2.1) -----------------------------------------------------


class WarningKind(str, Enum):
    OVERDUE_PAYMENT = "OVERDUE_PAYMENT"
    PURCHASES_FALLING = "PURCHASES_FALLING"
    KEY_CONTACT_LEFT = "KEY_CONTACT_LEFT"
    EXPOSURE_NEAR_LIMIT = "EXPOSURE_NEAR_LIMIT"


class WarningLevel(str, Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


LEVEL_RANK = {WarningLevel.LOW: 1, WarningLevel.MEDIUM: 2, WarningLevel.HIGH: 3}


def overdue_level(days_overdue: int) -> WarningLevel | None:
    """An unpaid instalment past its due day: low for the first month, medium to 90 days, then high."""
    if days_overdue <= 0:
        return None
    return WarningLevel.LOW if days_overdue <= 30 else WarningLevel.MEDIUM if days_overdue <= 90 else WarningLevel.HIGH


def exposure_level(exposure: Decimal, limit: Decimal, near: Decimal = Decimal("0.9")) -> WarningLevel | None:
    """Exposure beyond the limit is high; above ``near`` (90 %) of it, medium."""
    if exposure > limit:
        return WarningLevel.HIGH
    if exposure > limit * near:  # a limit of 0: any exposure is beyond it, above
        return WarningLevel.MEDIUM
    return None


def purchases_falling(monthly: Sequence[int], months: int = 3) -> bool:
    """Did purchases (contracts signed per month, oldest first) fall ``months`` months in a row up to the last?"""
    if len(monthly) < months + 1:
        return False
    recent = monthly[-(months + 1) :]
    return all(earlier > later for earlier, later in pairwise(recent))


def escalates(current: WarningLevel, proposed: WarningLevel) -> bool:
    return LEVEL_RANK[proposed] > LEVEL_RANK[current]


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` complete months and of the current one, oldest first."""
    first = today.replace(day=1)
    return [months_later(first, -back) for back in range(months, -1, -1)]


# --- health signals ---------------------------------------------------------------------------------

BUCKET_HEALTH: Mapping[AgeingBucket, int] = {
    AgeingBucket.CURRENT: 100,
    AgeingBucket.DAYS_1_30: 80,
    AgeingBucket.DAYS_31_60: 60,
    AgeingBucket.DAYS_61_90: 40,
    AgeingBucket.OVER_90: 20,
}
WARNING_WEIGHT: Mapping[WarningLevel, int] = {WarningLevel.LOW: 5, WarningLevel.MEDIUM: 15, WarningLevel.HIGH: 30}


def payment_behaviour_score(worst: AgeingBucket) -> int:
    """Payment health from the most overdue money the account owes (CURRENT: nothing overdue)."""
    return BUCKET_HEALTH[worst]


def warnings_score(open_by_level: Mapping[WarningLevel, int]) -> int:
    """100 less 30 per open high warning, 15 per medium, 5 per low; never below 0."""
    return max(0, 100 - sum(WARNING_WEIGHT[level] * count for level, count in open_by_level.items()))


@dataclass(frozen=True)
class Director:
    person_id: int
    role: str  # KA_DIRECTOR, INDUSTRY_DIRECTOR or REGIONAL_DIRECTOR
    industry_section: str | None
    region: str | None


def routed_to(
    owner_id: int | None, industry_section: str | None, region: str | None, directors: Sequence[Director]
) -> list[int]:
    """Who a warning on an account reaches: its owner, the KA directors, and the industry and regional
    directors whose line or region the account is in (DOMAIN.md section 1)."""
    people = [] if owner_id is None else [owner_id]
    for d in directors:
        if (
            d.role == "KA_DIRECTOR"
            or (d.role == "INDUSTRY_DIRECTOR" and d.industry_section == industry_section)
            or (d.role == "REGIONAL_DIRECTOR" and d.region == region)
        ) and d.person_id not in people:
            people.append(d.person_id)
    return people


# --- risk register, contingency plans, competitor watch (§5.2.2, §3.5.4, §3.5.3) -----------------------


class RiskKind(str, Enum):
    CREDIT = "CREDIT"
    COOPERATION = "COOPERATION"
    POLICY = "POLICY"


class RiskStatus(str, Enum):
    OPEN = "OPEN"
    MITIGATING = "MITIGATING"
    CLOSED = "CLOSED"


def risk_score(probability: int, impact: int) -> int:
    return probability * impact


def severity(score: int) -> WarningLevel:
    """A 5x5 matrix read as low (1-7), medium (8-14) and high (15-25)."""
    return WarningLevel.HIGH if score >= 15 else WarningLevel.MEDIUM if score >= 8 else WarningLevel.LOW


class PlanType(str, Enum):
    """The three contingency plans of §3.5.4."""

    KEY_PERSON_LEFT = "KEY_PERSON_LEFT"  # a key person at the customer leaves: the successor plan
    PRODUCT_DEFECT = "PRODUCT_DEFECT"  # a major defect: a fix team within 24 hours
    REGULATION_CHANGE = "REGULATION_CHANGE"  # a new regulation: a compliance assessment


class PlanStatus(str, Enum):
    READY = "READY"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


#: the first task each plan starts with when activated, and the hours it is due in
FIRST_TASKS: Mapping[PlanType, tuple[str, int]] = {
    PlanType.KEY_PERSON_LEFT: ("Name the successor contact and introduce them to the account team", 48),
    PlanType.PRODUCT_DEFECT: ("Fix team delivers the fix", 24),
    PlanType.REGULATION_CHANGE: ("Assess compliance with the new regulation", 120),
}
POST_MORTEM_HOURS = 48  # after a risk event (§5.2.2.3)
COMPARISON_HOURS = 48  # after a competitor's offer is seen (§3.5.3)


def hours_after(moment: datetime, hours: int) -> datetime:
    return moment + timedelta(hours=hours)


def is_overdue(due_at: datetime | None, done_at: datetime | None, now: datetime) -> bool:
    """Due and not done: a deadline passed with the work still open."""
    return due_at is not None and done_at is None and now > due_at
