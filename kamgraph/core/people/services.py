"""Writes to people: validation from rules.py, rows through the scoped accessor, events after commit."""

from __future__ import annotations

from typing import Any

from strawberry import UNSET

from kamgraph.core.accounts.models import Account, Region
from kamgraph.core.accounts.rules import industry_sections
from kamgraph.core.accounts.services import account_reference
from kamgraph.core.people import rules
from kamgraph.core.people.models import Person, PersonKind, StaffRole
from kamgraph.errors import Code, Problem, Refused, invalid, refuse_if
from kamgraph.events import UnitOfWork
from kamgraph.security.actors import Role
from kamgraph.security.permissions import require
from kamgraph.writes import (
    archive,
    changes_data,
    check_version,
    create,
    delete,
    find,
    find_or_problem,
    given,
    save,
    upsert_one,
)


async def validate(unit: UnitOfWork, values: dict[str, Any], kind: PersonKind) -> tuple[dict[str, Any], list[Problem]]:
    """Check and normalise person fields; returns the values to store and the problems found."""
    problems: list[Problem] = []
    clean = dict(values)
    for required in ("is_key_decision_maker", "status"):
        if required in clean and clean[required] is None:
            problems.append(invalid((required,), f"{required} cannot be null"))
    if "name" in clean and not (clean["name"] or "").strip():
        problems.append(invalid(("name",), "a name cannot be empty"))
    if clean.get("phone"):
        clean["phone"] = rules.normalize_phone(clean["phone"])
        if problem := rules.phone_problem(clean["phone"]):
            problems.append(invalid(("phone",), problem))
    if clean.get("email"):
        clean["email"] = clean["email"].strip()
        if problem := rules.email_problem(clean["email"]):
            problems.append(invalid(("email",), problem))
    if clean.get("region") and clean["region"] not in Region.__members__:
        problems.append(invalid(("region",), f"{clean['region']!r} is not a region ({', '.join(Region.__members__)})"))
    if clean.get("industry_section") and clean["industry_section"] not in industry_sections():
        problems.append(
            invalid(("industry_section",), f"{clean['industry_section']!r} is not a GB/T 4754 section (A-T)")
        )
    if "account_id" in clean:
        account_gid = clean.pop("account_id")
        if kind is PersonKind.STAFF and account_gid:
            problems.append(invalid(("account_id",), "staff do not belong to a customer account"))
        elif account_gid:
            found = await find_or_problem(unit.actor, Account, account_gid, ("account_id",), live=True)
            if isinstance(found, Problem):
                problems.append(found)
            else:
                clean["account_id"] = found.id
        elif kind is PersonKind.CONTACT:
            problems.append(invalid(("account_id",), "a contact needs the account they work for"))
    if kind is PersonKind.STAFF and clean.get("relationship_level"):
        problems.append(invalid(("relationship_level",), "a relationship level describes contacts, not staff"))
    return clean, problems


def write_permission(kind: PersonKind) -> str:
    """Contacts are the account team's to maintain; staff and their roles are the KA director's."""
    return "staff.manage" if kind is PersonKind.STAFF else "contacts.write"


async def create_person(unit: UnitOfWork, values: dict[str, Any], roles: list[Role]) -> Person:
    kind = values["kind"]
    require(unit.actor, write_permission(kind))
    clean, problems = await validate(unit, values, kind)
    if kind is PersonKind.CONTACT and roles:
        problems.append(invalid(("roles",), "only staff hold roles"))
    refuse_if(problems)
    person = await create(Person, **clean)
    for role in dict.fromkeys(roles):
        await create(StaffRole, person_id=person.id, role=role)
    unit.emit("person.created", person.node_id, kind=kind.value, accountId=_account_gid(person))
    return person


async def update_person(
    unit: UnitOfWork, global_id: str, expected_version: int | None, values: dict[str, Any], roles: Any
) -> Person:
    person = await find(unit.actor, Person, global_id, ("id",), live=True)
    require(unit.actor, write_permission(person.kind))
    check_version(person, expected_version)
    clean, problems = await validate(unit, {k: v for k, v in values.items() if given(v)}, person.kind)
    if given(roles) and roles is not None and person.kind is PersonKind.CONTACT and roles:
        problems.append(invalid(("roles",), "only staff hold roles"))
    refuse_if(problems)
    diff = await save(person, clean)
    if given(roles) and roles is not None:
        await delete(StaffRole, person_id=person.id)
        for role in dict.fromkeys(roles):
            await create(StaffRole, person_id=person.id, role=role)
        diff["roles"] = (None, [r.value for r in roles])
    if "email" in diff and person.kind is PersonKind.STAFF:  # staff log in with their e-mail: move the login along
        from kamgraph.security.auth import login_index
        from kamgraph.security.models import Login

        await Login.filter(person_id=person.id).update(
            email_index=login_index(person.email) if person.email else f"none:{person.id}"
        )
    if diff:
        unit.emit("person.updated", person.node_id, changes=changes_data(diff, Person))
        if "status" in diff:
            unit.emit(
                "person.status_changed", person.node_id, status=person.status.value, accountId=_account_gid(person)
            )
    return person


async def archive_person(unit: UnitOfWork, global_id: str, expected_version: int | None) -> Person:
    def allowed(person: Person) -> Problem | None:
        return (
            None
            if unit.actor.can(write_permission(person.kind))
            else Problem((), Code.FORBIDDEN, "you may not archive this person")
        )

    return await archive(unit, Person, global_id, expected_version, guard=allowed)


async def upsert_person(unit: UnitOfWork, source: str, values: dict[str, Any]) -> tuple[str, Person]:
    """Create the person with this (source, external id), or bring them up to date; roles stay as they are."""
    values = dict(values)
    values["account_id"] = await account_reference(
        unit, source, values.get("account_id"), values.pop("account_external_id", None)
    )
    fields = {k: v for k, v in values.items() if k not in ("external_id", "kind")}

    async def update(person: Person) -> Person:
        if person.kind is not values["kind"]:
            raise Refused(
                [
                    invalid(
                        ("kind",), f"this record is a {person.kind.value.lower()} here; a person does not change kind"
                    )
                ]
            )
        return await update_person(unit, person.node_id, None, fields, UNSET)

    return await upsert_one(
        unit,
        Person,
        source,
        values["external_id"],
        create=lambda: create_person(unit, {**values, "source": source}, []),
        update=update,
    )


def _account_gid(person: Person) -> str | None:
    from kamgraph.ids import to_global_id

    return to_global_id("Account", person.account_id) if person.account_id else None
