"""Contract writes: drafts with schedules, the explicit status flow, payments."""

from datetime import timedelta

import pytest
from factories import account, contract, today

from kamgraph.core.contracts.models import Contract, ContractStatus, Instalment, Payment
from kamgraph.ids import to_global_id

CREATE = """mutation($input: CreateContractInput!) { createContract(input: $input) {
  contract { id number status amount { amount currency } instalments { sequence dueOn amount } version }
  userErrors { field code message } } }"""


def draft_input(account_id: str, **changes):
    base = {
        "accountId": account_id,
        "number": "KA-2026-00001",
        "title": "Platform licence",
        "amount": "1000.00",
        "startOn": "2026-01-01",
        "endOn": "2026-12-31",
        "edition": "PREMIUM",
        "schedule": [{"dueOn": "2026-02-01", "amount": "600.00"}, {"dueOn": "2026-08-01", "amount": "400.00"}],
    }
    return base | changes


async def test_create_a_draft_with_its_schedule(gql):
    acme = await account()
    result = (await gql(CREATE, {"input": draft_input(to_global_id("Account", acme.id))}))["createContract"]
    assert result["userErrors"] == []
    created = result["contract"]
    assert (created["status"], created["amount"], created["version"]) == (
        "DRAFT",
        {"amount": "1000.00", "currency": "CNY"},
        1,
    )
    assert [(i["sequence"], i["dueOn"], i["amount"]) for i in created["instalments"]] == [
        (1, "2026-02-01", "600.00"),
        (2, "2026-08-01", "400.00"),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-5"}, ["input", "amount"]),
        ({"amount": "10.001"}, ["input", "amount"]),
        ({"endOn": "2025-12-31"}, ["input", "endOn"]),
        ({"amount": "999.00"}, ["input", "schedule"]),
        ({"schedule": [{"dueOn": "2027-03-01", "amount": "1000.00"}]}, ["input", "schedule", "0", "dueOn"]),
        ({"currency": "yuan"}, ["input", "currency"]),
        ({"accountId": to_global_id("Account", 99999)}, ["input", "accountId"]),
        ({"accountId": "not-an-id"}, ["input", "accountId"]),
    ],
)
async def test_invalid_contracts_are_refused_and_nothing_is_written(gql, changes, field):
    acme = await account()
    result = (await gql(CREATE, {"input": draft_input(to_global_id("Account", acme.id), **changes)}))["createContract"]
    assert result["contract"] is None
    assert field in [e["field"] for e in result["userErrors"]], result["userErrors"]
    assert await Contract.all().count() == 0 and await Instalment.all().count() == 0


async def test_contract_numbers_are_unique(gql):
    acme = await account()
    gid = to_global_id("Account", acme.id)
    await gql(CREATE, {"input": draft_input(gid)})
    again = (await gql(CREATE, {"input": draft_input(gid)}))["createContract"]
    assert again["userErrors"][0]["field"] == ["input", "number"]


STEP = "mutation($id: ID!) {{ {verb}Contract(input: {{id: $id{extra}}}) {{ contract {{ status statusReason signedOn }} userErrors {{ code message }} }} }}"


async def step(gql, verb, contract_id, extra=""):
    return (await gql(STEP.format(verb=verb, extra=extra), {"id": contract_id}))[f"{verb}Contract"]


async def test_the_status_flow_end_to_end(gql):
    acme = await account()
    deal = await contract(acme, status=ContractStatus.DRAFT)
    gid = to_global_id("Contract", deal.id)
    assert (await step(gql, "submit", gid))["contract"]["status"] == "IN_REVIEW"
    returned = await step(gql, "return", gid, ', reason: "Missing SLA annex"')
    assert returned["contract"] == {"status": "DRAFT", "statusReason": "Missing SLA annex", "signedOn": None}
    for verb, status in (
        ("submit", "IN_REVIEW"),
        ("approve", "APPROVED"),
        ("sign", "SIGNED"),
        ("activate", "ACTIVE"),
        ("complete", "COMPLETED"),
    ):
        assert (await step(gql, verb, gid))["contract"]["status"] == status
    assert (await Contract.get(id=deal.id)).signed_on == today()


@pytest.mark.parametrize(
    ("status", "verb"),
    [
        ("DRAFT", "sign"),
        ("DRAFT", "approve"),
        ("SIGNED", "submit"),
        ("COMPLETED", "activate"),
        ("TERMINATED", "complete"),
        ("IN_REVIEW", "expire"),
    ],
)
async def test_illegal_transitions_are_refused(gql, status, verb):
    deal = await contract(await account(), status=ContractStatus(status))
    result = await step(
        gql, verb, to_global_id("Contract", deal.id), ', reason: "x"' if verb in ("return", "terminate") else ""
    )
    assert result["contract"] is None and result["userErrors"][0]["code"] == "RULE_VIOLATION"
    assert (await Contract.get(id=deal.id)).status == ContractStatus(status)


async def test_termination_needs_a_reason(gql):
    deal = await contract(await account(), status=ContractStatus.ACTIVE)
    result = await step(gql, "terminate", to_global_id("Contract", deal.id), ', reason: ""')
    assert result["userErrors"][0]["code"] == "INVALID"


async def test_only_drafts_can_be_edited(gql):
    deal = await contract(await account(), status=ContractStatus.SIGNED)
    result = await gql(
        'mutation($id: ID!) { updateContract(input: {id: $id, title: "New"}) { userErrors { code } } }',
        {"id": to_global_id("Contract", deal.id)},
    )
    assert result["updateContract"]["userErrors"] == [{"code": "RULE_VIOLATION"}]


async def test_editing_a_draft_amount_must_keep_the_schedule_consistent(gql):
    deal = await contract(await account(), amount="1000.00", status=ContractStatus.DRAFT)
    gid = to_global_id("Contract", deal.id)
    bad = await gql(
        'mutation($id: ID!) { updateContract(input: {id: $id, amount: "1500.00"}) { userErrors { field } } }',
        {"id": gid},
    )
    assert bad["updateContract"]["userErrors"] == [{"field": ["input", "schedule"]}]
    start = deal.start_on
    ok = await gql(
        'mutation($id: ID!, $s: [InstalmentInput!]) { updateContract(input: {id: $id, amount: "1500.00", schedule: $s}) {'
        " contract { version amount { amount } instalments { amount } } userErrors { field } } }",
        {"id": gid, "s": [{"dueOn": str(start + timedelta(days=10)), "amount": "1500.00"}]},
    )
    assert ok["updateContract"]["contract"] == {
        "version": 2,
        "amount": {"amount": "1500.00"},
        "instalments": [{"amount": "1500.00"}],
    }


PAY = """mutation($input: RecordPaymentInput!) { recordPayment(input: $input) {
  payment { amount allocations { amount instalment { sequence } } }
  contract { version instalments { sequence paidAmount paidOn } receivables { paid outstanding } }
  userErrors { field code message } } }"""


async def test_a_payment_settles_the_oldest_instalments_first(gql):
    deal = await contract(await account(), amount="1000.00", instalments=2)
    gid = to_global_id("Contract", deal.id)
    paid_on = str(today())
    result = (
        await gql(PAY, {"input": {"contractId": gid, "amount": "700.00", "paidOn": paid_on, "reference": "BANK-1"}})
    )["recordPayment"]
    assert result["userErrors"] == []
    assert result["payment"]["allocations"] == [
        {"amount": "500.00", "instalment": {"sequence": 1}},
        {"amount": "200.00", "instalment": {"sequence": 2}},
    ]
    assert result["contract"]["instalments"] == [
        {"sequence": 1, "paidAmount": "500.00", "paidOn": paid_on},
        {"sequence": 2, "paidAmount": "200.00", "paidOn": None},
    ]
    assert result["contract"]["receivables"] == {"paid": "700.00", "outstanding": "300.00"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"amount": "1000.01"}, "RULE_VIOLATION"),
        ({"amount": "0"}, "INVALID"),
        ({"amount": "-1"}, "INVALID"),
        ({"paidOn": str(today() + timedelta(days=2))}, "INVALID"),
    ],
)
async def test_bad_payments_are_refused_and_change_nothing(gql, changes, code):
    deal = await contract(await account(), amount="1000.00")
    payment = {"contractId": to_global_id("Contract", deal.id), "amount": "10.00", "paidOn": str(today())} | changes
    result = (await gql(PAY, {"input": payment}))["recordPayment"]
    assert result["payment"] is None and result["userErrors"][0]["code"] == code
    assert await Payment.all().count() == 0
    assert {i.paid_amount for i in await Instalment.filter(contract_id=deal.id)} == {0}


async def test_payments_against_unsigned_contracts_are_refused(gql):
    deal = await contract(await account(), status=ContractStatus.DRAFT)
    result = await gql(
        PAY, {"input": {"contractId": to_global_id("Contract", deal.id), "amount": "1.00", "paidOn": str(today())}}
    )
    assert result["recordPayment"]["userErrors"][0]["code"] == "RULE_VIOLATION"


async def test_archiving_an_active_contract_is_refused(gql):
    deal = await contract(await account(), status=ContractStatus.ACTIVE)
    result = await gql(
        "mutation($id: ID!) { archiveContract(input: {id: $id}) { userErrors { code } } }",
        {"id": to_global_id("Contract", deal.id)},
    )
    assert result["archiveContract"]["userErrors"] == [{"code": "RULE_VIOLATION"}]


async def test_references_must_be_live_and_renewals_stay_with_the_customer(gql):
    acme, other = await account(name="Acme"), await account(name="Other")
    old = await contract(other, status=ContractStatus.COMPLETED)
    renewal = draft_input(to_global_id("Account", acme.id), renewsId=to_global_id("Contract", old.id))
    result = (await gql(CREATE, {"input": renewal}))["createContract"]
    assert [e["field"] for e in result["userErrors"]] == [["input", "renewsId"]]
    await gql(
        "mutation($id: ID!) { archiveAccount(input: {id: $id}) { userErrors { code } } }",
        {"id": to_global_id("Account", acme.id)},
    )
    result = (await gql(CREATE, {"input": draft_input(to_global_id("Account", acme.id))}))["createContract"]
    assert result["userErrors"] == [
        {"field": ["input", "accountId"], "code": "RULE_VIOLATION", "message": result["userErrors"][0]["message"]}
    ]
    assert "archived" in result["userErrors"][0]["message"]
    same = draft_input(to_global_id("Account", other.id), renewsId=to_global_id("Contract", old.id))
    assert (await gql(CREATE, {"input": same}))["createContract"]["userErrors"] == []
