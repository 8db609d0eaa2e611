"""People writes: contacts and staff, phone and e-mail formats, roles."""

import pytest
from factories import account

from kamgraph.core.people.models import Person
from kamgraph.ids import to_global_id

CREATE = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { name kind phone email relationshipLevel roles account { name } } userErrors { field code message } } }"""


async def test_create_a_contact_with_normalised_phone(gql):
    acme = await account(name="Acme")
    result = await gql(
        CREATE,
        {
            "input": {
                "kind": "CONTACT",
                "name": "Wang Fang",
                "accountId": to_global_id("Account", acme.id),
                "phone": "138 0013 8000",
                "email": "wang.fang@acme.cn",
                "relationshipLevel": "EXECUTIVE",
            }
        },
    )
    assert result["createPerson"] == {
        "person": {
            "name": "Wang Fang",
            "kind": "CONTACT",
            "phone": "13800138000",
            "email": "wang.fang@acme.cn",
            "relationshipLevel": "EXECUTIVE",
            "roles": [],
            "account": {"name": "Acme"},
        },
        "userErrors": [],
    }


async def test_create_staff_with_roles(gql):
    result = await gql(
        CREATE, {"input": {"kind": "STAFF", "name": "Li Wei", "roles": ["ACCOUNT_MANAGER", "SOLUTION_EXPERT"]}}
    )
    assert result["createPerson"]["person"]["roles"] == ["ACCOUNT_MANAGER", "SOLUTION_EXPERT"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, ["input", "phone"]),
        ({"email": "nobody@"}, ["input", "email"]),
        ({"accountId": None}, ["input", "accountId"]),
        ({"roles": ["KA_DIRECTOR"]}, ["input", "roles"]),
        ({"name": ""}, ["input", "name"]),
    ],
)
async def test_invalid_people_are_refused(gql, changes, field):
    acme = await account()
    person = {"kind": "CONTACT", "name": "Wang", "accountId": to_global_id("Account", acme.id)} | changes
    result = (await gql(CREATE, {"input": person}))["createPerson"]
    assert result["person"] is None and field in [e["field"] for e in result["userErrors"]]
    assert await Person.all().count() == 0


async def test_a_key_contact_leaving_is_recorded(gql):
    from kam_testplugin.hooks import RECEIVED

    acme = await account()
    created = await gql(
        CREATE, {"input": {"kind": "CONTACT", "name": "Wang", "accountId": to_global_id("Account", acme.id)}}
    )
    assert created["createPerson"]["userErrors"] == []
    person = await Person.get(name="Wang")
    RECEIVED.clear()
    result = await gql(
        "mutation($id: ID!) { updatePerson(input: {id: $id, status: LEFT, expectedVersion: 1}) { person { status version } userErrors { code } } }",
        {"id": to_global_id("Person", person.id)},
    )
    assert result["updatePerson"] == {"person": {"status": "LEFT", "version": 2}, "userErrors": []}
    assert [e.type for e in RECEIVED] == ["person.updated", "person.status_changed"]
