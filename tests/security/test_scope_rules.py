"""The scoped accessor and the audit helpers at their edges, called directly: an owner without a team row, a
director without a line, several scopes at once, guarded values handed in, and the group commit."""

import asyncio

import pytest
from factories import account, contact, contract, staff

from kamgraph.core.accounts.models import Account
from kamgraph.core.contracts.models import Contract
from kamgraph.security.actors import Actor, RowScope, ScopeKind
from kamgraph.security.audit import AuditEntry, GroupCommit, ReadLog, accounts_of, read_guarded
from kamgraph.security.models import AuditRecord
from kamgraph.security.scope import visible


def actor(*scopes: RowScope, permissions=("accounts.read", "contracts.read")) -> Actor:
    return Actor(
        name="caller",
        person_id=scopes[0].person_id if scopes else None,
        scopes=scopes,
        permissions=frozenset(permissions),
    )


async def names(model, who) -> list[str]:
    return sorted(getattr(row, "name", None) or row.number for row in await visible(model, who).all())


async def test_an_owner_sees_an_account_without_being_on_its_team(clean):
    manager = await staff("Li Wei")
    owned = await Account.create(
        name="Owned",
        owner=manager,
        credit_code="91350100M000100Y43",
        industry_code="C39",
        industry_section="C",
        region="EAST",
    )
    await account("Someone else's")
    assert owned.id and await names(Account, actor(RowScope(ScopeKind.ASSIGNED, manager.id))) == ["Owned"]


async def test_scopes_are_alternatives_and_none_admits_nothing(clean):
    manager = await staff("Li Wei")
    await account("Mine", owner=manager, region="NORTH", industry_code="J66")
    await account("East", region="EAST", industry_code="J66")
    await account("Finance", region="SOUTH", industry_code="K70")
    await account("Other", region="NORTHWEST", industry_code="A01")
    both = actor(RowScope(ScopeKind.ASSIGNED, manager.id), RowScope(ScopeKind.REGION, values=("EAST",)))
    assert await names(Account, both) == ["East", "Mine"]
    line = actor(RowScope(ScopeKind.INDUSTRY, values=("K",)))
    assert await names(Account, line) == ["Finance"]
    assert await names(Account, actor()) == []  # a director without a line or region: nothing, not everything
    assert await names(Contract, actor()) == []
    assert len(await names(Account, actor(RowScope(ScopeKind.ALL)))) == 4


async def test_the_account_of_each_row_for_the_audit(clean):
    customer = await account("Two hops")
    person = await contact(customer)
    deal = await contract(customer, "1000.00")
    found = await accounts_of([customer, person, deal])
    assert found == {
        ("Account", customer.id): customer.id,
        ("Person", person.id): customer.id,
        ("Contract", deal.id): customer.id,
    }


async def test_a_guarded_value_handed_in_is_returned_only_with_the_permission(clean):
    customer = await account()
    deal = await contract(customer, "1000.00")
    reads = ReadLog()
    allowed = actor(RowScope(ScopeKind.ALL), permissions=("contracts.amounts.read",))
    assert read_guarded(allowed, reads, deal, "amount", value="computed") == "computed"
    assert read_guarded(allowed, reads, deal, "title", value="shown") == "shown"  # not guarded: as handed in
    assert read_guarded(allowed, reads, deal, "title") == "Licence"
    assert read_guarded(actor(RowScope(ScopeKind.ALL)), reads, deal, "amount", value="computed") is None
    assert reads.reads == {("Contract", deal.id): {"amount"}}  # the guarded read, once


async def test_the_group_commit_writes_every_waiting_request_and_tells_each_of_a_failure(clean, monkeypatch):
    group = GroupCommit()
    who = Actor(name="caller", via="session")
    entries = [[AuditEntry("read", "Contract", (n,), None, ("amount",))] for n in range(3)]
    await asyncio.gather(*(group.store(e, who, f"r{n}", None) for n, e in enumerate(entries)))
    assert sorted(r.request_id for r in await AuditRecord.all()) == ["r0", "r1", "r2"]

    async def failing(records):
        raise ConnectionError("disk full")

    monkeypatch.setattr(AuditRecord, "bulk_create", failing)
    results = await asyncio.gather(*(group.store(e, who, "x", None) for e in entries), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError] * 3 and str(results[0]) == "disk full"
    await group.store([], who, "nothing", None)  # nothing to write: no statement, no wait


@pytest.mark.parametrize(
    "group_by", [["account.region", "account.owner.name"], ["account.owner.name", "account.region"]]
)
async def test_totals_grouped_through_two_relations(clean, group_by):
    north, south = await staff("North"), await staff("South")
    await contract(await account("A", owner=north, region="NORTH"), "100.00")
    await contract(await account("B", owner=north, region="NORTH"), "50.00")
    await contract(await account("C", owner=south, region="EAST"), "7.00")
    rows = await visible(
        Contract, actor(RowScope(ScopeKind.ALL), permissions=("contracts.read", "contracts.amounts.read"))
    ).aggregate(group_by, sums={"total": "t.amount"})
    keyed = [
        (r["keys"]["account.region"], r["keys"]["account.owner.name"], str(r["sums"]["total"]), r["count"])
        for r in rows
    ]
    assert sorted(keyed) == [
        ("EAST", "South", "7.00", 1),
        ("NORTH", "North", "150.00", 2),
    ]


async def test_conditions_compare_follow_relations_and_refuse_other_operators(clean):
    customer = await account("Acme")
    for amount in ("100.00", "200.00", "300.00"):
        await contract(customer, amount)
    everyone = actor(RowScope(ScopeKind.ALL))
    rows = visible(Contract, everyone)
    amounts = {
        op: sorted(str(c.amount) for c in await rows.where("amount", "200.00", op).all())
        for op in (">", ">=", "<", "<=", "<>")
    }
    assert amounts == {
        ">": ["300.00"],
        ">=": ["200.00", "300.00"],
        "<": ["100.00"],
        "<=": ["100.00", "200.00"],
        "<>": ["100.00", "300.00"],
    }
    assert len(await rows.where("account.name", "Acme").where("signed_on", None, "<>").all()) == 3
    with pytest.raises(ValueError) as refused:
        rows.where("amount", "1", "LIKE")
    assert str(refused.value) == "unsupported operator 'LIKE'"


async def test_an_audit_record_says_who_what_and_the_change_in_plain_text(clean):
    from datetime import date
    from decimal import Decimal

    from kamgraph.security.audit import store

    change = {
        "name": {"before": "华信", "after": "华信电子"},
        "signed_on": date(2026, 12, 1),
        "amount": Decimal("1.50"),
    }
    await store([AuditEntry("update", "Account", (3, 4), None, ("name",), change)], None, "r1", "Rename")
    li = await staff("Li")
    await store(
        [AuditEntry("read", "Person", (5,), None, ("phone",))],
        Actor(name="Li", person_id=li.id, via="api_key"),
        None,
        None,
    )
    first, second = await AuditRecord.all().order_by("id")
    assert (first.actor, first.actor_person_id, first.actor_via, first.subject_ids, first.request_id) == (
        "anonymous",
        None,
        "none",
        "3 4",
        "r1",
    )
    assert first.changes == (
        '{"name": {"before": "华信", "after": "华信电子"}, "signed_on": "2026-12-01", "amount": "1.50"}'
    )
    assert (second.actor, second.actor_person_id, second.actor_via, second.changes) == ("Li", li.id, "api_key", None)


async def test_pages_forward_backward_and_exactly_full(clean):
    from kamgraph.security.scope import NO_ORDER, PageRequest

    customer = await account("Acme")
    deals = [await contract(customer, f"{n}.00") for n in (1, 2, 3)]
    rows = visible(Contract, actor(RowScope(ScopeKind.ALL)))

    async def page(**request):
        found = await rows.page(NO_ORDER, PageRequest(**request))
        return [d.id for d in found.rows], found.has_next, found.has_previous

    ids = [d.id for d in deals]
    assert await page(first=3) == (ids, False, False)  # exactly full: nothing beyond
    assert await page(first=2) == (ids[:2], True, False)
    assert await page(last=2) == (ids[1:], False, True)
    pages = await rows.pages_by("account_id", [customer.id], NO_ORDER, PageRequest(first=2))
    assert [d.id for d in pages[customer.id].rows] == ids[:2] and pages[customer.id].has_next


async def test_internal_tables_have_no_rows_for_anyone(clean):
    from kamgraph.security import auth
    from kamgraph.security.actors import SYSTEM_ACTOR, Role
    from kamgraph.security.models import Login, Session

    await auth.create_staff_user("Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], "correct horse battery")
    assert await Login.all().count() == 1
    assert await visible(Login, SYSTEM_ACTOR).all() == [] and await visible(Session, SYSTEM_ACTOR).count() == 0
