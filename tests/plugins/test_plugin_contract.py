"""The whole plugin contract, end to end, through a plugin installed by entry point (kam_testplugin)."""

from factories import account, contract

from kamgraph.core.contracts.models import ContractStatus
from kamgraph.ids import to_global_id
from kamgraph.security.models import AuditRecord


async def test_plugin_model_query_mutation_and_account_field(gql):
    acme = await account()
    gid = to_global_id("Account", acme.id)
    added = await gql(
        'mutation($id: ID!) { addAccountNote(input: {accountId: $id, text: "Met the CIO"}) { note { id text } userErrors { code } } }',
        {"id": gid},
    )
    assert added["addAccountNote"]["userErrors"] == []
    note_id = added["addAccountNote"]["note"]["id"]

    data = await gql(
        "query($id: ID!, $note: ID!) { accountNotes(first: 5) { totalCount edges { node { text } } }"
        " account(id: $id) { noteCount } node(id: $note) { ... on AccountNote { text } } }",
        {"id": gid, "note": note_id},
    )
    assert data["accountNotes"]["totalCount"] == 1
    assert data["accountNotes"]["edges"][0]["node"]["text"] == "Met the CIO"
    assert data["account"]["noteCount"] == 1
    assert data["node"] == {"text": "Met the CIO"}


async def test_plugin_mutation_refuses_bad_input_and_changes_nothing(gql):
    acme = await account()
    result = await gql(
        'mutation($id: ID!) { addAccountNote(input: {accountId: $id, text: "  "}) { note { id } userErrors { field code } } }',
        {"id": to_global_id("Account", acme.id)},
    )
    assert result["addAccountNote"] == {"note": None, "userErrors": [{"field": ["input", "text"], "code": "INVALID"}]}
    assert (await gql("{ accountNotes { totalCount } }"))["accountNotes"]["totalCount"] == 0


async def test_plugin_reacts_to_a_core_event_after_commit(gql):
    from kam_testplugin.hooks import RECEIVED

    acme = await account()
    deal = await contract(acme, status=ContractStatus.APPROVED)
    RECEIVED.clear()
    signed = await gql(
        "mutation($id: ID!) { signContract(input: {id: $id}) { contract { status } userErrors { message } } }",
        {"id": to_global_id("Contract", deal.id)},
    )
    assert signed["signContract"] == {"contract": {"status": "SIGNED"}, "userErrors": []}
    # the reaction wrote in a unit of work of its own: its event was delivered in turn, its write audited
    assert [e.type for e in RECEIVED] == ["contract.signed", "note.added"]
    assert RECEIVED[1].actor == "kam_testplugin (on contract.signed)"
    notes = await gql("{ accountNotes { edges { node { text } } } }")
    assert notes["accountNotes"]["edges"] == [{"node": {"text": f"Contract {deal.number} signed"}}]
    audited = await AuditRecord.get(action="create", subject_type="AccountNote")
    assert (audited.actor, audited.account_id) == ("kam_testplugin (on contract.signed)", acme.id)


async def test_refused_write_emits_no_event(gql):
    from kam_testplugin.hooks import RECEIVED

    acme = await account()
    draft = await contract(acme, status=ContractStatus.DRAFT)
    RECEIVED.clear()
    result = await gql(
        "mutation($id: ID!) { signContract(input: {id: $id}) { userErrors { code } } }",
        {"id": to_global_id("Contract", draft.id)},
    )
    assert result["signContract"]["userErrors"] == [{"code": "RULE_VIOLATION"}]
    assert RECEIVED == []


async def test_clients_can_discover_plugins_and_event_types(gql):
    data = await gql("{ plugins { name version requires } eventTypes { name description } }")
    assert {"name": "kam_testplugin", "version": "1.0", "requires": ["core"]} in data["plugins"]
    assert [p["name"] for p in data["plugins"]] == ["core", "kam_testplugin"]
    names = [e["name"] for e in data["eventTypes"]]
    assert "contract.signed" in names and "note.added" in names and names == sorted(names)


async def test_every_enabled_apps_migrations_match_its_models(database, pm):
    from tortoise import Tortoise
    from tortoise.migrations.autodetector import MigrationAutodetector

    from kamgraph.db import apps_config

    changes = await MigrationAutodetector(Tortoise.apps, apps_config(pm)).changes()
    assert [(w.app_label, [type(op).__name__ for op in w.operations]) for w in changes] == []


async def test_a_plugins_health_signal_reads_in_the_callers_scope(gql, actor_for):
    from factories import staff
    from kam_testplugin.models import AccountNote

    from kamgraph.security.actors import Role

    manager = await staff("Li Wei")
    mine, theirs = await account("Mine", owner=manager), await account("Theirs")
    for customer, notes in ((mine, 2), (theirs, 7)):
        for n in range(notes):
            await AccountNote.create(account=customer, text=f"note {n}")
    query = (
        "{ accounts(orderBy: [{field: NAME, direction: ASC}]) { nodes { name healthSignals { name score detail } } } }"
    )
    seen = {a["name"]: a["healthSignals"] for a in (await gql(query))["accounts"]["nodes"]}
    assert seen == {
        "Mine": [{"name": "kam_testplugin.notes", "score": 40, "detail": "2 notes"}],
        "Theirs": [{"name": "kam_testplugin.notes", "score": 100, "detail": "7 notes"}],
    }
    own = (await gql(query, actor=actor_for(manager, Role.ACCOUNT_MANAGER)))["accounts"]["nodes"]
    assert [a["name"] for a in own] == ["Mine"]
