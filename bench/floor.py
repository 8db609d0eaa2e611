"""The floor: the database driver alone fetching the rows a scenario returns, plus ``orjson.dumps`` of
the same JSON document. No GraphQL, no ORM, no authorization: what no API over this database can beat.
aiosqlite on SQLite and asyncpg on PostgreSQL, the drivers kamgraph itself runs on."""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import orjson


def gid(kind: str, key: int) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


class Driver:
    """One connection, ``?`` placeholders whatever the database, rows as tuples."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgres")
        self.connection: Any = None

    async def open(self, pool: int = 0) -> Driver:
        """One connection, or on PostgreSQL a pool of ``pool`` (for concurrent requests; aiosqlite queues them)."""
        if self.postgres:
            import asyncpg

            self.connection = await (
                asyncpg.create_pool(self.url, min_size=1, max_size=pool) if pool else asyncpg.connect(self.url)
            )
        else:
            import aiosqlite

            self.connection = await aiosqlite.connect(self.url.removeprefix("sqlite://"))
            await self.connection.execute("PRAGMA journal_mode=WAL")
        return self

    async def close(self) -> None:
        await self.connection.close()

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        if self.postgres:
            numbered, n = [], 0
            for part in sql.split("?"):
                numbered.append(part)
                n += 1
                numbered.append(f"${n}")
            return [tuple(r) for r in await self.connection.fetch("".join(numbered[:-1]), *params)]
        return list(await self.connection.execute_fetchall(sql, params))

    async def write_transaction(self, statements: list[tuple[str, list[Any]]]) -> None:
        if self.postgres:
            async with self.connection.transaction():
                for sql, params in statements:
                    await self.fetch(sql, params)
            return
        await self.connection.execute("BEGIN IMMEDIATE")
        for sql, params in statements:
            await self.connection.execute(sql, params)
        await self.connection.commit()

    def any_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """``column IN (...)``: one array parameter on PostgreSQL, one placeholder per value on SQLite."""
        if self.postgres:
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def money(value: Any) -> str:
    return f"{value:.2f}" if not isinstance(value, str) else value


async def portfolio(driver: Driver, first: int = 50, contracts: int = 20, payments: int = 3) -> bytes:
    accounts = await driver.fetch(
        "SELECT id, name, credit_code, industry_code, region, size, status, tier, version, owner_id FROM account "
        "WHERE archived_at IS NULL ORDER BY id LIMIT ?",
        [first],
    )
    in_owners, owner_params = driver.any_of("id", sorted({a[9] for a in accounts}))
    owners = {r[0]: r[1] for r in await driver.fetch(f"SELECT id, name FROM person WHERE {in_owners}", owner_params)}
    in_accounts, account_params = driver.any_of("account_id", [a[0] for a in accounts])
    contract_rows = await driver.fetch(
        "SELECT * FROM (SELECT id, account_id, number, title, edition, status, signed_on, start_on, "
        f"ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY id) AS rn FROM contract WHERE {in_accounts}) w WHERE rn <= ?",
        [*account_params, contracts],
    )
    in_contracts, contract_params = driver.any_of("contract_id", [c[0] for c in contract_rows])
    payment_rows = await driver.fetch(
        "SELECT * FROM (SELECT contract_id, amount, paid_on, id, ROW_NUMBER() OVER (PARTITION BY contract_id "
        f"ORDER BY paid_on DESC, id DESC) AS rn FROM payment WHERE {in_contracts}) w WHERE rn <= ? ORDER BY paid_on, id",
        [*contract_params, payments],
    )
    paid = defaultdict(list)
    for contract_id, amount, paid_on, *_ in payment_rows:
        paid[contract_id].append({"amount": money(amount), "paidOn": str(paid_on)})
    by_account = defaultdict(list)
    for c in contract_rows:
        by_account[c[1]].append(
            {
                "node": {
                    "number": c[2],
                    "title": c[3],
                    "edition": c[4],
                    "status": c[5],
                    "signedOn": None if c[6] is None else str(c[6]),
                    "startOn": str(c[7]),
                    "payments": paid[c[0]],
                }
            }
        )
    edges = [
        {
            "node": {
                "name": a[1],
                "creditCode": a[2],
                "industryCode": a[3],
                "region": a[4],
                "size": a[5],
                "status": a[6],
                "tier": a[7],
                "version": a[8],
                "owner": {"name": owners.get(a[9])},
                "contracts": {"edges": by_account[a[0]]},
            }
        }
        for a in accounts
    ]
    return orjson.dumps({"data": {"accounts": {"edges": edges}}})


async def export(driver: Driver, first: int = 1000, contracts: int = 50) -> bytes:
    accounts = await driver.fetch(
        "SELECT id, name, credit_code, region, tier, status, version FROM account WHERE archived_at IS NULL ORDER BY id LIMIT ?",
        [first],
    )
    in_accounts, params = driver.any_of("account_id", [a[0] for a in accounts])
    rows = await driver.fetch(
        "SELECT * FROM (SELECT account_id, number, title, status, signed_on, start_on, "
        f"ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY id) AS rn FROM contract WHERE {in_accounts}) w WHERE rn <= ?",
        [*params, contracts],
    )
    by_account = defaultdict(list)
    for c in rows:
        by_account[c[0]].append(
            {
                "node": {
                    "number": c[1],
                    "title": c[2],
                    "status": c[3],
                    "signedOn": None if c[4] is None else str(c[4]),
                    "startOn": str(c[5]),
                }
            }
        )
    edges = [
        {
            "node": {
                "name": a[1],
                "creditCode": a[2],
                "region": a[3],
                "tier": a[4],
                "status": a[5],
                "version": a[6],
                "contracts": {"edges": by_account[a[0]]},
            }
        }
        for a in accounts
    ]
    return orjson.dumps({"data": {"accounts": {"edges": edges}}})


async def deep_page(driver: Driver, after_id: int, first: int = 50) -> bytes:
    rows = await driver.fetch(
        "SELECT id, number, title, status FROM contract WHERE archived_at IS NULL AND id > ? ORDER BY id LIMIT ?",
        [after_id, first],
    )
    return orjson.dumps(
        {"data": {"contracts": {"edges": [{"node": {"number": r[1], "title": r[2], "status": r[3]}} for r in rows]}}}
    )


async def aggregate(driver: Driver) -> bytes:
    total = "SUM(c.amount)" if driver.postgres else "SUM(CAST(ROUND(c.amount * 100) AS INTEGER))"
    rows = await driver.fetch(
        f"SELECT a.region, a.tier, COUNT(*), {total} FROM contract c JOIN account a ON a.id = c.account_id "
        "WHERE c.archived_at IS NULL GROUP BY a.region, a.tier ORDER BY a.region, a.tier"
    )
    scale = 1 if driver.postgres else 100
    groups = [{"keys": {"region": r[0], "tier": r[1]}, "count": r[2], "amount": str(r[3] / scale)} for r in rows]
    return orjson.dumps({"data": {"contractsAggregate": {"groups": groups}}})


def timestamp(value: Any) -> str:
    return value.isoformat() if not isinstance(value, str) else value.replace(" ", "T", 1)


async def lookup(driver: Driver, account_id: int) -> bytes:
    """The point lookup: account with industry names (shipped data) and owner in one join, then team, contacts
    and contracts: the fewest statements that can fetch it."""
    from kamgraph.core.accounts.types import Industry

    (a,) = await driver.fetch(
        "SELECT a.id, a.name, a.credit_code, a.industry_code, a.region, a.size, a.status, a.tier, a.version, a.external_id, "
        "a.source, a.created_at, a.updated_at, o.name, o.title FROM account a LEFT JOIN person o ON o.id = a.owner_id "
        "WHERE a.id = ? AND a.archived_at IS NULL",
        [account_id],
    )
    team = await driver.fetch(
        "SELECT m.role, p.name FROM account_team_member m JOIN person p ON p.id = m.person_id "
        "WHERE m.account_id = ? ORDER BY m.id",
        [account_id],
    )
    contacts = await driver.fetch(
        "SELECT name, title, relationship_level FROM person WHERE account_id = ? AND archived_at IS NULL "
        "ORDER BY id LIMIT 5",
        [account_id],
    )
    contracts = await driver.fetch(
        "SELECT number, title, status, signed_on, amount, currency FROM contract "
        "WHERE account_id = ? AND archived_at IS NULL ORDER BY id LIMIT 5",
        [account_id],
    )
    industry = Industry.of(a[3])
    return orjson.dumps(
        {
            "data": {
                "account": {
                    "id": gid("Account", a[0]),
                    "name": a[1],
                    "creditCode": a[2],
                    "industryCode": a[3],
                    "region": a[4],
                    "size": a[5],
                    "status": a[6],
                    "tier": a[7],
                    "version": a[8],
                    "externalId": a[9],
                    "source": a[10],
                    "createdAt": timestamp(a[11]),
                    "updatedAt": timestamp(a[12]),
                    "industry": {
                        "code": industry.code,
                        "sectionName": industry.section_name,
                        "divisionName": industry.division_name,
                    },
                    "owner": {"name": a[13], "title": a[14]},
                    "team": [{"role": role, "person": {"name": name}} for role, name in team],
                    "contacts": {
                        "edges": [{"node": {"name": n, "title": t, "relationshipLevel": r}} for n, t, r in contacts]
                    },
                    "contracts": {
                        "edges": [
                            {
                                "node": {
                                    "number": c[0],
                                    "title": c[1],
                                    "status": c[2],
                                    "signedOn": None if c[3] is None else str(c[3]),
                                    "amount": {"amount": money(c[4]), "currency": c[5]},
                                }
                            }
                            for c in contracts
                        ]
                    },
                }
            }
        }
    )


def lookup_app(url: str) -> Any:
    """The floor of the point lookup as a server: a bare ASGI callable (no framework) under the same uvicorn,
    reading the account id from the same GraphQL request body; one SQLite connection, or a PostgreSQL pool
    as large as tortoise's default (5)."""
    driver = Driver(url)

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                if message["type"] == "lifespan.startup":
                    await driver.open(pool=5)
                    await send({"type": "lifespan.startup.complete"})
            await driver.close()
            await send({"type": "lifespan.shutdown.complete"})
            return
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        if scope["path"] == "/healthz":
            document = b"{}"
        else:
            key = orjson.loads(body)["variables"]["id"]
            document = await lookup(
                driver, int(base64.b64decode(key + "=" * (-len(key) % 4)).decode().partition(":")[2])
            )
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(document)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": document})

    return app


if __name__ == "__main__":  # python bench/floor.py URL PORT: serve the point lookup's floor
    import sys

    import uvicorn

    uvicorn.run(lookup_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", lifespan="on")
