"""The benchmark data set: deterministic, written straight into the tables in large batches.

Scale 1 is 10,000 accounts (each owned by one of 200 account managers, with 2 contacts and its owner on
the team), 100,000 contracts and 300,000 payments; ``--scale 10`` is ten times that. The database is made
once per scale and reused: a SQLite file under ``bench/.data/``, or a PostgreSQL database
``kamgraph_bench_<scale>`` beside the one ``KAMGRAPH_TEST_DATABASE_URL`` names.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tortoise.models import Model

from kamgraph import db
from kamgraph.core.accounts.models import (
    Account,
    AccountTeamMember,
    Region,
    TeamRole,
    Tier,
)
from kamgraph.core.accounts.rules import credit_code_check_character
from kamgraph.core.contracts.models import Contract, ContractStatus, Edition, Payment
from kamgraph.core.people.models import Person, PersonKind, RelationshipLevel, StaffRole
from kamgraph.db.migrations import migrate
from kamgraph.security.actors import Role
from kamgraph.settings import Settings

HERE = Path(__file__).parent
MANAGERS = 200
CONTRACTS_PER_ACCOUNT = 10
PAYMENTS_PER_CONTRACT = 3
BATCH = 5000
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def settings_for(scale: int, postgres_url: str | None) -> Settings:
    if postgres_url:
        base, _, _ = postgres_url.rpartition("/")
        url = f"{base}/kamgraph_bench_{scale}"
    else:
        (HERE / ".data").mkdir(exist_ok=True)
        url = f"sqlite://{HERE / '.data' / f'bench-{scale}.sqlite3'}"
    return Settings(
        database_url=url,
        secret_key="k2JgW8oO9v3Ecu6Yl+1X4bq6L6m1ZzQ8e8b0m3B1c2U=",
        plugins=(),
        rate_limit_per_address=0,
        rate_limit_per_credential=0,
        webhook_worker=False,
        job_scheduler=False,
    )


async def ensure_data(settings: Settings, pm: Any, scale: int) -> dict[str, int]:
    """Migrate and fill the database unless it already holds this scale's data; returns the row counts."""
    await migrate(pm)
    accounts = 10_000 * scale
    if await Payment.all().count() != accounts * CONTRACTS_PER_ACCOUNT * PAYMENTS_PER_CONTRACT:  # written last
        await _generate(accounts)
    return {"accounts": accounts, "contracts": await Contract.all().count(), "payments": await Payment.all().count()}


async def _generate(accounts: int) -> None:
    rng = random.Random(2026)
    for model in (Payment, Contract, AccountTeamMember, Account, StaffRole, Person):
        await model.all().delete()
    managers = [
        dict(id=n, kind=PersonKind.STAFF, name=f"Manager {n}", region=Region.EAST.value) for n in range(1, MANAGERS + 1)
    ]
    await _insert(Person, managers)
    await _insert(StaffRole, [dict(id=n, person_id=n, role=Role.ACCOUNT_MANAGER) for n in range(1, MANAGERS + 1)])
    regions, tiers = list(Region), [Tier.STRATEGIC] + [Tier.CORE] * 3 + [Tier.POTENTIAL] * 6
    await _insert(
        Account,
        (
            dict(
                id=n,
                name=f"Bench account {n} 有限公司",
                credit_code=_credit_code(n),
                industry_code="C39",
                industry_section="C",
                region=regions[n % len(regions)],
                tier=tiers[n % 10],
                owner_id=1 + n % MANAGERS,
                external_id=f"BA-{n}",
                source="bench",
            )
            for n in range(1, accounts + 1)
        ),
    )
    await _insert(
        AccountTeamMember,
        (
            dict(id=n, account_id=n, person_id=1 + n % MANAGERS, role=TeamRole.ACCOUNT_MANAGER)
            for n in range(1, accounts + 1)
        ),
    )
    await _insert(
        Person,
        (
            dict(
                id=MANAGERS + n,
                kind=PersonKind.CONTACT,
                name=f"Contact {n}",
                account_id=1 + (n - 1) // 2,
                relationship_level=RelationshipLevel.EXECUTIVE if n % 2 else RelationshipLevel.MANAGEMENT,
            )
            for n in range(1, 2 * accounts + 1)
        ),
    )
    statuses = [ContractStatus.ACTIVE] * 5 + [
        ContractStatus.SIGNED,
        ContractStatus.COMPLETED,
        ContractStatus.EXPIRED,
        ContractStatus.DRAFT,
        ContractStatus.TERMINATED,
    ]
    start = date(2024, 1, 1)

    def contracts():
        for n in range(1, accounts * CONTRACTS_PER_ACCOUNT + 1):
            begins = start + timedelta(days=rng.randrange(0, 900))
            status = statuses[n % len(statuses)]
            yield dict(
                id=n,
                number=f"B-{n:08d}",
                account_id=1 + (n - 1) // CONTRACTS_PER_ACCOUNT,
                title=f"Licence {n}",
                edition=list(Edition)[n % 3],
                amount=Decimal(rng.randrange(10_000, 5_000_000)) / 100 * 100,
                status=status,
                signed_on=None if status is ContractStatus.DRAFT else begins - timedelta(days=10),
                start_on=begins,
                end_on=begins + timedelta(days=365),
                payment_terms_days=30,
                external_id=f"BC-{n}",
                source="bench",
            )

    await _insert(Contract, contracts())

    def payments():
        for n in range(1, accounts * CONTRACTS_PER_ACCOUNT * PAYMENTS_PER_CONTRACT + 1):
            contract = 1 + (n - 1) // PAYMENTS_PER_CONTRACT
            yield dict(
                id=n,
                contract_id=contract,
                amount=Decimal(rng.randrange(1_000, 100_000)),
                paid_on=start + timedelta(days=30 * (n % 24)),
                reference=f"P-{n}",
            )

    await _insert(Payment, payments())
    if db.dialect() == "postgres":  # the explicit ids above leave the sequences behind
        for model in (Person, StaffRole, Account, AccountTeamMember, Contract, Payment):
            table = model._meta.db_table
            await db.db().execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    await db.db().execute_script("ANALYZE")


def _credit_code(n: int) -> str:
    body = f"91310000{n:09d}"
    return body + credit_code_check_character(body)


async def _insert(model: type[Model], rows: Any) -> None:
    """INSERT in batches, every value converted by its field as tortoise would (defaults filled in)."""
    projection = model._meta.fields_db_projection  # field name -> column, foreign keys as <name>_id
    names = list(projection)
    fields = [model._meta.fields_map[name] for name in names]
    columns = ", ".join(f'"{column}"' for column in projection.values())
    postgres = db.dialect() == "postgres"
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, len(names) + 1))
    sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({marks})'
    batch = []
    for row in rows:
        batch.append(
            [_db_value(field, row.get(name, _default(field)), model) for name, field in zip(names, fields, strict=True)]
        )
        if len(batch) == BATCH:
            await db.db().execute_many(sql, batch)
            batch = []
    if batch:
        await db.db().execute_many(sql, batch)


def _default(field: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return NOW
    default = field.default
    return default() if callable(default) else default


def _db_value(field: Any, value: Any, model: type[Model]) -> Any:
    return field.to_db_value(value, model) if value is not None else None
