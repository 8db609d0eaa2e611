"""SQL statements per request depend on the query's depth, never on its page size."""

from factories import account, contact, contract, staff

from kamgraph.core.contracts.models import Payment

QUERY = """query($n: Int!) { accounts(first: $n) { totalCount edges { node {
  name owner { name roles } team { role person { name } }
  contacts(first: 3) { edges { node { name } } }
  contracts(first: 10) { totalCount edges { node { number amount { amount } account { name }
    instalments { dueOn } payments { amount paidOn allocations { amount } } } } }
} } } }"""


async def seed(count: int) -> None:
    owner = await staff()
    for i in range(count):
        acc = await account(name=f"Account {i:03d}", owner=owner)
        await contact(acc)
        for _ in range(2):
            deal = await contract(acc, instalments=2)
            await Payment.create(contract=deal, amount="10.00", paid_on=deal.start_on)


async def test_statement_count_does_not_grow_with_page_size(gql, sql_counter):
    await seed(50)
    counts = {}
    for size in (5, 50):
        sql_counter.statements.clear()
        data = await gql(QUERY, {"n": size})
        assert len(data["accounts"]["edges"]) == size
        assert all(len(e["node"]["contracts"]["edges"]) == 2 for e in data["accounts"]["edges"])
        counts[size] = len(sql_counter.statements)
    assert counts[5] == counts[50], counts
    # accounts, totalCount, people (owner and team members in one batch), roles, team, contacts,
    # contracts, their counts, contract.account, instalments, payments, allocations; then the audit of the
    # sensitive amounts read: the accounts of the payments (one query per hop) and one insert
    assert counts[50] == 14, sql_counter.statements
