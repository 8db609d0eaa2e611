"""The transactional outbox and signed webhooks: at least once, in the owner's scope, retried with backoff."""

import hashlib
import hmac
import json

import httpx
import pytest
from factories import account, staff

from kamgraph.events.webhooks import run_once, sign
from kamgraph.ids import to_global_id
from kamgraph.security.actors import Role
from kamgraph.security.auth import now
from kamgraph.security.models import OutboxEvent, Webhook, WebhookDelivery

CREATE = 'mutation($n: String!, $c: String!) { createAccount(input: {name: $n, creditCode: $c, industryCode: "C39", region: EAST}) { account { id } userErrors { code } } }'


class Receiver:
    """An endpoint that is down for the first ``down`` requests, then records what it gets."""

    def __init__(self, down: int = 0, status: int = 200) -> None:
        self.down, self.status, self.calls, self.events = down, status, 0, []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.down:
            return httpx.Response(503)
        timestamp, signature = (part.split("=", 1)[1] for part in request.headers["X-Kamgraph-Signature"].split(","))
        expected = hmac.new(b"whsec_test", f"{timestamp}.".encode() + request.content, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
        self.events.append(json.loads(request.content))
        return httpx.Response(self.status)


async def deliver_all(settings, permissions, receiver, rounds=12):
    client = httpx.AsyncClient(transport=httpx.MockTransport(receiver.handle))
    for _ in range(rounds):
        await run_once(settings.with_(webhook_allow_private=True), permissions, client)
        await WebhookDelivery.filter(status="pending").update(next_attempt_at=now())  # time passes: retries fall due
    await client.aclose()


async def make_accounts(gql, count):
    from factories import credit_code

    ids = []
    for n in range(count):
        result = await gql(CREATE, {"n": f"Customer {n}", "c": credit_code()})
        ids.append(result["createAccount"]["account"]["id"])
    return ids


async def hook(owner, event_types=""):
    return await Webhook.create(
        url="http://receiver.test/hook",
        secret="whsec_test",
        event_types=event_types,
        created_by=owner.name,
        owner_person_id=owner.id,
    )


async def test_events_enter_the_outbox_with_their_change_and_only_then(gql):
    await gql(
        'mutation { createAccount(input: {name: "X", creditCode: "bad", industryCode: "C39", region: EAST}) { userErrors { code } } }'
    )
    assert await OutboxEvent.all().count() == 0
    [gid] = await make_accounts(gql, 1)
    [event] = await OutboxEvent.all()
    assert event.type == "account.created" and event.subject == gid and event.account_id is not None


async def test_a_receiver_down_for_the_first_tries_gets_every_event(gql, settings, permissions):
    director = await staff("Director", role=Role.KA_DIRECTOR)
    await hook(director, "account.created")
    await make_accounts(gql, 3)
    receiver = Receiver(down=4)
    await deliver_all(settings, permissions, receiver)
    assert sorted(e["subject"] for e in receiver.events) == sorted(
        e.subject for e in await OutboxEvent.filter(type="account.created")
    )
    assert len({e["id"] for e in receiver.events}) == 3  # each event once: no duplicates after recovery
    deliveries = await WebhookDelivery.all()
    assert {d.status for d in deliveries} == {"delivered"} and max(d.attempts for d in deliveries) > 1


async def test_deliveries_carry_only_what_the_owner_may_see(gql, settings, permissions):
    manager = await staff("AM")
    mine = await account(name="Mine", owner=manager)
    other = await account(name="Other")
    await hook(manager)
    for acc in (mine, other):
        await gql(
            "mutation($id: ID!) { updateAccount(input: {id: $id, size: LARGE}) { userErrors { code } } }",
            {"id": to_global_id("Account", acc.id)},
        )
    receiver = Receiver()
    await deliver_all(settings, permissions, receiver, rounds=2)
    assert [e["subject"] for e in receiver.events] == [to_global_id("Account", mine.id)]


@pytest.mark.parametrize(
    ("status", "final_state", "attempts"), [(404, "failed", 1), (429, "pending", 3), (500, "pending", 3)]
)
async def test_client_errors_are_final_but_throttling_and_outages_are_retried(
    gql, settings, permissions, status, final_state, attempts
):
    director = await staff("Director", role=Role.KA_DIRECTOR)
    await hook(director)
    await make_accounts(gql, 1)
    receiver = Receiver(down=0, status=status)
    await deliver_all(settings, permissions, receiver, rounds=3)
    [delivery] = await WebhookDelivery.all()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (final_state, attempts, status)


async def test_create_webhook_refuses_internal_targets_and_shows_the_secret_once(gql):
    mutation = 'mutation($u: String!) { createWebhook(input: {url: $u, eventTypes: ["account.created"]}) { secret webhook { url } userErrors { field message } } }'
    for url in ("http://127.0.0.1:8080/hook", "http://169.254.169.254/latest", "ftp://example.com/x"):
        result = (await gql(mutation, {"u": url}))["createWebhook"]
        assert result["webhook"] is None and result["userErrors"][0]["field"] == ["input", "url"], url
    assert await Webhook.all().count() == 0


async def test_redeliver_puts_a_failed_delivery_back(gql, settings, permissions):
    director = await staff("Director", role=Role.KA_DIRECTOR)
    webhook = await hook(director)
    await make_accounts(gql, 1)
    await deliver_all(settings, permissions, Receiver(status=410), rounds=1)
    [delivery] = await WebhookDelivery.all()
    assert delivery.status == "failed"
    log = await gql(
        "query($w: ID!) { webhookDeliveries(webhookId: $w) { edges { node { id status eventType lastStatusCode } } } }",
        {"w": to_global_id("Webhook", webhook.id)},
    )
    node = log["webhookDeliveries"]["edges"][0]["node"]
    assert (node["status"], node["eventType"], node["lastStatusCode"]) == ("FAILED", "account.created", 410)
    by_status = (
        "query($w: ID!, $s: WebhookDeliveryStatus) { webhookDeliveries(webhookId: $w, status: $s) { totalCount } }"
    )
    for status, count in (("FAILED", 1), ("DELIVERED", 0)):
        found = await gql(by_status, {"w": to_global_id("Webhook", webhook.id), "s": status})
        assert found["webhookDeliveries"]["totalCount"] == count, status
    again = await gql(
        "mutation($d: ID!) { redeliverWebhook(input: {deliveryId: $d}) { delivery { status } userErrors { code } } }",
        {"d": node["id"]},
    )
    assert again["redeliverWebhook"] == {"delivery": {"status": "PENDING"}, "userErrors": []}
    receiver = Receiver()
    await deliver_all(settings, permissions, receiver, rounds=1)
    assert len(receiver.events) == 1 and (await WebhookDelivery.get(id=delivery.id)).status == "delivered"


def test_signature_format():
    assert (
        sign("s", 1700000000, b"{}")
        == "t=1700000000,v1=" + hmac.new(b"s", b"1700000000.{}", hashlib.sha256).hexdigest()
    )
