"""upsertAccounts: keyed by (source, externalId), up to 500 a call, good records applied, bad ones reported."""

from factories import credit_code

from kamgraph.core.accounts.models import Account
from kamgraph.core.contracts.models import Contract, ContractStatus
from kamgraph.security.models import AuditRecord, OutboxEvent

UPSERT = """mutation($s: String!, $a: [AccountRecordInput!]!) { upsertAccounts(input: {source: $s, accounts: $a}) {
  results { index externalId status account { name version } userErrors { field code } } counts { created updated unchanged failed }
  userErrors { code } } }"""


def record(external_id, name, code=None, **extra):
    return {
        "externalId": external_id,
        "name": name,
        "creditCode": code or credit_code(),
        "industryCode": "C39",
        "region": "EAST",
        **extra,
    }


async def test_good_records_apply_and_bad_ones_are_reported_whole(gql):
    first = record("E1", "One")
    result = (
        await gql(
            UPSERT,
            {
                "s": "erp",
                "a": [
                    first,
                    record("E2", "Two"),
                    record("E3", "Bad", code="123"),
                    record("E4", "Bad too", industryCode="internet"),
                ],
            },
        )
    )["upsertAccounts"]
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 2}
    statuses = {r["externalId"]: r["status"] for r in result["results"]}
    assert statuses == {"E1": "CREATED", "E2": "CREATED", "E3": "FAILED", "E4": "FAILED"}
    assert result["results"][2]["userErrors"] == [
        {"field": ["input", "accounts", "2", "creditCode"], "code": "INVALID"}
    ]
    assert result["results"][3]["userErrors"] == [
        {"field": ["input", "accounts", "3", "industryCode"], "code": "INVALID"}
    ]
    assert await Account.all().count() == 2
    assert await OutboxEvent.filter(type="account.created").count() == 2  # nothing of the failed records leaked out
    assert await AuditRecord.filter(action="create", subject_type="Account").count() == 2
    again = (
        await gql(
            UPSERT,
            {
                "s": "erp",
                "a": [
                    first,
                    {**record("E2", "Two, renamed"), "creditCode": (await Account.get(external_id="E2")).credit_code},
                ],
            },
        )
    )["upsertAccounts"]
    assert [r["status"] for r in again["results"]] == ["UNCHANGED", "UPDATED"]
    assert again["results"][1]["account"] == {"name": "Two, renamed", "version": 2}
    other_source = (await gql(UPSERT, {"s": "crm", "a": [record("E1", "Same id, other system")]}))["upsertAccounts"]
    assert other_source["results"][0]["status"] == "CREATED"


async def test_more_than_five_hundred_records_are_refused(gql):
    body = await gql(UPSERT, {"s": "erp", "a": [record(f"X{n}", f"N{n}", code="x") for n in range(501)]}, errors=True)
    assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert await Account.all().count() == 0


UPSERT_PEOPLE = """mutation($s: String!, $p: [PersonRecordInput!]!) { upsertPeople(input: {source: $s, people: $p}) {
  results { status person { name email version account { name } } userErrors { field code } } counts { created updated unchanged failed } } }"""

UPSERT_CONTRACTS = """mutation($s: String!, $c: [ContractRecordInput!]!) { upsertContracts(input: {source: $s, contracts: $c}) {
  results { status contract { number amount { amount } status version instalments { amount } } userErrors { field code } }
  counts { created updated unchanged failed } } }"""


async def test_people_are_synced_against_accounts_of_the_same_source(gql):
    await gql(UPSERT, {"s": "erp", "a": [record("A1", "Acme")]})
    wang = {
        "externalId": "P1",
        "name": "Wang Fang",
        "accountExternalId": "A1",
        "email": "wang@acme.cn",
        "phone": "13812345678",
    }
    result = (
        await gql(
            UPSERT_PEOPLE,
            {
                "s": "erp",
                "p": [
                    wang,
                    {"externalId": "P2", "name": "Nobody's", "accountExternalId": "A404"},
                    {"externalId": "P3", "name": "Bad phone", "accountExternalId": "A1", "phone": "12345"},
                ],
            },
        )
    )["upsertPeople"]
    assert result["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "failed": 2}
    assert result["results"][0]["person"]["account"] == {"name": "Acme"}
    assert result["results"][1]["userErrors"] == [
        {"field": ["input", "people", "1", "accountExternalId"], "code": "NOT_FOUND"}
    ]
    assert result["results"][2]["userErrors"] == [{"field": ["input", "people", "2", "phone"], "code": "INVALID"}]
    again = (await gql(UPSERT_PEOPLE, {"s": "erp", "p": [wang, {**wang, "externalId": "P1b", "name": "Li Na"}]}))[
        "upsertPeople"
    ]
    assert [r["status"] for r in again["results"]] == ["UNCHANGED", "CREATED"]
    moved = (
        await gql(
            UPSERT_PEOPLE,
            {
                "s": "erp",
                "p": [
                    {**wang, "email": "fang.wang@acme.cn"},
                    {**wang, "externalId": "P1b", "kind": "STAFF", "accountExternalId": None},
                ],
            },
        )
    )["upsertPeople"]
    assert (
        moved["results"][0]["person"]["email"] == "fang.wang@acme.cn" and moved["results"][0]["person"]["version"] == 2
    )
    assert moved["results"][1]["userErrors"] == [{"field": ["input", "people", "1", "kind"], "code": "INVALID"}]


async def test_contracts_sync_drafts_and_leave_signed_ones_alone_unless_changed(gql):
    await gql(UPSERT, {"s": "erp", "a": [record("A1", "Acme"), record("A2", "Other")]})
    draft = {
        "externalId": "C1",
        "accountExternalId": "A1",
        "number": "ERP-1",
        "title": "Licence",
        "amount": "1000.00",
        "startOn": "2026-01-01",
        "endOn": "2026-12-31",
        "schedule": [{"dueOn": "2026-02-01", "amount": "400"}, {"dueOn": "2026-06-01", "amount": "600"}],
    }
    created = (
        await gql(
            UPSERT_CONTRACTS,
            {"s": "erp", "c": [draft, {**draft, "externalId": "C2", "number": "ERP-2", "amount": "999.00"}]},
        )
    )["upsertContracts"]
    assert [r["status"] for r in created["results"]] == [
        "CREATED",
        "FAILED",
    ]  # C2's schedule does not add up to its amount
    assert created["results"][0]["contract"]["instalments"] == [{"amount": "400.00"}, {"amount": "600.00"}]
    assert created["results"][1]["userErrors"][0]["code"] == "INVALID"
    assert await Contract.filter(number="ERP-2").count() == 0
    assert (await gql(UPSERT_CONTRACTS, {"s": "erp", "c": [{**draft, "currency": "cny"}]}))["upsertContracts"][
        "counts"
    ]["unchanged"] == 1
    await Contract.filter(number="ERP-1").update(status=ContractStatus.SIGNED)
    resent = (await gql(UPSERT_CONTRACTS, {"s": "erp", "c": [draft, {**draft, "schedule": None}]}))["upsertContracts"]
    assert [r["status"] for r in resent["results"]] == ["UNCHANGED", "UNCHANGED"]
    changed = (
        await gql(
            UPSERT_CONTRACTS,
            {"s": "erp", "c": [{**draft, "title": "Licence v2"}, {**draft, "accountExternalId": "A2"}]},
        )
    )["upsertContracts"]
    assert [e["code"] for r in changed["results"] for e in r["userErrors"]] == ["RULE_VIOLATION", "RULE_VIOLATION"]
    assert (await Contract.get(number="ERP-1")).title == "Licence"
