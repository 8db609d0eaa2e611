"""The sales pipeline's rules as pure functions (DOMAIN.md "sales pipeline", seed §3.1, §3.6.2): stages and
their win probabilities, which moves between them are allowed, the timers, the forecast windows and the
funnel's arithmetic. No database, no GraphQL."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum


class Outcome(str, Enum):
    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


@dataclass(frozen=True)
class Stage:
    code: str
    probability: Decimal  # 0 to 1
    outcome: Outcome = Outcome.OPEN


DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("FIRST_CONTACT", Decimal("0.30")),
    Stage("PROPOSAL_SUBMITTED", Decimal("0.50")),
    Stage("NEGOTIATION", Decimal("0.70")),
    Stage("WON", Decimal("1.00"), Outcome.WON),
    Stage("LOST", Decimal("0.00"), Outcome.LOST),
)
STAGE_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,29}")


@dataclass(frozen=True)
class StageRules:
    """The stages in funnel order (open ones first, then WON and LOST), and which moves are allowed:
    forward one stage, back one stage when ``allow_back``, further when ``allow_skip``; to LOST from any open
    stage, with a reason; nothing out of WON or LOST."""

    stages: tuple[Stage, ...] = DEFAULT_STAGES
    allow_skip: bool = False
    allow_back: bool = True

    @property
    def open(self) -> list[Stage]:
        return [s for s in self.stages if s.outcome is Outcome.OPEN]

    @property
    def won(self) -> Stage:
        return next(s for s in self.stages if s.outcome is Outcome.WON)

    @property
    def lost(self) -> Stage:
        return next(s for s in self.stages if s.outcome is Outcome.LOST)

    @property
    def first(self) -> Stage:
        return self.open[0]

    @property
    def funnel(self) -> list[Stage]:
        """The stages an opportunity passes on its way to a win, in order."""
        return [*self.open, self.won]

    def get(self, code: str) -> Stage | None:
        return next((s for s in self.stages if s.code == code), None)


def stages_problem(stages: Sequence[Stage]) -> str | None:
    """Why a configured list of stages cannot run a funnel, or None."""
    if len({s.code for s in stages}) != len(stages):
        return "each stage needs its own code"
    if bad := [s.code for s in stages if not STAGE_CODE.fullmatch(s.code)]:
        return f"stage codes are A-Z, digits and underscores, up to 30: {', '.join(bad)}"
    outcomes = [s.outcome for s in stages]
    if outcomes.count(Outcome.WON) != 1 or outcomes.count(Outcome.LOST) != 1 or Outcome.OPEN not in outcomes:
        return "a funnel needs open stages, one WON stage and one LOST stage"
    if any(not 0 <= s.probability <= 1 for s in stages):
        return "win probabilities go from 0 to 100 %"
    open_probabilities = [s.probability for s in stages if s.outcome is Outcome.OPEN]
    if open_probabilities != sorted(open_probabilities):
        return "open stages are listed in funnel order, their probabilities rising"
    return None


def move_problem(rules: StageRules, current: str, target: str, reason: str | None) -> str | None:
    """Why an opportunity in ``current`` may not move to ``target``, or None."""
    to, at = rules.get(target), rules.get(current)
    if to is None:
        return f"there is no stage {target}; the stages are {', '.join(s.code for s in rules.stages)}"
    if at is None or at.outcome is not Outcome.OPEN:
        return f"the opportunity is {current} and closed; open a new one"
    if to.code == at.code:
        return f"the opportunity is already {current}"
    if to.outcome is Outcome.LOST:
        return None if (reason or "").strip() else "say why the opportunity was lost"
    order = [s.code for s in rules.funnel]
    step = order.index(to.code) - order.index(at.code)
    if step == 1 or (step > 1 and rules.allow_skip) or (step == -1 and rules.allow_back):
        return None
    if step > 1:
        return f"from {current} the next stage is {order[order.index(at.code) + 1]}; stages are not skipped"
    return f"an opportunity does not go back from {current} to {target}" + (
        "" if rules.allow_back else "; moves back are off"
    )


# --- timers (§3.1.2, §3.1.4) ---------------------------------------------------------------------------

FOLLOW_UP_HOURS = 48  # a follow-up after the first contact
SOLUTION_WORKING_DAYS = 5  # a solution after the needs report


def follow_up_due(first_contact_at: datetime, hours: int = FOLLOW_UP_HOURS) -> datetime:
    return first_contact_at + timedelta(hours=hours)


def is_overdue(due: datetime | date | None, done: object, now: datetime | date) -> bool:
    return due is not None and done is None and now > due


# --- forecast and funnel -------------------------------------------------------------------------------


def month_windows(start: date, months: int) -> list[tuple[date, date]]:
    """``months`` calendar months from the one holding ``start``: (first day, first day of the next)."""
    first = start.replace(day=1)
    windows = []
    for _ in range(months):
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        windows.append((first, following))
        first = following
    return windows


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def stored(probability: Decimal) -> Decimal:
    """A probability as the database keeps it: three decimals."""
    return probability.quantize(Decimal("0.001"))


def weighted(amount: Decimal, probability: Decimal) -> Decimal:
    return (amount * probability).quantize(Decimal("0.01"))


def conversion(reached_this: int, reached_next: int) -> float | None:
    """The share of those who reached a stage that reached the next; None when none reached it."""
    return None if reached_this == 0 else reached_next / reached_this


SNAPSHOT_WEEKS = 13  # the cohort a weekly snapshot looks at: a quarter of first contacts


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


# --- targets (§1.2.2.1) ----------------------------------------------------------------------------------


class Metric(str, Enum):
    REVENUE = "REVENUE"  # value of contracts signed in the period
    COLLECTIONS = "COLLECTIONS"  # payments received in the period
    NEW_ACCOUNTS = "NEW_ACCOUNTS"  # accounts whose first contract was signed in the period


class Axis(str, Enum):
    """How a target is split into its children: into quarters, or across regions, industries or people."""

    QUARTERS = "QUARTERS"
    REGIONS = "REGIONS"
    INDUSTRIES = "INDUSTRIES"
    PEOPLE = "PEOPLE"


@dataclass(frozen=True)
class TargetKey:
    """What a target is about: a metric, a year or one quarter of it, and the department or one region,
    industry or person of it."""

    metric: Metric
    year: int
    quarter: int | None = None
    region: str | None = None
    industry: str | None = None
    person: int | None = None

    @property
    def dimension(self) -> str:
        return "region" if self.region else "industry" if self.industry else "person" if self.person else "department"


def period_of(year: int, quarter: int | None) -> tuple[date, date]:
    """The first day of the period and the first day after it."""
    if quarter is None:
        return date(year, 1, 1), date(year + 1, 1, 1)
    start = date(year, 3 * quarter - 2, 1)
    return start, (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1))


def split_axis(parent: TargetKey, child: TargetKey) -> Axis | None:
    """How ``child`` divides ``parent`` (same metric and year): its quarter of the same dimension, or the same
    period for a narrower one (department into regions, industries or people; a region or industry into
    people). None when it does not divide it."""
    if (parent.metric, parent.year) != (child.metric, child.year):
        return None
    same_dimension = (parent.region, parent.industry, parent.person) == (child.region, child.industry, child.person)
    if parent.quarter is None and child.quarter is not None and same_dimension:
        return Axis.QUARTERS
    if parent.quarter != child.quarter or same_dimension:
        return None
    if parent.dimension == "department":
        return {"region": Axis.REGIONS, "industry": Axis.INDUSTRIES, "person": Axis.PEOPLE}[child.dimension]
    if parent.dimension in ("region", "industry") and child.dimension == "person":
        return Axis.PEOPLE
    return None


def deviation(target: Decimal, actual: Decimal) -> Decimal:
    """Actual less target: negative behind, positive ahead."""
    return actual - target


def attainment(target: Decimal, actual: Decimal) -> float | None:
    return None if target == 0 else float(actual / target)


# --- the target-account list (§3.1.1) -------------------------------------------------------------------

SIZE_POINTS = {"SMALL": 25, "MEDIUM": 50, "LARGE": 75, "ENTERPRISE": 100}
PRIORITY_POTENTIAL = Decimal("1000000")  # annual purchase potential above which a candidate comes first


@dataclass(frozen=True)
class Candidate:
    account_id: int
    size: str | None
    industry_position: int  # 1 (marginal) to 5 (leader)
    purchase_potential: Decimal  # annual, CNY
    strategic_fit: int  # 1 to 5


DEFAULT_TARGET_WEIGHTS = (
    Decimal("0.25"),
    Decimal("0.25"),
    Decimal("0.25"),
    Decimal("0.25"),
)  # size, position, purchasing, fit


def purchasing_points(potential: Decimal) -> int:
    """Purchasing ability from the annual potential: 100 from 10,000,000 (a strategic account), 70 from
    1,000,000 (core), less below in proportion."""
    if potential >= PRIORITY_POTENTIAL:
        return min(100, 70 + int(30 * (potential - PRIORITY_POTENTIAL) / Decimal("9000000")))
    return int(70 * potential / PRIORITY_POTENTIAL)


def candidate_score(candidate: Candidate, weights: Sequence[Decimal] = DEFAULT_TARGET_WEIGHTS) -> Decimal:
    """Size, industry position, purchasing ability and strategic fit, each 0-100, weighted; one decimal."""
    points = (
        SIZE_POINTS.get(candidate.size, 0),  # no size known: no points
        candidate.industry_position * 20,
        purchasing_points(candidate.purchase_potential),
        candidate.strategic_fit * 20,
    )
    return sum(Decimal(p) * w for p, w in zip(points, weights, strict=True)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def rank_candidates(
    candidates: Sequence[Candidate], weights: Sequence[Decimal] = DEFAULT_TARGET_WEIGHTS
) -> list[tuple[Candidate, Decimal]]:
    """Potential above 1,000,000 CNY first, then by score, then by potential: the quarter's list in order."""
    scored = [(c, candidate_score(c, weights)) for c in candidates]
    return sorted(
        scored,
        key=lambda item: (
            item[0].purchase_potential <= PRIORITY_POTENTIAL,
            -item[1],
            -item[0].purchase_potential,
            item[0].account_id,
        ),
    )
