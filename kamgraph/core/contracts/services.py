"""Writes to contracts: drafts and their schedules, the status flow, and payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from kamgraph.core.accounts.models import Account
from kamgraph.core.accounts.services import account_reference
from kamgraph.core.contracts import rules
from kamgraph.core.contracts.models import (
    Contract,
    ContractStatus,
    Instalment,
    Payment,
    PaymentAllocation,
)
from kamgraph.errors import Code, Problem, Refused, invalid, refuse_if
from kamgraph.events import UnitOfWork
from kamgraph.plugin_manager import await_me_maybe
from kamgraph.values import money_problem
from kamgraph.writes import (
    archive,
    changes_data,
    check_version,
    create,
    create_many,
    delete,
    find,
    find_or_problem,
    given,
    not_archived,
    save,
    upsert_one,
)


async def validate(
    unit: UnitOfWork,
    values: dict[str, Any],
    schedule: list[rules.PlannedInstalment] | None,
    current: Contract | None = None,
) -> dict[str, Any]:
    problems: list[Problem] = []
    clean = dict(values)
    for required in ("title", "amount", "start_on", "end_on", "edition", "currency", "payment_terms_days"):
        if required in clean and clean[required] is None:
            problems.append(invalid((required,), f"{required} cannot be null"))
    if isinstance(clean.get("title"), str) and not clean["title"].strip():
        problems.append(invalid(("title",), "a title cannot be empty"))
    if clean.get("number") is not None:
        clean["number"] = clean["number"].strip()
        if not clean["number"]:
            problems.append(invalid(("number",), "a contract number cannot be empty"))
        elif await Contract.filter(number=clean["number"]).exclude(id=getattr(current, "id", None)).exists():
            problems.append(invalid(("number",), f"contract number {clean['number']} is already in use"))
    if clean.get("amount") is not None and (problem := money_problem(clean["amount"], ("amount",))):
        problems.append(problem)
    if clean.get("currency") is not None:
        clean["currency"] = clean["currency"].strip().upper()
        if len(clean["currency"]) != 3 or not clean["currency"].isalpha():
            problems.append(invalid(("currency",), "a currency is a three-letter ISO 4217 code, e.g. CNY"))
    if clean.get("payment_terms_days") is not None and not 0 <= clean["payment_terms_days"] <= 365:
        problems.append(invalid(("payment_terms_days",), "payment terms are between 0 and 365 days"))
    if clean.get("account_id") is not None:  # an empty id is NOT_FOUND, not skipped
        account = await find_or_problem(unit.actor, Account, clean.pop("account_id"), ("account_id",), live=True)
        if isinstance(account, Problem):
            problems.append(account)
        else:
            clean["account_id"] = account.id
    if clean.get("renews_id") is not None:
        renewed = await find_or_problem(unit.actor, Contract, clean.pop("renews_id"), ("renews_id",))
        if isinstance(renewed, Problem):
            problems.append(renewed)
        elif current is not None and renewed.id == current.id:
            problems.append(invalid(("renews_id",), "a contract cannot renew itself"))
        elif (
            customer := clean.get("account_id", getattr(current, "account_id", None))
        ) and renewed.account_id != customer:
            problems.append(invalid(("renews_id",), "a renewal is with the same customer as the contract it renews"))
        else:
            clean["renews_id"] = renewed.id
    refuse_if(problems)
    amount = clean.get("amount", getattr(current, "amount", None))
    start_on = clean.get("start_on", getattr(current, "start_on", None))
    end_on = clean.get("end_on", getattr(current, "end_on", None))
    if schedule is None and current is not None:  # an amount or date change must still fit the existing schedule
        schedule = [
            rules.PlannedInstalment(i.due_on, i.amount)
            for i in await Instalment.filter(contract_id=current.id).order_by("due_on")
        ]
    refuse_if(rules.schedule_problems(Decimal(amount), start_on, end_on, schedule or []))
    return clean


async def _replace_schedule(contract: Contract, schedule: list[rules.PlannedInstalment]) -> None:
    await delete(Instalment, audit_account=contract.account_id, contract_id=contract.id)
    await create_many(
        Instalment,
        [
            Instalment(contract_id=contract.id, sequence=n, due_on=i.due_on, amount=i.amount)
            for n, i in enumerate(schedule, 1)
        ],
        audit_account=contract.account_id,
    )


async def create_contract(
    unit: UnitOfWork, values: dict[str, Any], schedule: list[rules.PlannedInstalment]
) -> Contract:
    clean = await validate(unit, values, schedule)
    contract = await create(Contract, **clean, status=ContractStatus.DRAFT)
    await _replace_schedule(contract, schedule)
    unit.emit("contract.created", contract.node_id, number=contract.number, accountId=_account_gid(contract))
    return contract


async def update_contract(
    unit: UnitOfWork,
    global_id: str,
    expected_version: int | None,
    values: dict[str, Any],
    schedule: list[rules.PlannedInstalment] | None,
) -> Contract:
    contract = await find(unit.actor, Contract, global_id, ("id",))
    check_version(contract, expected_version)
    not_archived(contract)
    values = {k: v for k, v in values.items() if given(v)}
    if contract.status not in rules.EDITABLE_STATUSES and (values or schedule is not None):
        raise Refused(
            [
                Problem(
                    ("id",),
                    Code.RULE_VIOLATION,
                    f"a {contract.status.value} contract cannot be edited; only drafts can",
                )
            ]
        )
    clean = await validate(unit, values, schedule, current=contract)
    diff = await save(contract, clean, bump=schedule is not None)
    if schedule is not None:
        await _replace_schedule(contract, schedule)
        diff["schedule"] = (None, len(schedule))
    if diff:
        unit.emit("contract.updated", contract.node_id, changes=changes_data(diff, Contract))
    return contract


async def upsert_contract(
    unit: UnitOfWork, source: str, values: dict[str, Any], schedule: list[rules.PlannedInstalment] | None
) -> tuple[str, Contract]:
    """Create the draft with this (source, external id), or bring it up to date. Only what differs is written,
    so re-sending a signed contract as it is leaves it UNCHANGED, and changing one is refused like any edit."""
    values = dict(values)
    account_gid = await account_reference(
        unit, source, values.pop("account_id", None), values.pop("account_external_id", None)
    )

    async def update(contract: Contract) -> Contract:
        if account_gid and account_gid != _account_gid(contract):
            raise Refused(
                [Problem(("account_id",), Code.RULE_VIOLATION, "a contract does not move to another account")]
            )
        changed = {k: v for k, v in values.items() if k != "external_id" and _stored_form(k, v) != getattr(contract, k)}
        current = [
            rules.PlannedInstalment(i.due_on, i.amount)
            for i in await Instalment.filter(contract_id=contract.id).order_by("sequence")
        ]
        return await update_contract(
            unit, contract.node_id, None, changed, None if schedule in (None, current) else schedule
        )

    return await upsert_one(
        unit,
        Contract,
        source,
        values["external_id"],
        create=lambda: create_contract(unit, {**values, "account_id": account_gid, "source": source}, schedule or []),
        update=update,
    )


def _stored_form(name: str, value: Any) -> Any:
    """A record's value as the contract stores it, so that an unchanged record compares equal."""
    if isinstance(value, str) and name in ("number", "currency"):
        return value.strip().upper() if name == "currency" else value.strip()
    return value


def _archivable(contract: Contract) -> Problem | None:
    if contract.status in (ContractStatus.SIGNED, ContractStatus.ACTIVE):
        return Problem(
            ("id",),
            Code.RULE_VIOLATION,
            "a signed or active contract cannot be archived; complete or terminate it first",
        )
    return None


async def archive_contract(unit: UnitOfWork, global_id: str, expected_version: int | None) -> Contract:
    return await archive(unit, Contract, global_id, expected_version, guard=_archivable)


async def transition(
    unit: UnitOfWork,
    verb: str,
    global_id: str,
    expected_version: int | None,
    reason: str | None,
    signed_on: date | None,
) -> Contract:
    """One step of the contract flow; an illegal step is a RULE_VIOLATION and changes nothing."""
    step = rules.TRANSITIONS[verb]
    contract = await find(unit.actor, Contract, global_id, ("id",))
    check_version(contract, expected_version)
    not_archived(contract)
    if problem := rules.transition_problem(verb, contract.status):
        raise Refused([problem])
    if step.needs_reason and not (reason or "").strip():
        raise Refused([invalid(("reason",), f"to {verb} a contract, say why")])
    changes: dict[str, Any] = {"status": step.target}
    if step.needs_reason:
        changes["status_reason"] = reason.strip()
    if verb == "sign":
        changes["signed_on"] = signed_on or unit.settings.today()
        if changes["signed_on"] > contract.end_on:
            raise Refused([invalid(("signed_on",), "a contract cannot be signed after it ends")])
    await _other_rules(unit, contract, verb, changes)
    before = contract.status
    await save(contract, changes)
    unit.emit(
        step.event,
        contract.node_id,
        before=before.value,
        after=step.target.value,
        reason=changes.get("status_reason"),
        accountId=_account_gid(contract),
    )
    return contract


async def _other_rules(unit: UnitOfWork, contract: Contract, verb: str, changes: dict[str, Any]) -> None:
    """The plugins' rules on this step (``contract_transition_problems``); any problem refuses it."""
    if unit.pm is None:
        return
    problems: list[Problem] = []
    for answer in unit.pm.hook.contract_transition_problems(unit=unit, contract=contract, verb=verb, changes=changes):
        problems += await await_me_maybe(answer) or []
    refuse_if(problems)


async def record_payment(
    unit: UnitOfWork,
    contract_gid: str,
    amount: Decimal,
    paid_on: date,
    instalment_gid: str | None,
    reference: str | None,
) -> Payment:
    """Record money received; it settles the named instalment first, then the oldest due ones."""
    contract = await find(unit.actor, Contract, contract_gid, ("contract_id",))
    problems: list[Problem] = []
    if problem := money_problem(amount, ("amount",), positive=True):
        problems.append(problem)
    if contract.status not in rules.SIGNED_STATUSES:
        problems.append(
            Problem(
                ("contract_id",),
                Code.RULE_VIOLATION,
                f"payments are recorded against signed contracts; this one is {contract.status.value}",
            )
        )
    if paid_on > unit.settings.today():
        problems.append(invalid(("paid_on",), "a payment cannot be dated in the future"))
    first_id = None
    if instalment_gid:
        instalment = await find_or_problem(unit.actor, Instalment, instalment_gid, ("instalment_id",))
        if isinstance(instalment, Problem):
            problems.append(instalment)
        elif instalment.contract_id != contract.id:
            problems.append(invalid(("instalment_id",), "this instalment belongs to another contract"))
        else:
            first_id = instalment.id
    refuse_if(problems)
    instalments = await Instalment.filter(contract_id=contract.id)
    open_items = [
        rules.OpenInstalment(i.id, i.due_on, i.amount - i.paid_amount) for i in instalments if i.paid_amount < i.amount
    ]
    outstanding = sum((i.outstanding for i in open_items), Decimal("0"))
    if Decimal(amount) > outstanding:
        raise Refused(
            [
                Problem(
                    ("amount",),
                    Code.RULE_VIOLATION,
                    f"the payment of {amount} exceeds the {outstanding} still outstanding on this contract",
                )
            ]
        )
    payment = await create(
        Payment,
        audit_account=contract.account_id,
        contract_id=contract.id,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by=unit.actor.name,
    )
    by_id = {i.id: i for i in instalments}
    for instalment_id, share in rules.allocate_payment(Decimal(amount), open_items, first_id):
        item = by_id[instalment_id]
        await create(
            PaymentAllocation,
            audit_account=contract.account_id,
            payment_id=payment.id,
            instalment_id=item.id,
            amount=share,
        )
        paid = item.paid_amount + share
        await save(
            item,
            {"paid_amount": paid, "paid_on": paid_on if paid >= item.amount else None},
            audit_account=contract.account_id,
        )
    await save(contract, {}, bump=True)
    unit.emit(
        "payment.recorded",
        payment.node_id,
        contractId=contract.node_id,
        paidOn=paid_on.isoformat(),
        accountId=_account_gid(contract),
    )  # the amount needs contracts.amounts.read: read it through the API
    return payment


def _account_gid(contract: Contract) -> str:
    from kamgraph.ids import to_global_id

    return to_global_id("Account", contract.account_id)
