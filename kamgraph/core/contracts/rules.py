"""Contract rules as pure functions: the status flow, money, schedules and payment allocation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kamgraph.core.contracts.models import ContractStatus as S
from kamgraph.errors import Code, Problem, invalid
from kamgraph.values import money_problem


@dataclass(frozen=True)
class Transition:
    """One explicit step of the contract flow; the mutation is named after ``verb``."""

    verb: str
    sources: frozenset[S]
    target: S
    event: str
    summary: str
    permission: str
    needs_reason: bool = False


#: DOMAIN.md section 2: DRAFT -> IN_REVIEW -> APPROVED -> SIGNED -> ACTIVE -> COMPLETED | TERMINATED | EXPIRED.
TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in (
        Transition(
            "submit",
            frozenset({S.DRAFT}),
            S.IN_REVIEW,
            "contract.submitted",
            "send a draft to contract review",
            "contracts.draft",
        ),
        Transition(
            "return",
            frozenset({S.IN_REVIEW}),
            S.DRAFT,
            "contract.returned",
            "send it back to its author, with the reason",
            "contracts.review",
            True,
        ),
        Transition(
            "approve",
            frozenset({S.IN_REVIEW}),
            S.APPROVED,
            "contract.approved",
            "the review passed",
            "contracts.approve",
        ),
        Transition(
            "sign", frozenset({S.APPROVED}), S.SIGNED, "contract.signed", "the customer signed", "contracts.execute"
        ),
        Transition(
            "activate", frozenset({S.SIGNED}), S.ACTIVE, "contract.activated", "delivery started", "contracts.execute"
        ),
        Transition(
            "complete", frozenset({S.ACTIVE}), S.COMPLETED, "contract.completed", "fulfilled", "contracts.execute"
        ),
        Transition(
            "terminate",
            frozenset({S.SIGNED, S.ACTIVE}),
            S.TERMINATED,
            "contract.terminated",
            "ended early, with the reason",
            "contracts.execute",
            True,
        ),
        Transition(
            "expire",
            frozenset({S.ACTIVE}),
            S.EXPIRED,
            "contract.expired",
            "ran out without renewal",
            "contracts.execute",
        ),
    )
}

#: Statuses whose value counts as signed business (tiers, receivables).
SIGNED_STATUSES = frozenset({S.SIGNED, S.ACTIVE, S.COMPLETED, S.EXPIRED, S.TERMINATED})
#: Only drafts may have their terms and schedule edited.
EDITABLE_STATUSES = frozenset({S.DRAFT})


def transition_problem(verb: str, current: S) -> Problem | None:
    transition = TRANSITIONS[verb]
    if current in transition.sources:
        return None
    allowed = ", ".join(sorted(s.value for s in transition.sources))
    return Problem(
        ("id",),
        Code.RULE_VIOLATION,
        f"cannot {verb} a contract that is {current.value}; only a contract that is {allowed} can be {transition.target.value.lower().replace('_', ' ')}",
    )


@dataclass(frozen=True)
class PlannedInstalment:
    due_on: date
    amount: Decimal


def schedule_problems(
    amount: Decimal, start_on: date, end_on: date, schedule: Sequence[PlannedInstalment], path: str = "schedule"
) -> list[Problem]:
    """Dates in order, due dates inside the contract, instalments adding up to the contract amount."""
    problems: list[Problem] = []
    if start_on >= end_on:
        problems.append(invalid(("end_on",), f"the end date {end_on} must be after the start date {start_on}"))
    for i, item in enumerate(schedule):
        problem = money_problem(item.amount, (path, i, "amount"), positive=True)
        if problem:
            problems.append(problem)
        if not start_on <= item.due_on <= end_on:
            problems.append(
                invalid((path, i, "due_on"), f"due date {item.due_on} is outside the contract ({start_on} to {end_on})")
            )
    dues = [item.due_on for item in schedule]
    if dues != sorted(dues):
        problems.append(invalid((path,), "instalments must be listed in due-date order"))
    if schedule and not problems:
        total = sum(Decimal(item.amount) for item in schedule)
        if total != amount:
            problems.append(invalid((path,), f"the instalments add up to {total}, but the contract amount is {amount}"))
    return problems


@dataclass(frozen=True)
class OpenInstalment:
    id: int
    due_on: date
    outstanding: Decimal


def allocate_payment(
    amount: Decimal, instalments: Sequence[OpenInstalment], first_id: int | None = None
) -> list[tuple[int, Decimal]]:
    """Settle instalments with a payment: the named one first, then the oldest due; returns (id, amount).

    The caller checks that ``amount`` does not exceed the total outstanding.
    """
    ordered = sorted(instalments, key=lambda i: (i.id != first_id, i.due_on, i.id))
    remaining = amount
    allocations = []
    for item in ordered:
        share = min(item.outstanding, remaining)
        if share > 0:
            allocations.append((item.id, share))
            remaining -= share
    return allocations
