"""The tickets plugin's tests, on kamgraph.testing's fixtures (no conftest): run `pytest` in this folder."""

from datetime import UTC, datetime, timedelta

from kam_tickets.models import Ticket

OPEN = """mutation($account: ID!, $title: String!) { openTicket(input: {accountId: $account, title: $title}) {
  ticket { id title status } userErrors { field code } } }"""
CLOSE = """mutation($id: ID!, $resolution: String!) { closeTicket(input: {id: $id, resolution: $resolution}) {
  ticket { status resolution } userErrors { field code } } }"""
ON_ACCOUNT = """query($id: ID!) { account(id: $id) { tickets(filter: {status: {eq: OPEN}}) { totalCount } } }"""


async def test_a_manager_opens_one_on_their_account_and_closes_it(graphql, as_role, factories, events):
    manager = await as_role("ACCOUNT_MANAGER")
    account = await factories.account(owner=manager.person)
    opened = await graphql(OPEN, {"account": account.node_id, "title": "Invoice address"}, actor=manager.actor)
    assert opened["openTicket"]["userErrors"] == []
    assert (await graphql(ON_ACCOUNT, {"id": account.node_id}, actor=manager.actor))["account"] == {
        "tickets": {"totalCount": 1}
    }
    row_id = opened["openTicket"]["ticket"]["id"]
    closed = await graphql(CLOSE, {"id": row_id, "resolution": "Fixed"}, actor=manager.actor)
    assert closed["closeTicket"] == {"ticket": {"status": "CLOSED", "resolution": "Fixed"}, "userErrors": []}
    assert [e.type for e in events] == ["tickets.ticket.opened", "tickets.ticket.closed"]


async def test_bad_input_is_a_user_error_and_changes_nothing(graphql, as_role, factories):
    manager = await as_role("ACCOUNT_MANAGER")
    account = await factories.account(owner=manager.person)
    refused = await graphql(OPEN, {"account": account.node_id, "title": "  "}, actor=manager.actor)
    assert refused["openTicket"] == {"ticket": None, "userErrors": [{"field": ["input", "title"], "code": "INVALID"}]}
    assert (await graphql("{ tickets { totalCount } }", actor=manager.actor))["tickets"]["totalCount"] == 0
    opened = await graphql(OPEN, {"account": account.node_id, "title": "Invoice address"}, actor=manager.actor)
    row_id = opened["openTicket"]["ticket"]["id"]
    await graphql(CLOSE, {"id": row_id, "resolution": "Fixed"}, actor=manager.actor)
    again = await graphql(CLOSE, {"id": row_id, "resolution": "Fixed again"}, actor=manager.actor)
    assert again["closeTicket"]["userErrors"] == [{"field": ["input", "id"], "code": "RULE_VIOLATION"}]
    gone = await factories.account(owner=manager.person, archived_at=datetime.now(UTC))
    late = await graphql(OPEN, {"account": gone.node_id, "title": "Too late"}, actor=manager.actor)
    assert late["openTicket"]["userErrors"] == [{"field": ["input", "accountId"], "code": "RULE_VIOLATION"}]


async def test_other_managers_accounts_stay_out_of_reach(graphql, as_role, factories):
    manager, other = await as_role("ACCOUNT_MANAGER"), await as_role("ACCOUNT_MANAGER", "Other Manager")
    account = await factories.account(owner=other.person)
    await Ticket.create(account=account, title="Theirs", opened_by="Other Manager")
    refused = await graphql(OPEN, {"account": account.node_id, "title": "Mine?"}, actor=manager.actor)
    assert refused["openTicket"]["userErrors"] == [{"field": ["input", "accountId"], "code": "NOT_FOUND"}]
    assert (await graphql("{ tickets { totalCount } }", actor=manager.actor))["tickets"]["totalCount"] == 0
    assert (await graphql("{ tickets { totalCount } }", actor=other.actor))["tickets"]["totalCount"] == 1


async def test_the_daily_job_reports_what_is_open_too_long(graphql, factories, run_job, events):
    account = await factories.account()
    late = await Ticket.create(account=account, title="Old", opened_by="Demo")
    await Ticket.filter(id=late.id).update(created_at=datetime.now(UTC) - timedelta(days=15))
    await Ticket.create(account=account, title="New", opened_by="Demo")
    run = await run_job("tickets.report_overdue")
    assert (run.status, [e.subject for e in events]) == ("succeeded", [late.node_id])
    await run_job("tickets.report_overdue")  # a run repeated reports nothing twice
    assert [e.subject for e in events] == [late.node_id]
