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
    with pytest.raises(ValueError):
        credit_code_check_character("91350100M000100Y")  # 16 characters: no check character to compute


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91350100M000100Y44", "check character is 4, but the first 17 characters require 3"),
        ("91350100M000100Y4", "a unified social credit code has 18 characters, this one has 17"),
        ("91350100M000100Y433", "a unified social credit code has 18 characters, this one has 19"),
        # I and O are not in the alphabet (they read as 1 and 0), nor are lowercase letters
        ("91350100I000100O43", "a unified social credit code uses only 0123456789ABCDEFGHJKLMNPQRTUWXY; found IO"),
        ("91350100m000100Y43", "a unified social credit code uses only 0123456789ABCDEFGHJKLMNPQRTUWXY; found m"),
    ],
)
def test_invalid_credit_codes_say_why(code, expected):
    assert credit_code_problem(code) == expected


def test_industry_codes_are_gbt4754_sections_and_divisions():
    sections = industry_sections()
    assert list(sections) == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert sum(len(s.divisions) for s in sections.values()) == 97
    assert industry_problem("C39") is None
    assert industry_problem("J66") is None
    assert industry_problem("A01") is None and industry_problem("T97") is None  # the first and the last
    # a division of finance under manufacturing
    assert industry_problem("C66") == "division 66 is not in section C (Manufacturing: divisions 13-43)"
    for code in ("internet", "Z01", "C3X", "CX9", "C391", "c39", ""):
        assert industry_problem(code) == (
            f"{code!r} is not a GB/T 4754-2017 industry code: expected a section letter A-T and its two-digit "
            "division, e.g. C39 (computers and electronics) or J66 (monetary finance)"
        )


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "+8613800138000", "+14155552671"])
def test_valid_phones(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "+0123456789", "010-12345678", "phone"])
def test_invalid_phones(phone):
    assert phone_problem(phone) == (
        f"{phone!r} is neither a Chinese mobile number (1[3-9] and 9 digits) nor E.164 (+ and 7-15 digits)"
    )


def test_phone_separators_are_dropped():
    assert normalize_phone("138 0013-8000") == "13800138000"
    assert normalize_phone("+86\t138 0013 8000") == "+8613800138000"


def test_email_format():
    assert email_problem("li.wei@example.com.cn") is None
    for bad in ("li.wei@", "no at sign", "li.wei@example"):
        assert email_problem(bad) == f"{bad!r} is not an e-mail address"
    longest = "abcd@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + "." + "e" * 63 + ".cn"  # 254 characters
    assert len(longest) == 254 and email_problem(longest) is None
    assert email_problem("a" + longest) == f"{'a' + longest!r} is not an e-mail address"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", None),
        ("10.5", None),
        ("10.55", None),
        ("99999999999999.99", None),
        ("-1", "an amount cannot be negative"),
        ("1.005", "1.005 has more than two decimals"),
        ("abc", "'abc' is not an amount"),
        ("NaN", "an amount must be a finite number"),
        ("1e20", "1E+20 is larger than the largest supported amount 99999999999999.99"),
        ("100000000000000.00", "100000000000000.00 is larger than the largest supported amount 99999999999999.99"),
    ],
)
def test_money(value, problem):
    result = money_problem(value, ("input", "amount"))
    assert (
        (result is None)
        if problem is None
        else (result.message, result.path, result.code.value)
        == (
            problem,
            ("input", "amount"),
            "INVALID",
        )
    )


def test_positive_money_refuses_zero():
    assert money_problem("0", ("amount",), positive=True).message == "an amount must be greater than zero"
    assert money_problem("-1", ("amount",), positive=True).message == "an amount must be greater than zero"
    assert money_problem("0.01", ("amount",), positive=True) is None


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
    assert schedule_problems(Decimal("1000"), start, end, []) == []  # no schedule yet

    def problems(amount, schedule, start=start, end=end):
        return [(p.path, p.message) for p in schedule_problems(Decimal(amount), start, end, schedule)]

    assert problems("1200", ok) == [(("schedule",), "the instalments add up to 1000, but the contract amount is 1200")]
    inside = [PlannedInstalment(start, Decimal("500")), PlannedInstalment(end, Decimal("500"))]
    assert problems("1000", inside) == []  # the first and the last day are inside
    for day in (date(2025, 12, 31), date(2027, 1, 1)):
        assert problems("1000", [PlannedInstalment(day, Decimal("1000"))]) == [
            (("schedule", 0, "due_on"), f"due date {day} is outside the contract (2026-01-01 to 2026-12-31)")
        ]
    assert problems("1000", [], start=end, end=start) == [
        (("end_on",), "the end date 2026-01-01 must be after the start date 2026-12-31")
    ]
    assert problems("1000", [], start=start, end=start) == [
        (("end_on",), "the end date 2026-01-01 must be after the start date 2026-01-01")
    ]
    bad = [PlannedInstalment(date(2026, 9, 1), Decimal("0")), PlannedInstalment(date(2026, 3, 1), Decimal("1000.001"))]
    assert problems("1000", bad) == [  # each problem once; the total is not compared while items are wrong
        (("schedule", 0, "amount"), "an amount must be greater than zero"),
        (("schedule", 1, "amount"), "1000.001 has more than two decimals"),
        (("schedule",), "instalments must be listed in due-date order"),
    ]
    renamed = schedule_problems(Decimal("1"), start, end, [PlannedInstalment(start, Decimal("0"))], path="instalments")
    assert [p.path for p in renamed] == [("instalments", 0, "amount")]


def test_contract_flow():
    assert transition_problem("submit", S.DRAFT) is None
    assert transition_problem("sign", S.APPROVED) is None
    assert transition_problem("terminate", S.ACTIVE) is None
    refused = transition_problem("sign", S.DRAFT)
    assert (refused.path, refused.code.value, refused.message) == (
        ("id",),
        "RULE_VIOLATION",
        "cannot sign a contract that is DRAFT; only a contract that is APPROVED can be signed",
    )
    assert transition_problem("submit", S.SIGNED).message == (
        "cannot submit a contract that is SIGNED; only a contract that is DRAFT can be in review"
    )
    assert transition_problem("terminate", S.DRAFT).message == (
        "cannot terminate a contract that is DRAFT; only a contract that is ACTIVE, SIGNED can be terminated"
    )
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
    assert (warning.code, warning.message) == (
        "IRON_TRIANGLE_INCOMPLETE",
        "a strategic account needs an iron triangle; missing: solution expert, customer success manager",
    )
    [none] = account_staffing_warnings(Tier.STRATEGIC, set())
    assert none.message.endswith("missing: account manager, solution expert, customer success manager")
    [core] = account_staffing_warnings(Tier.CORE, {"SOLUTION_EXPERT"})
    assert (core.code, core.message) == ("NO_ACCOUNT_MANAGER", "a core account needs an account manager on its team")
    assert account_staffing_warnings(Tier.CORE, {"ACCOUNT_MANAGER"}) == []
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
    warned = [(w.code, w.message) for w in department_staffing_warnings(eleven, {"Li Wei": 6, "Wang": 5}, ratios)]
    assert warned == [
        ("TOO_FEW_DATA_ANALYSTS", "11 account managers call for 2 data analyst(s) (1 per 10); there are 1"),
        (
            "TOO_FEW_CONTRACT_SPECIALISTS",
            "11 account managers call for 2 contract specialist(s) (1 per 10); there are 1",
        ),
        ("TOO_FEW_SOLUTION_EXPERTS", "11 account managers call for 3 solution expert(s) (1 per 5); there are 2"),
        ("MANAGER_OVERLOADED", "Li Wei carries 6 core accounts; the model is at most 5"),
    ]
    assert department_staffing_warnings({}, {}, ratios) == []  # no managers call for nobody
    custom = StaffingRatios(max_core_accounts_per_manager=2, managers_per_data_analyst=3)
    assert [w.message for w in department_staffing_warnings({"ACCOUNT_MANAGER": 4}, {"Li": 3}, custom)] == [
        "4 account managers call for 2 data analyst(s) (1 per 3); there are 0",
        "4 account managers call for 1 contract specialist(s) (1 per 10); there are 0",
        "4 account managers call for 1 solution expert(s) (1 per 5); there are 0",
        "Li carries 3 core accounts; the model is at most 2",
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
