"""subscription { events }: committed events only, within the subscriber's row scope, in every process."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from factories import account, contract, staff

from kamgraph.api.context import Context
from kamgraph.core.contracts.models import ContractStatus
from kamgraph.events.feed import EventFeed
from kamgraph.ids import to_global_id
from kamgraph.security.actors import Role
from kamgraph.security.auth import (
    authenticate,
    login,
    logout,
    set_password,
    still_valid,
)
from kamgraph.security.models import OutboxEvent

SUBSCRIBE = "subscription($types: [String!]) { events(types: $types) { id type subject data actor } }"
RENAME = "mutation($id: ID!, $name: String!) { updateAccount(input: {id: $id, name: $name}) { userErrors { code } } }"


@contextlib.asynccontextmanager
async def running_feed(settings):
    feed, stop = EventFeed(settings), asyncio.Event()
    task = asyncio.create_task(feed.run(stop))
    try:
        yield feed
    finally:
        stop.set()
        await task


async def subscribe(app, pm, settings, permissions, feed, actor, types) -> Any:
    context = Context(
        actor=actor,
        pm=pm,
        settings=settings,
        permissions=permissions,
        feed=feed,
        event_types={name: text for name, (_, text) in pm.collect_unique("register_event_types", "event type").items()},
    )
    stream = await app.state.schema.subscribe(SUBSCRIBE, variable_values={"types": types}, context_value=context)
    first = asyncio.create_task(stream.__anext__())
    for _ in range(100):  # until the resolver is listening
        if feed.subscribers or first.done():
            break
        await asyncio.sleep(0.05)
    return first


async def test_a_subscriber_gets_committed_events_of_its_own_accounts_only(
    app, pm, settings, permissions, actor_for, gql
):
    manager = await staff("Li Wei")
    mine, theirs = await account("Mine", owner=manager), await account("Theirs")
    async with running_feed(settings) as feed:
        first = await subscribe(
            app, pm, settings, permissions, feed, actor_for(manager, Role.ACCOUNT_MANAGER), ["account.updated"]
        )
        await gql(RENAME, {"id": theirs.node_id, "name": "Theirs, renamed"})
        failed = await gql(RENAME, {"id": mine.node_id, "name": ""})  # refused: nothing committed, nothing sent
        assert failed["updateAccount"]["userErrors"]
        await gql(RENAME, {"id": mine.node_id, "name": "Mine, renamed"})
        result = await asyncio.wait_for(first, timeout=10)
    assert result.errors is None
    event = result.data["events"]
    assert (event["type"], event["subject"]) == ("account.updated", mine.node_id)
    assert event["data"]["changes"]["name"] == {"before": "Mine", "after": "Mine, renamed"}
    assert event["id"] == (await OutboxEvent.get(subject=mine.node_id)).event_id  # the id webhooks carry too


async def test_unknown_event_types_are_refused(app, pm, settings, permissions, clean):
    async with running_feed(settings) as feed:
        first = await subscribe(app, pm, settings, permissions, feed, None, ["account.exploded"])
        result = await asyncio.wait_for(first, timeout=10)
    assert result.errors[0].extensions["code"] == "BAD_REQUEST"
    assert not feed.subscribers


async def test_event_data_never_carries_guarded_values(gql, clean):
    draft = await contract(await account(), "1000.00", status=ContractStatus.DRAFT, instalments=1)
    await gql(
        """mutation($id: ID!, $due: Date!) { updateContract(input: {id: $id, amount: "2000.00", title: "Bigger",
                 schedule: [{dueOn: $due, amount: "2000.00"}]}) { userErrors { code message } } }""",
        {"id": to_global_id("Contract", draft.id), "due": draft.start_on.isoformat()},
    )
    event = await OutboxEvent.get(type="contract.updated")
    assert '"amount": {"before": "[restricted]", "after": "[restricted]"}' in event.data
    assert '"title": {"before": "Licence", "after": "Bigger"}' in event.data


async def test_a_logout_ends_an_open_subscription_before_its_next_event(app, pm, settings, permissions, gql):
    """However busy the feed: the first event after a logout ends the subscription instead of reaching it."""
    person = await staff("Zhao Lei", email="zhao@example.com")
    await set_password(person, "a long enough password")
    customer = await account("Watched", owner=person)
    issued = await login("zhao@example.com", "a long enough password", "127.0.0.1", settings)
    actor = await authenticate(issued.token, permissions)
    async with running_feed(settings) as feed:
        first = await subscribe(app, pm, settings, permissions, feed, actor, ["account.updated"])
        await logout(actor)
        await gql(RENAME, {"id": customer.node_id, "name": "Watched, renamed"})
        result = await asyncio.wait_for(first, timeout=10)
    assert result.data is None and result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert not await still_valid(actor)


async def test_events_about_what_hangs_off_an_account_reach_its_manager(gql, permissions, actor_for):
    """A contract's, a contact's events carry their account, so the manager's scope delivers them (issue 13,
    finding 9: account managers never received contract.updated, person.updated or *.archived)."""
    from factories import contact

    from kamgraph.events.feed import visible_events

    manager = await staff("Li Wei")
    customer, other = await account("Mine", owner=manager), await account("Theirs")
    draft = await contract(customer, "1000.00", status=ContractStatus.DRAFT)
    theirs = await contract(other, "1000.00", status=ContractStatus.DRAFT)
    person = await contact(customer, "Wang Fang")
    for deal in (draft, theirs):
        await gql(
            'mutation($id: ID!) { updateContract(input: {id: $id, title: "Bigger"}) { userErrors { code } } }',
            {"id": deal.node_id},
        )
    await gql(
        'mutation($id: ID!) { updatePerson(input: {id: $id, title: "CFO"}) { userErrors { code } } }',
        {"id": person.node_id},
    )
    await gql("mutation($id: ID!) { archivePerson(input: {id: $id}) { userErrors { code } } }", {"id": person.node_id})
    events = await OutboxEvent.all().order_by("id")
    assert all(e.account_id is not None for e in events), [(e.type, e.subject) for e in events if e.account_id is None]
    seen = [(e.type, e.subject) for e in await visible_events(actor_for(manager, Role.ACCOUNT_MANAGER), events)]
    assert ("contract.updated", draft.node_id) in seen and ("contract.updated", theirs.node_id) not in seen
    assert ("person.updated", person.node_id) in seen and ("person.archived", person.node_id) in seen
