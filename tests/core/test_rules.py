"""Business rules as plain functions: no database, no GraphQL, milliseconds."""

from datetime import date
from decimal import Decimal

import pytest

from kamgraph.core.accounts import rules
from kamgraph.core.accounts.models import Tier
from kamgraph.core.accounts.rules import (
    credit_code_check_character,
    credit_code_problem,
    industry_problem,
    industry_sections,
    tier_for,
    trailing_window_start,
)
from kamgraph.core.contracts.models import ContractStatus as S
from kamgraph.core.contracts.rules import (
    TRANSITIONS,
    OpenInstalment,
    PlannedInstalment,
    allocate_payment,
    money_problem,
    schedule_problems,
    transition_problem,
)
from kamgraph.core.people.rules import email_problem, normalize_phone, phone_problem

# Published codes whose check characters are known to be right.
VALID_CODES = ["91350100M000100Y43", "91310000MA1FL4CK6X"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    assert credit_code_problem(code) is None


def test_check_character_follows_gb32100():
    # the worked example of GB 32100-2015: the first 17 characters of 91350100M000100Y43 give "3"
    assert credit_code_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91350100M000100Y44", "check character"),
        ("91350100M000100Y4", "18 characters"),
        ("91350100I000100Y43", "uses only"),  # I is not in the alphabet
        ("91350100m000100Y43", "uses only"),
    ],
)
def test_invalid_credit_codes_say_why(code, expected):
    assert expected in credit_code_problem(code)


def test_industry_codes_are_gbt4754_sections_and_divisions():
    sections = industry_sections()
    assert list(sections) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert sum(len(s.divisions) for s in sections.values()) == 97
    assert industry_problem("C39") is None
    assert industry_problem("J66") is None
    assert "not in section" in industry_problem("C66")  # division of finance under manufacturing
    assert "not a GB/T 4754-2017 industry code" in industry_problem("internet")
    assert "not a GB/T 4754-2017 industry code" in industry_problem("Z01")


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "+8613800138000", "+14155552671"])
def test_valid_phones(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "+0123456789", "010-12345678", "phone"])
def test_invalid_phones(phone):
    assert phone_problem(phone) is not None


def test_phone_separators_are_dropped():
    assert normalize_phone("138 0013-8000") == "13800138000"


def test_email_format():
    assert email_problem("li.wei@example.com.cn") is None
    assert email_problem("li.wei@") is not None
    assert email_problem("no at sign") is not None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", None),
        ("10.5", None),
        ("10.55", None),
        ("-1", "negative"),
        ("1.005", "two decimals"),
        ("abc", "not an amount"),
        ("NaN", "finite"),
        ("1e20", "largest"),
    ],
)
def test_money(value, problem):
    result = money_problem(value, ("amount",))
    assert (result is None) if problem is None else (problem in result.message)


def test_positive_money_refuses_zero():
    assert "greater than zero" in money_problem("0", ("amount",), positive=True).message


def test_tier_thresholds():
    strategic, core = Decimal("10000000"), Decimal("1000000")
    assert tier_for(Decimal("10000000.01"), strategic, core) is Tier.STRATEGIC
    assert tier_for(Decimal("10000000"), strategic, core) is Tier.CORE  # "above" 10M is strategic
    assert tier_for(Decimal("1000000"), strategic, core) is Tier.CORE  # "1M and above" is core
    assert tier_for(Decimal("999999.99"), strategic, core) is Tier.POTENTIAL


def test_trailing_window_is_twelve_months_inclusive():
    assert trailing_window_start(date(2026, 11, 29)) == date(2025, 11, 30)
    assert trailing_window_start(date(2028, 2, 29)) == date(2027, 3, 1)


def test_schedule_must_fit_the_contract():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    ok = [PlannedInstalment(date(2026, 3, 1), Decimal("600")), PlannedInstalment(date(2026, 9, 1), Decimal("400"))]
    assert schedule_problems(Decimal("1000"), start, end, ok) == []
    short = schedule_problems(Decimal("1200"), start, end, ok)
    assert [p.path for p in short] == [("schedule",)] and "add up to 1000" in short[0].message
    outside = schedule_problems(Decimal("1000"), start, end, [PlannedInstalment(date(2027, 1, 5), Decimal("1000"))])
    assert outside[0].path == ("schedule", 0, "due_on")
    backwards = schedule_problems(Decimal("1000"), end, start, [])
    assert backwards[0].path == ("end_on",)


def test_contract_flow():
    assert transition_problem("submit", S.DRAFT) is None
    assert transition_problem("sign", S.APPROVED) is None
    assert transition_problem("terminate", S.ACTIVE) is None
    refused = transition_problem("sign", S.DRAFT)
    assert refused.code.value == "RULE_VIOLATION" and "APPROVED" in refused.message
    # every status reachable from DRAFT through the table, and nothing leaves a final status
    reachable, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS.values():
            if current in t.sources and t.target not in reachable:
                reachable.add(t.target)
                frontier.append(t.target)
    assert reachable == set(S)
    for final in (S.COMPLETED, S.TERMINATED, S.EXPIRED):
        assert not any(final in t.sources for t in TRANSITIONS.values())


def test_payment_allocation_settles_oldest_first_and_named_first():
    items = [OpenInstalment(1, date(2026, 1, 1), Decimal("100")), OpenInstalment(2, date(2026, 2, 1), Decimal("100"))]
    assert allocate_payment(Decimal("150"), items) == [(1, Decimal("100")), (2, Decimal("50"))]
    assert allocate_payment(Decimal("150"), items, first_id=2) == [(2, Decimal("100")), (1, Decimal("50"))]
    settled = OpenInstalment(3, date(2025, 12, 1), Decimal("0"))  # nothing outstanding: not allocated
    cents = OpenInstalment(4, date(2026, 3, 1), Decimal("0.50"))
    later = OpenInstalment(5, date(2026, 4, 1), Decimal("100"))
    assert allocate_payment(Decimal("200.50"), [later, cents, settled, *items]) == [
        (1, Decimal("100")),
        (2, Decimal("100")),
        (4, Decimal("0.50")),
    ]
    assert allocate_payment(Decimal("100.25"), [cents, *items]) == [(1, Decimal("100")), (2, Decimal("0.25"))]


def test_iron_triangle_and_core_account_warnings():
    from kamgraph.core.accounts.rules import account_staffing_warnings

    assert (
        account_staffing_warnings(Tier.STRATEGIC, {"ACCOUNT_MANAGER", "SOLUTION_EXPERT", "CUSTOMER_SUCCESS_MANAGER"})
        == []
    )
    [warning] = account_staffing_warnings(Tier.STRATEGIC, {"ACCOUNT_MANAGER"})
    assert warning.code == "IRON_TRIANGLE_INCOMPLETE" and "solution expert, customer success manager" in warning.message
    assert account_staffing_warnings(Tier.CORE, set())[0].code == "NO_ACCOUNT_MANAGER"
    assert account_staffing_warnings(Tier.POTENTIAL, set()) == []


def test_department_ratios():
    from kamgraph.core.accounts.rules import (
        StaffingRatios,
        department_staffing_warnings,
    )

    ratios = StaffingRatios()
    ok = {"ACCOUNT_MANAGER": 10, "DATA_ANALYST": 1, "CONTRACT_SPECIALIST": 1, "SOLUTION_EXPERT": 2}
    assert department_staffing_warnings(ok, {"Li Wei": 5}, ratios) == []
    eleven = ok | {"ACCOUNT_MANAGER": 11}
    codes = [w.code for w in department_staffing_warnings(eleven, {"Li Wei": 6}, ratios)]
    assert codes == [
        "TOO_FEW_DATA_ANALYSTS",
        "TOO_FEW_CONTRACT_SPECIALISTS",
        "TOO_FEW_SOLUTION_EXPERTS",
        "MANAGER_OVERLOADED",
    ]


#: published unified social credit codes (company registrations), not computed by the function under test
PUBLISHED_CODES = [
    "914403001922038216",  # Huawei Technologies Co., Ltd.
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91330100799655058B",  # Alibaba (China) Co., Ltd.
    "91110000802100433B",  # Beijing Baidu Netcom Science Technology Co., Ltd.
    "91110108551385082Q",  # Beijing Xiaomi Technology Co., Ltd.
]


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_credit_codes_are_valid_and_any_other_check_character_is_not(code):
    assert rules.credit_code_problem(code) is None
    for other in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if other != code[17]:
            assert rules.credit_code_problem(code[:17] + other), other


def test_a_remainder_of_zero_gives_the_check_character_0():
    # the weighted sum of these 17 characters is a multiple of 31: 31 - 0 = 31, written 0 (GB 32100-2015)
    assert rules.credit_code_problem("91110000MA00000240") is None
    assert rules.credit_code_problem("91110000MA0000024Y")
