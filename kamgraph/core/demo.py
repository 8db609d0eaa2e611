"""Deterministic demo data: staff in every role, 240 accounts, contacts, 1,200+ contracts with schedules.

Everything derives from ``random.Random(seed)`` and ``today``, so the same seed on the same day gives
the same rows. Tiers are computed from the generated contracts with the real rules, so the demo's
tiers agree with ``evaluateTiers``. Rows are bulk-inserted in one transaction: seeding takes seconds.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from kamgraph.core.accounts.models import (
    Account,
    AccountSize,
    AccountStatus,
    AccountTeamMember,
    Region,
    TeamRole,
    Tier,
)
from kamgraph.core.accounts.rules import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    tier_for,
    trailing_window_start,
)
from kamgraph.core.contracts.models import (
    Contract,
    ContractStatus,
    Edition,
    Instalment,
    Payment,
    PaymentAllocation,
)
from kamgraph.core.contracts.rules import SIGNED_STATUSES
from kamgraph.core.people.models import (
    Person,
    PersonKind,
    PersonStatus,
    RelationshipLevel,
    StaffRole,
)
from kamgraph.db import write_transaction
from kamgraph.security.actors import Role
from kamgraph.security.auth import hash_password, login_index
from kamgraph.security.models import Login
from kamgraph.settings import Settings

ACCOUNTS = 240
DEMO_DOMAIN = "demo.kamgraph"
DEMO_PASSWORD = "kamgraph-demo"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
    "建国",
    "晓东",
    "海燕",
    "志强",
    "雪梅",
]
PINYIN = [
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "wu",
    "zhou",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
]
CITIES = [
    ("上海", "310000", Region.EAST),
    ("杭州", "330100", Region.EAST),
    ("南京", "320100", Region.EAST),
    ("苏州", "320500", Region.EAST),
    ("广州", "440100", Region.SOUTH),
    ("深圳", "440300", Region.SOUTH),
    ("北京", "110000", Region.NORTH),
    ("天津", "120000", Region.NORTH),
    ("武汉", "420100", Region.CENTRAL),
    ("长沙", "430100", Region.CENTRAL),
    ("成都", "510100", Region.SOUTHWEST),
    ("重庆", "500000", Region.SOUTHWEST),
    ("西安", "610100", Region.NORTHWEST),
    ("沈阳", "210100", Region.NORTHEAST),
]
BRANDS = [
    "华信",
    "中联",
    "恒瑞",
    "远航",
    "天成",
    "鼎盛",
    "金桥",
    "瑞丰",
    "东方",
    "新元",
    "宏图",
    "博远",
    "嘉禾",
    "长青",
    "海创",
    "智达",
    "卓越",
    "正泰",
    "安泰",
    "国睿",
]
INDUSTRIES = {  # GB/T 4754 division -> company name suffix
    "C39": "电子科技",
    "C36": "汽车零部件",
    "C27": "医药",
    "C35": "精密机械",
    "C26": "化工",
    "J66": "银行",
    "J68": "保险",
    "J67": "证券",
    "I65": "软件",
    "I64": "网络科技",
    "Q84": "医疗集团",
    "G56": "航空物流",
    "D44": "能源",
    "F51": "供应链",
    "M73": "研究院",
}
TITLES = {
    RelationshipLevel.EXECUTIVE: ["总经理", "首席信息官", "副总裁"],
    RelationshipLevel.MANAGEMENT: ["采购总监", "IT经理", "财务经理"],
    RelationshipLevel.OPERATIONAL: ["采购专员", "系统管理员", "项目助理"],
}
CONTRACT_TITLES = ["年度软件许可", "数字化平台建设", "运维服务", "数据中台项目", "咨询服务", "系统集成", "云资源订阅"]

#: how many of each role the demo has; e-mails are <role-with-hyphens>[-n]@demo.kamgraph
STAFF = {
    Role.KA_DIRECTOR: 1,
    Role.INDUSTRY_DIRECTOR: 3,
    Role.REGIONAL_DIRECTOR: 4,
    Role.ACCOUNT_MANAGER: 20,
    Role.SOLUTION_EXPERT: 4,
    Role.CUSTOMER_SUCCESS_MANAGER: 4,
    Role.DATA_ANALYST: 2,
    Role.CONTRACT_SPECIALIST: 2,
    Role.SERVICE_AGENT: 2,
    Role.INTEGRATION: 1,
}
DIRECTOR_LINES = ["C", "J", "Q"]  # manufacturing, finance, healthcare
DIRECTOR_REGIONS = [Region.EAST, Region.SOUTH, Region.NORTH, Region.CENTRAL]


def demo_email(role: Role, n: int) -> str:
    base = role.value.lower().replace("_", "-")
    return f"{base}@{DEMO_DOMAIN}" if n == 1 else f"{base}-{n}@{DEMO_DOMAIN}"


def credit_code(rng: random.Random, area: str) -> str:
    body = "91" + area + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_character(body)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


async def seed_core(seed: int, today: date) -> None:
    rng = random.Random(seed)
    async with write_transaction():
        staff = await _seed_staff(rng)
        accounts = await _seed_accounts(rng, staff)
        await _seed_contacts(rng, accounts)
        await _seed_contracts(rng, accounts, today)


async def _seed_staff(rng: random.Random) -> dict[Role, list[Person]]:
    people: list[Person] = []
    for role, count in STAFF.items():
        for n in range(1, count + 1):
            people.append(
                Person(
                    kind=PersonKind.STAFF,
                    name=person_name(rng),
                    title=role.value.replace("_", " ").title(),
                    email=demo_email(role, n),
                    phone=mobile(rng),
                    industry_section=DIRECTOR_LINES[n - 1] if role is Role.INDUSTRY_DIRECTOR else None,
                    region=DIRECTOR_REGIONS[n - 1].value if role is Role.REGIONAL_DIRECTOR else None,
                )
            )
    await Person.bulk_create(people)
    people = await Person.filter(kind=PersonKind.STAFF).order_by("id")
    by_role: dict[Role, list[Person]] = {}
    roles = []
    index = 0
    for role, count in STAFF.items():
        by_role[role] = people[index : index + count]
        roles += [StaffRole(person_id=p.id, role=role) for p in by_role[role]]
        index += count
    await StaffRole.bulk_create(roles)
    # every demo user logs in with the same password; one argon2 hash serves them all (seeding stays fast)
    password_hash = hash_password(DEMO_PASSWORD)
    await Login.bulk_create(
        [Login(person_id=p.id, email_index=login_index(p.email), password_hash=password_hash) for p in people]
    )
    return by_role


async def _seed_accounts(rng: random.Random, staff: dict[Role, list[Person]]) -> list[Account]:
    managers = staff[Role.ACCOUNT_MANAGER]
    rows, used = [], set()
    for i in range(ACCOUNTS):
        city, area, region = rng.choice(CITIES)
        industry = rng.choice(list(INDUSTRIES))
        name = f"{city}{rng.choice(BRANDS)}{INDUSTRIES[industry]}{'股份' if i % 3 else ''}有限公司"
        while name in used:
            name = name.replace("有限公司", f"{len(used) % 9 + 1}号有限公司")
        used.add(name)
        rows.append(
            Account(
                name=name,
                credit_code=credit_code(rng, area),
                industry_code=industry,
                industry_section=industry[0],
                region=region,
                size=rng.choice(list(AccountSize)),
                status=AccountStatus.ACTIVE,
                owner_id=rng.choice(managers).id,
                source="demo",
                external_id=f"CRM-{10000 + i}",
            )
        )
    await Account.bulk_create(rows)
    accounts = await Account.all().order_by("id")
    team = []
    experts, csms = staff[Role.SOLUTION_EXPERT], staff[Role.CUSTOMER_SUCCESS_MANAGER]
    for i, account in enumerate(accounts):
        large = _profile(i)[0] >= 8  # the accounts that will be strategic get the iron triangle, mostly
        team.append(AccountTeamMember(account_id=account.id, person_id=account.owner_id, role=TeamRole.ACCOUNT_MANAGER))
        if large or i % 3 == 0:
            team.append(
                AccountTeamMember(
                    account_id=account.id, person_id=experts[i % len(experts)].id, role=TeamRole.SOLUTION_EXPERT
                )
            )
        if (large and i % 60) or i % 7 == 0:  # a few strategic accounts lack a success manager: a visible warning
            team.append(
                AccountTeamMember(
                    account_id=account.id, person_id=csms[i % len(csms)].id, role=TeamRole.CUSTOMER_SUCCESS_MANAGER
                )
            )
        if i % 10 == 0:  # a second account manager shares a few accounts, so team scopes differ from ownership
            other = next(m for m in managers[i % len(managers) :] + managers if m.id != account.owner_id)
            team.append(AccountTeamMember(account_id=account.id, person_id=other.id, role=TeamRole.ACCOUNT_MANAGER))
    for i in range(0, len(accounts) - 1, 12):  # groups: every twelfth account has a subsidiary
        accounts[i + 1].parent_id = accounts[i].id
        await accounts[i + 1].save(update_fields=["parent_id"])
    await AccountTeamMember.bulk_create(team)
    return accounts


async def _seed_contacts(rng: random.Random, accounts: list[Account]) -> None:
    contacts = []
    for account in accounts:
        for level in RelationshipLevel:
            for _ in range(1 if level is RelationshipLevel.EXECUTIVE else rng.randint(1, 2)):
                surname = rng.choice(PINYIN)
                contacts.append(
                    Person(
                        kind=PersonKind.CONTACT,
                        name=person_name(rng),
                        title=rng.choice(TITLES[level]),
                        account_id=account.id,
                        relationship_level=level,
                        phone=mobile(rng),
                        email=f"{surname}.{rng.randrange(1000)}@customer{account.id}.cn",
                        is_key_decision_maker=level is RelationshipLevel.EXECUTIVE,
                        status=PersonStatus.LEFT if rng.random() < 0.04 else PersonStatus.ACTIVE,
                    )
                )
    await Person.bulk_create(contacts)


def _profile(index: int) -> tuple[int, int, int]:
    """(contracts, low, high) amount range in CNY: about 10 % strategic, 35 % core, the rest potential."""
    if index % 10 == 0:
        return 8, 1_500_000, 4_000_000
    if index % 20 < 7:
        return 5, 250_000, 900_000
    return 4, 20_000, 180_000


async def _seed_contracts(rng: random.Random, accounts: list[Account], today: date) -> None:
    contracts, plans = [], []
    number = 0
    for i, account in enumerate(accounts):
        count, low, high = _profile(i)
        for _ in range(count + rng.randint(0, 1)):
            number += 1
            start = today - timedelta(days=rng.randint(-60, 720))
            months = rng.choice([12, 12, 24, 36])
            end = start + timedelta(days=30 * months)
            amount = Decimal(rng.randrange(low, high, 1000))
            status = _status_for(rng, start, end, today)
            signed = start - timedelta(days=rng.randint(3, 20)) if status in SIGNED_STATUSES else None
            if signed and signed > today:
                signed = today
            contracts.append(
                Contract(
                    number=f"KA-{start.year}-{number:05d}",
                    account_id=account.id,
                    title=rng.choice(CONTRACT_TITLES),
                    edition=rng.choice(list(Edition)),
                    amount=amount,
                    status=status,
                    signed_on=signed,
                    start_on=start,
                    end_on=end,
                    payment_terms_days=rng.choice([30, 45, 60]),
                    source="demo",
                    external_id=f"ERP-{number}",
                )
            )
            plans.append(rng.choice([1, 2, 4]))
    await Contract.bulk_create(contracts)
    saved = await Contract.all().order_by("id")
    instalments = []
    for contract, parts in zip(saved, plans, strict=True):
        share = (contract.amount / parts).quantize(Decimal("0.01"))
        span = (contract.end_on - contract.start_on).days
        for n in range(parts):
            amount = share if n < parts - 1 else contract.amount - share * (parts - 1)
            due = contract.start_on + timedelta(days=span * n // parts + 15)
            instalments.append(Instalment(contract_id=contract.id, sequence=n + 1, due_on=due, amount=amount))
    await Instalment.bulk_create(instalments)
    await _seed_payments(rng, saved, today)
    await _apply_tiers(accounts, saved, today)


def _status_for(rng: random.Random, start: date, end: date, today: date) -> ContractStatus:
    if start > today:
        return rng.choice(
            [ContractStatus.DRAFT, ContractStatus.IN_REVIEW, ContractStatus.APPROVED, ContractStatus.SIGNED]
        )
    if end < today:
        return rng.choice(
            [ContractStatus.COMPLETED, ContractStatus.COMPLETED, ContractStatus.EXPIRED, ContractStatus.TERMINATED]
        )
    return ContractStatus.ACTIVE if rng.random() < 0.9 else ContractStatus.SIGNED


async def _seed_payments(rng: random.Random, contracts: list[Contract], today: date) -> None:
    signed = {c.id: c for c in contracts if c.status in SIGNED_STATUSES}
    instalments = await Instalment.filter(contract_id__in=list(signed)).order_by("contract_id", "sequence")
    payments, settled = [], []
    for item in instalments:
        if item.due_on > today or rng.random() < 0.12:  # not yet due, or overdue and unpaid: receivables to chase
            continue
        paid_on = min(today, item.due_on + timedelta(days=rng.randint(-5, 40)))
        partial = rng.random() < 0.08
        amount = (item.amount / 2).quantize(Decimal("0.01")) if partial else item.amount
        payments.append(
            Payment(
                contract_id=item.contract_id,
                amount=amount,
                paid_on=paid_on,
                reference=f"BANK-{item.id:07d}",
                recorded_by="demo",
            )
        )
        item.paid_amount = amount
        item.paid_on = None if partial else paid_on
        settled.append(item)
    await Payment.bulk_create(payments)
    saved = await Payment.all().order_by("id")
    await PaymentAllocation.bulk_create(
        [
            PaymentAllocation(payment_id=p.id, instalment_id=i.id, amount=p.amount)
            for p, i in zip(saved, settled, strict=True)
        ]
    )
    await Instalment.bulk_update(settled, fields=["paid_amount", "paid_on"])


async def _apply_tiers(accounts: list[Account], contracts: list[Contract], today: date) -> None:
    settings = Settings()
    since = trailing_window_start(today)
    trailing: dict[int, Decimal] = {}
    for c in contracts:
        if c.status in SIGNED_STATUSES and c.signed_on and since <= c.signed_on <= today:
            trailing[c.account_id] = trailing.get(c.account_id, Decimal(0)) + c.amount
    for account in accounts:
        account.tier = tier_for(
            trailing.get(account.id, Decimal(0)), settings.strategic_threshold, settings.core_threshold
        )
        if account.tier is Tier.POTENTIAL and not trailing.get(account.id):
            account.status = AccountStatus.PROSPECT
    await Account.bulk_update(accounts, fields=["tier", "status"])
