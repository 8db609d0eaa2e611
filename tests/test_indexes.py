"""The access paths every page takes are indexed, on both databases, whatever the migrations rebuilt
(SQLite rebuilds a table to change a column, and the rebuilt table has lost its hand-made indexes)."""

from kamgraph import db

EXPECTED = {
    "idx_account_owner",
    "idx_account_parent",
    "idx_person_account_kind",
    "uniq_team_member",
    "idx_team_member_person",
    "idx_contract_account_status",
    "uniq_instalment_sequence",
    "idx_payment_contract",
    "idx_allocation_payment",
    "idx_allocation_instalment",
    "uniq_staff_role",
    "idx_tier_review_account",
}


async def test_the_hand_made_indexes_exist(database):
    if db.dialect() == "postgres":
        _, rows = await db.db().execute_query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    else:
        _, rows = await db.db().execute_query("SELECT name FROM sqlite_master WHERE type = 'index'")
    assert EXPECTED <= {row[0] for row in rows}


async def test_contacts_of_an_account_are_found_through_an_index(database):
    if db.dialect() == "sqlite":
        _, plan = await db.db().execute_query('EXPLAIN QUERY PLAN SELECT id FROM "person" WHERE "account_id" IN (1, 2)')
        assert any("idx_person_account_kind" in str(row[-1]) for row in plan), [tuple(r) for r in plan]
    else:  # PostgreSQL plans by statistics (a near-empty table is scanned); what it can use is the index itself
        _, rows = await db.db().execute_query(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_person_account_kind'"
        )
        assert rows and "(account_id, kind)" in rows[0][0].replace('"', "")  # the account first: usable for IN
