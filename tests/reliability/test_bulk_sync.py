"""upsertAccounts: keyed by (source, externalId), up to 500 a call, good records applied, bad ones reported."""

from factories import credit_code

from kamgraph.core.accounts.models import Account
from kamgraph.security.models import AuditRecord, OutboxEvent

UPSERT = """mutation($s: String!, $a: [AccountRecordInput!]!) { upsertAccounts(input: {source: $s, accounts: $a}) {
  results { index externalId status account { name version } userErrors { field code } } counts { created updated unchanged failed }
  userErrors { code } } }"""


def record(external_id, name, code=None, **extra):
    return {"externalId": external_id, "name": name, "creditCode": code or credit_code(), "industryCode": "C39", "region": "EAST", **extra}


async def test_good_records_apply_and_bad_ones_are_reported_whole(gql):
    first = record("E1", "One")
    result = (await gql(UPSERT, {"s": "erp", "a": [first, record("E2", "Two"), record("E3", "Bad", code="123"), record("E4", "Bad too", industryCode="internet")]}))["upsertAccounts"]
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 2}
    statuses = {r["externalId"]: r["status"] for r in result["results"]}
    assert statuses == {"E1": "CREATED", "E2": "CREATED", "E3": "FAILED", "E4": "FAILED"}
    assert result["results"][2]["userErrors"] == [{"field": ["input", "accounts", "2", "creditCode"], "code": "INVALID"}]
    assert result["results"][3]["userErrors"] == [{"field": ["input", "accounts", "3", "industryCode"], "code": "INVALID"}]
    assert await Account.all().count() == 2
    assert await OutboxEvent.filter(type="account.created").count() == 2  # nothing of the failed records leaked out
    assert await AuditRecord.filter(action="create", subject_type="Account").count() == 2
    again = (await gql(UPSERT, {"s": "erp", "a": [first, {**record("E2", "Two, renamed"), "creditCode": (await Account.get(external_id="E2")).credit_code}]}))["upsertAccounts"]
    assert [r["status"] for r in again["results"]] == ["UNCHANGED", "UPDATED"]
    assert again["results"][1]["account"] == {"name": "Two, renamed", "version": 2}
    other_source = (await gql(UPSERT, {"s": "crm", "a": [record("E1", "Same id, other system")]}))["upsertAccounts"]
    assert other_source["results"][0]["status"] == "CREATED"


async def test_more_than_five_hundred_records_are_refused(gql):
    body = await gql(UPSERT, {"s": "erp", "a": [record(f"X{n}", f"N{n}", code="x") for n in range(501)]}, errors=True)
    assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert await Account.all().count() == 0
