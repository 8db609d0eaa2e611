"""Writes to accounts: create/update/archive, teams, and tier re-evaluation with director confirmation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from kamgraph.core.accounts import rules
from kamgraph.core.accounts.models import (
    Account,
    AccountTeamMember,
    TeamRole,
    Tier,
    TierReview,
    TierReviewStatus,
)
from kamgraph.core.contracts.models import Contract
from kamgraph.core.contracts.rules import SIGNED_STATUSES
from kamgraph.core.people.lookup import find_staff
from kamgraph.core.people.models import Person
from kamgraph.errors import Code, Problem, Refused, invalid, refuse_if
from kamgraph.events import UnitOfWork
from kamgraph.security.actors import SYSTEM_ACTOR, Actor
from kamgraph.security.scope import visible
from kamgraph.settings import Settings
from kamgraph.writes import (
    archive,
    changes_data,
    check_version,
    create,
    delete,
    find,
    find_external,
    find_or_problem,
    given,
    save,
    upsert_one,
)


async def validate(unit: UnitOfWork, values: dict[str, Any], current: Account | None = None) -> dict[str, Any]:
    """Check account fields (DOMAIN.md sections 2 and 4); refuse with every problem found at once."""
    problems: list[Problem] = []
    clean = dict(values)
    for required in ("name", "credit_code", "industry_code", "region", "size", "status"):
        if required in clean and clean[required] is None:
            problems.append(invalid((required,), f"{required} cannot be null"))
    if isinstance(clean.get("name"), str) and not clean["name"].strip():
        problems.append(invalid(("name",), "a name cannot be empty"))
    if clean.get("credit_code") is not None:  # an empty one is checked (and refused), not skipped
        clean["credit_code"] = clean["credit_code"].strip().upper()
        if problem := rules.credit_code_problem(clean["credit_code"]):
            problems.append(invalid(("credit_code",), problem))
        else:
            taken = (
                await Account.filter(credit_code=clean["credit_code"]).exclude(id=getattr(current, "id", None)).exists()
            )
            if taken:
                problems.append(invalid(("credit_code",), "another account already has this credit code"))
    if clean.get("industry_code") is not None:
        clean["industry_code"] = clean["industry_code"].strip().upper()
        if problem := rules.industry_problem(clean["industry_code"]):
            problems.append(invalid(("industry_code",), problem))
        else:
            clean["industry_section"] = clean["industry_code"][0]
    if clean.get("owner_id") is not None:
        owner = await find_staff(unit.actor, clean.pop("owner_id"), ("owner_id",), problems)
        if owner is not None:
            clean["owner_id"] = owner.id
            problems += _ownership_problems(unit.actor, current, owner.id)
    if clean.get("parent_id") is not None:
        parent = await find_or_problem(unit.actor, Account, clean.pop("parent_id"), ("parent_id",), live=True)
        if isinstance(parent, Problem):
            problems.append(parent)
        elif current is not None and await _is_descendant_or_self(parent, current):
            problems.append(invalid(("parent_id",), "an account cannot belong to itself or to one of its subsidiaries"))
        else:
            clean["parent_id"] = parent.id
    refuse_if(problems)
    return clean


def _assigns(actor: Actor) -> bool:
    """Who owns an account and who is on its team is a director's decision (DOMAIN.md section 2.3), or that
    of an integration key or the platform acting for one (bulk sync sets owners)."""
    return actor.is_director or actor.person_id is None


def _ownership_problems(actor: Actor, account: Account | None, owner_id: int | None) -> list[Problem]:
    """A manager may make an account their own when creating it; only a director gives it to someone else."""
    current = account.owner_id if account is not None else None
    if owner_id is None or owner_id == current or _assigns(actor):
        return []
    if account is None and owner_id == actor.person_id:
        return []
    return [Problem(("owner_id",), Code.FORBIDDEN, "assigning an account to its owner is a director's decision")]


def _team_problems(actor: Actor, account: Account) -> list[Problem]:
    """The account's owner manages its team; other members do not (nor take the account by it)."""
    if _assigns(actor) or actor.person_id == account.owner_id:
        return []
    return [Problem(("account_id",), Code.FORBIDDEN, "only the account's owner or a director changes its team")]


async def _is_descendant_or_self(candidate: Account, account: Account) -> bool:
    node: Account | None = candidate
    seen = set()
    while node is not None and node.id not in seen:
        if node.id == account.id:
            return True
        seen.add(node.id)
        node = await Account.get_or_none(id=node.parent_id) if node.parent_id else None
    return False


async def create_account(unit: UnitOfWork, values: dict[str, Any]) -> Account:
    clean = await validate(unit, values)
    account = await create(Account, **clean)
    if account.owner_id:
        await create(
            AccountTeamMember, account_id=account.id, person_id=account.owner_id, role=TeamRole.ACCOUNT_MANAGER
        )
    unit.emit("account.created", account.node_id, name=account.name, tier=account.tier.value)
    return account


async def update_account(
    unit: UnitOfWork, global_id: str, expected_version: int | None, values: dict[str, Any]
) -> Account:
    account = await find(unit.actor, Account, global_id, ("id",), live=True)
    check_version(account, expected_version)
    clean = await validate(unit, {k: v for k, v in values.items() if given(v)}, current=account)
    diff = await save(account, clean)
    if "owner_id" in diff and account.owner_id:
        await put_team_member(account, account.owner_id, TeamRole.ACCOUNT_MANAGER)
    if diff:
        unit.emit("account.updated", account.node_id, changes=changes_data(diff, Account))
    return account


async def archive_account(unit: UnitOfWork, global_id: str, expected_version: int | None) -> Account:
    return await archive(unit, Account, global_id, expected_version)


async def set_team_member(unit: UnitOfWork, account_gid: str, person_gid: str, role: TeamRole) -> Account:
    problems: list[Problem] = []
    account = await find_or_problem(unit.actor, Account, account_gid, ("account_id",), live=True)
    if isinstance(account, Problem):
        problems.append(account)
    person = await find_staff(
        unit.actor, person_gid, ("person_id",), problems
    )  # contacts belong to the account as contacts
    refuse_if(problems)
    refuse_if(_team_problems(unit.actor, account))
    created = await put_team_member(account, person.id, role)
    unit.emit("account.team_changed", account.node_id, personId=person.node_id, role=role.value, added=created)
    return account


async def put_team_member(account: Account, person_id: int, role: TeamRole) -> bool:
    """Add a member, or change their role; True when they were not on the team before."""
    member = await AccountTeamMember.get_or_none(account_id=account.id, person_id=person_id)
    if member is None:
        await create(AccountTeamMember, account_id=account.id, person_id=person_id, role=role)
        return True
    await save(member, {"role": role})
    return False


async def remove_team_member(unit: UnitOfWork, account_gid: str, person_gid: str) -> Account:
    account = await find(unit.actor, Account, account_gid, ("account_id",))
    person = await find(unit.actor, Person, person_gid, ("person_id",))
    refuse_if(_team_problems(unit.actor, account))
    if person.id == account.owner_id:
        raise Refused(
            [Problem(("person_id",), Code.RULE_VIOLATION, "the owner stays on the team; change the owner first")]
        )
    deleted = await delete(AccountTeamMember, account_id=account.id, person_id=person.id)
    if not deleted:
        raise Refused([Problem(("person_id",), Code.NOT_FOUND, "this person is not on the account's team")])
    unit.emit("account.team_changed", account.node_id, personId=person.node_id, role=None, added=False)
    return account


# --- tiers -------------------------------------------------------------------------------------------


async def trailing_values(unit: UnitOfWork, account_ids: list[int], today: date) -> dict[int, Decimal]:
    """Signed contract value of the trailing 12 months per account, summed in SQL. The tier rule needs the
    totals whoever runs it (an analyst may, without contracts.amounts.read): they are summed as the platform
    over the accounts the caller sees, and reach the caller only as TierReview.trailingValue, which is guarded."""
    rows = (
        visible(Contract, SYSTEM_ACTOR)
        .where("account", account_ids)
        .where("status", [s.value for s in SIGNED_STATUSES])
        .where("signed_on", rules.trailing_window_start(today), ">=")
        .where("signed_on", today, "<=")
    )
    groups = await rows.aggregate(["account"], {"amount": 't."amount"'})
    found = {g["keys"]["account"]: g["sums"]["amount"] for g in groups}
    return {aid: found.get(aid, Decimal("0.00")) for aid in account_ids}


async def evaluate_tiers(unit: UnitOfWork, settings: Settings, today: date) -> list[TierReview]:
    """Propose a tier change for every visible account whose trailing value says so; idempotent."""
    accounts = await visible(Account, unit.actor).live().all()
    values = await trailing_values(unit, [a.id for a in accounts], today)
    pending = {r.account_id: r for r in await TierReview.filter(status=TierReviewStatus.PENDING)}
    proposals = []
    for account in accounts:
        proposed = rules.tier_for(values[account.id], settings.strategic_threshold, settings.core_threshold)
        review = pending.get(account.id)
        if proposed == account.tier:
            if review:  # the data moved back: the proposal no longer holds
                await save(
                    review,
                    {
                        "status": TierReviewStatus.DISMISSED,
                        "decided_at": datetime.now(UTC),
                        "decided_by": "re-evaluation",
                        "reason": "the trailing value no longer supports it",
                    },
                )
            continue
        if review and review.proposed_tier == proposed:
            if review.trailing_value != values[account.id]:
                await save(review, {"trailing_value": values[account.id]})
            proposals.append(review)
            continue
        if review:
            await save(
                review,
                {
                    "status": TierReviewStatus.DISMISSED,
                    "decided_at": datetime.now(UTC),
                    "decided_by": "re-evaluation",
                    "reason": f"superseded by a proposal of {proposed.value}",
                },
            )
        review = await create(
            TierReview,
            account_id=account.id,
            current_tier=account.tier,
            proposed_tier=proposed,
            trailing_value=values[account.id],
        )
        unit.emit(
            "account.tier_change_proposed",
            account.node_id,
            current=account.tier.value,
            proposed=proposed.value,
            reviewId=review.node_id,
        )  # the trailing value is a sum of guarded amounts: read it on the review
        proposals.append(review)
    return proposals


async def decide_tier_review(unit: UnitOfWork, review_gid: str, reason: str, apply: bool) -> TierReview:
    review = await find(unit.actor, TierReview, review_gid, ("review_id",))
    if not (reason or "").strip():
        raise Refused([invalid(("reason",), "a tier decision needs a reason; it is kept with the tier history")])
    if review.status is not TierReviewStatus.PENDING:
        raise Refused([Problem(("review_id",), Code.RULE_VIOLATION, f"this review is already {review.status.value}")])
    account = await Account.get(id=review.account_id)
    if apply and account.tier != review.current_tier:
        raise Refused(
            [Problem(("review_id",), Code.CONFLICT, "the account's tier changed since this proposal; re-evaluate")]
        )
    await save(
        review,
        {
            "status": TierReviewStatus.APPLIED if apply else TierReviewStatus.DISMISSED,
            "decided_at": datetime.now(UTC),
            "decided_by": unit.actor.name,
            "reason": reason.strip(),
        },
    )
    if apply:
        before = account.tier
        await save(account, {"tier": review.proposed_tier})
        unit.emit(
            "account.tier_changed",
            account.node_id,
            before=before.value,
            after=account.tier.value,
            reason=review.reason,
            reviewId=review.node_id,
        )
    return review


def tier_of(value: Any) -> Tier:
    return value if isinstance(value, Tier) else Tier(value)


async def upsert_account(unit: UnitOfWork, source: str, values: dict[str, Any]) -> tuple[str, Account]:
    """Create the account with this (source, external id), or bring it up to date; returns the outcome."""
    fields = {k: v for k, v in values.items() if k != "external_id"}
    return await upsert_one(
        unit,
        Account,
        source,
        values["external_id"],
        create=lambda: create_account(unit, {**values, "source": source}),
        update=lambda account: update_account(unit, account.node_id, None, fields),
    )


async def account_reference(
    unit: UnitOfWork, source: str, account_id: str | None, account_external_id: str | None
) -> str | None:
    """The global id of the account a synced record names: by ``account_id``, or by its external id in ``source``."""
    if not account_external_id:
        return account_id
    account = await find_external(unit.actor, Account, source, account_external_id)
    if account is None:
        raise Refused(
            [
                Problem(
                    ("account_external_id",),
                    Code.NOT_FOUND,
                    f"no account {account_external_id!r} from {source} (sync accounts first)",
                )
            ]
        )
    return account.node_id
