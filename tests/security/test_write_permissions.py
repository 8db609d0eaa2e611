"""Writes need their permission (DOMAIN.md section 1); a refused write is FORBIDDEN and changes nothing."""

import pytest
from factories import account, contract, staff

from kamgraph.core.contracts.models import Contract, ContractStatus
from kamgraph.ids import to_global_id
from kamgraph.security.actors import Role


@pytest.mark.parametrize(
    ("role", "verb", "status", "allowed"),
    [
        (Role.ACCOUNT_MANAGER, "submit", "DRAFT", True),
        (Role.ACCOUNT_MANAGER, "approve", "IN_REVIEW", False),
        (Role.CONTRACT_SPECIALIST, "approve", "IN_REVIEW", False),
        (Role.REGIONAL_DIRECTOR, "approve", "IN_REVIEW", True),
        (Role.CONTRACT_SPECIALIST, "sign", "APPROVED", True),
        (Role.ACCOUNT_MANAGER, "sign", "APPROVED", False),
        (Role.DATA_ANALYST, "submit", "DRAFT", False),
    ],
)
async def test_contract_steps_follow_the_roles(gql, actor_for, role, verb, status, allowed):
    person = await staff("Someone", role=role, region="EAST")
    acme = await account(owner=person, region="EAST")
    deal = await contract(acme, status=ContractStatus(status))
    result = await gql(
        f"mutation($id: ID!) {{ {verb}Contract(input: {{id: $id}}) {{ contract {{ status }} userErrors {{ code }} }} }}",
        {"id": to_global_id("Contract", deal.id)},
        actor=actor_for(person, role),
    )
    errors = result[f"{verb}Contract"]["userErrors"]
    assert (errors == []) is allowed, errors
    if not allowed:
        assert errors == [{"code": "FORBIDDEN"}]
        assert (await Contract.get(id=deal.id)).status == ContractStatus(status)


async def test_only_the_ka_director_manages_staff_but_account_teams_manage_contacts(gql, actor_for):
    manager = await staff("AM")
    acme = await account(owner=manager)
    am = actor_for(manager, Role.ACCOUNT_MANAGER)
    staff_attempt = await gql(
        'mutation { createPerson(input: {kind: STAFF, name: "New hire", roles: [KA_DIRECTOR]}) { userErrors { code } } }',
        actor=am,
    )
    assert staff_attempt["createPerson"]["userErrors"] == [{"code": "FORBIDDEN"}]
    contact_ok = await gql(
        'mutation($a: ID!) { createPerson(input: {kind: CONTACT, name: "Buyer", accountId: $a}) { userErrors { code } } }',
        {"a": to_global_id("Account", acme.id)},
        actor=am,
    )
    assert contact_ok["createPerson"]["userErrors"] == []
