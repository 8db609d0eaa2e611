"""The pipeline's rules: allowed moves, configured stages, windows and arithmetic (pure, milliseconds)."""

from datetime import date
from decimal import Decimal

import pytest

from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.config import PipelineSettingError, pipeline_config
from kamgraph.plugins.pipeline.rules import Outcome, Stage, StageRules
from kamgraph.settings import Settings

DEFAULT = StageRules()


NO_SKIP = "from FIRST_CONTACT the next stage is PROPOSAL_SUBMITTED; stages are not skipped"


@pytest.mark.parametrize(
    "current, target, problem",
    [
        ("FIRST_CONTACT", "PROPOSAL_SUBMITTED", None),
        ("PROPOSAL_SUBMITTED", "NEGOTIATION", None),
        ("NEGOTIATION", "WON", None),
        ("FIRST_CONTACT", "NEGOTIATION", NO_SKIP),
        ("FIRST_CONTACT", "WON", NO_SKIP),
        ("PROPOSAL_SUBMITTED", "WON", "from PROPOSAL_SUBMITTED the next stage is NEGOTIATION; stages are not skipped"),
        ("NEGOTIATION", "PROPOSAL_SUBMITTED", None),  # one back: a new proposal asked for
        ("NEGOTIATION", "FIRST_CONTACT", "an opportunity does not go back from NEGOTIATION to FIRST_CONTACT"),
        ("WON", "NEGOTIATION", "the opportunity is WON and closed; open a new one"),
        ("LOST", "FIRST_CONTACT", "the opportunity is LOST and closed; open a new one"),
        ("FIRST_CONTACT", "FIRST_CONTACT", "the opportunity is already FIRST_CONTACT"),
        (
            "FIRST_CONTACT",
            "SIGNED",
            "there is no stage SIGNED; the stages are FIRST_CONTACT, PROPOSAL_SUBMITTED, NEGOTIATION, WON, LOST",
        ),
    ],
)
def test_default_moves(current, target, problem):
    assert rules.move_problem(DEFAULT, current, target, None) == problem


def test_lost_from_any_open_stage_with_a_reason():
    for stage in ("FIRST_CONTACT", "PROPOSAL_SUBMITTED", "NEGOTIATION"):
        assert rules.move_problem(DEFAULT, stage, "LOST", "budget frozen") is None
        for missing in ("  ", "", None):
            assert rules.move_problem(DEFAULT, stage, "LOST", missing) == "say why the opportunity was lost"


def test_configured_skips_and_no_way_back():
    lenient, strict = StageRules(allow_skip=True), StageRules(allow_back=False)
    assert rules.move_problem(lenient, "FIRST_CONTACT", "WON", None) is None
    assert rules.move_problem(lenient, "FIRST_CONTACT", "NEGOTIATION", None) is None  # a skip of one stage
    assert rules.move_problem(lenient, "NEGOTIATION", "FIRST_CONTACT", None) == (
        "an opportunity does not go back from NEGOTIATION to FIRST_CONTACT"
    )
    assert rules.move_problem(strict, "NEGOTIATION", "PROPOSAL_SUBMITTED", None) == (
        "an opportunity does not go back from NEGOTIATION to PROPOSAL_SUBMITTED; moves back are off"
    )
    assert rules.move_problem(strict, "PROPOSAL_SUBMITTED", "NEGOTIATION", None) is None


def stages(*specs: tuple[str, str, Outcome]) -> list[Stage]:
    return [Stage(code, Decimal(probability), outcome) for code, probability, outcome in specs]


OPEN, WON, LOST = Outcome.OPEN, Outcome.WON, Outcome.LOST
CLOSED = (("W", "1", WON), ("L", "0", LOST))


@pytest.mark.parametrize(
    "specs, problem",
    [
        ((("A", "0.3", OPEN), ("A", "0.5", OPEN), *CLOSED), "each stage needs its own code"),
        (
            (("first contact", "0.3", OPEN), ("x", "0.5", OPEN), *CLOSED),
            "stage codes are A-Z, digits and underscores, up to 30: first contact, x",
        ),
        ((("A", "0.3", OPEN), ("W", "1", WON)), "a funnel needs open stages, one WON stage and one LOST stage"),
        ((("A", "0.3", OPEN), ("L", "0", LOST)), "a funnel needs open stages, one WON stage and one LOST stage"),
        (CLOSED, "a funnel needs open stages, one WON stage and one LOST stage"),
        (
            (("A", "0.3", OPEN), *CLOSED, ("W2", "1", WON)),
            "a funnel needs open stages, one WON stage and one LOST stage",
        ),
        ((("A", "1.5", OPEN), *CLOSED), "win probabilities go from 0 to 100 %"),
        ((("A", "-0.1", OPEN), *CLOSED), "win probabilities go from 0 to 100 %"),
        (
            (("A", "0.5", OPEN), ("B", "0.3", OPEN), *CLOSED),
            "open stages are listed in funnel order, their probabilities rising",
        ),
        ((("A", "0", OPEN), ("B", "0.3", OPEN), ("C", "1", OPEN), *CLOSED), None),  # 0 and 100 % are allowed
    ],
)
def test_stage_lists_must_make_a_funnel(specs, problem):
    assert rules.stages_problem(stages(*specs)) == problem


def test_the_default_stages_make_a_funnel():
    assert rules.stages_problem(rules.DEFAULT_STAGES) is None


def test_configured_stages_from_the_environment():
    settings = Settings.from_env(
        {
            "KAMGRAPH_PIPELINE_STAGES": "LEAD:10,QUALIFIED:40,PROPOSAL:60,WON:100:won,LOST:0:lost",
            "KAMGRAPH_PIPELINE_ALLOW_SKIP": "true",
            "KAMGRAPH_PIPELINE_SOLUTION_WORKING_DAYS": "3",
        }
    )
    config = pipeline_config(settings)
    assert [s.code for s in config.stage_rules.funnel] == ["LEAD", "QUALIFIED", "PROPOSAL", "WON"]
    assert (
        config.stage_rules.first.probability == Decimal("0.1")
        and config.stage_rules.allow_skip
        and config.solution_working_days == 3
    )
    with pytest.raises(PipelineSettingError, match="KAMGRAPH_PIPELINE_STAGES"):
        pipeline_config(Settings.from_env({"KAMGRAPH_PIPELINE_STAGES": "A:10,WON:100:won"}))
    with pytest.raises(PipelineSettingError, match="ALLOW_BACK"):
        pipeline_config(Settings.from_env({"KAMGRAPH_PIPELINE_ALLOW_BACK": "maybe"}))


def test_windows_quarters_and_arithmetic():
    assert rules.month_windows(date(2026, 11, 29), 3) == [
        (date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2027, 1, 1)),
        (date(2027, 1, 1), date(2027, 2, 1)),
    ]
    assert [end for _, end in rules.month_windows(date(2026, 1, 31), 12)] == [
        date(2026, m, 1) for m in range(2, 13)
    ] + [date(2027, 1, 1)]
    assert [rules.quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 12)] == ["2026-Q1", "2026-Q1", "2026-Q2", "2026-Q4"]
    assert rules.weighted(Decimal("1000000.00"), Decimal("0.3")) == Decimal("300000.00")
    assert rules.conversion(10, 6) == 0.6 and rules.conversion(0, 0) is None


def test_how_a_target_splits():
    K, M = rules.TargetKey, rules.Metric.REVENUE
    year = K(M, 2026)
    assert rules.split_axis(year, K(M, 2026, quarter=2)) is rules.Axis.QUARTERS
    assert rules.split_axis(year, K(M, 2026, region="EAST")) is rules.Axis.REGIONS
    assert rules.split_axis(year, K(M, 2026, industry="C")) is rules.Axis.INDUSTRIES
    assert rules.split_axis(K(M, 2026, region="EAST"), K(M, 2026, person=7)) is rules.Axis.PEOPLE
    assert rules.split_axis(K(M, 2026, region="EAST"), K(M, 2026, quarter=1, region="EAST")) is rules.Axis.QUARTERS
    assert rules.split_axis(year, K(M, 2026, quarter=1, region="EAST")) is None  # two steps at once
    assert rules.split_axis(year, K(rules.Metric.COLLECTIONS, 2026, quarter=1)) is None  # another metric
    assert rules.split_axis(K(M, 2026, person=7), K(M, 2026, region="EAST")) is None  # broader, not narrower
    assert rules.split_axis(year, K(M, 2026, person=7)) is rules.Axis.PEOPLE  # the department into people
    assert rules.split_axis(K(M, 2026, industry="C"), K(M, 2026, person=7)) is rules.Axis.PEOPLE
    assert rules.split_axis(K(M, 2026, industry="C"), K(M, 2026, region="EAST")) is None  # across, not narrower
    assert rules.split_axis(K(M, 2026, person=7), K(M, 2026, person=8)) is None


def test_an_item_is_overdue_only_past_its_due_time():
    due = date(2026, 12, 1)
    assert not rules.is_overdue(due, None, due) and rules.is_overdue(due, None, date(2026, 12, 2))
    assert not rules.is_overdue(due, "done", date(2026, 12, 2)) and not rules.is_overdue(None, None, date(2027, 1, 1))


def test_periods_deviation_and_attainment():
    assert rules.period_of(2026, None) == (date(2026, 1, 1), date(2027, 1, 1))
    assert rules.period_of(2026, 2) == (date(2026, 4, 1), date(2026, 7, 1))
    assert rules.period_of(2026, 4) == (date(2026, 10, 1), date(2027, 1, 1))
    assert rules.deviation(Decimal(100), Decimal(80)) == -20 and rules.attainment(Decimal(100), Decimal(80)) == 0.8
    assert rules.attainment(Decimal(0), Decimal(5)) is None


def test_target_account_candidates_are_scored_and_the_big_potentials_come_first():
    C = rules.Candidate
    assert rules.purchasing_points(Decimal("10000000")) == 100 and rules.purchasing_points(Decimal("1000000")) == 70
    assert rules.purchasing_points(Decimal("500000")) == 35 and rules.purchasing_points(Decimal("5500000")) == 85
    strong_small = C(1, "ENTERPRISE", 5, Decimal("900000"), 5)  # 100, 100, 63, 100
    modest_big = C(2, "MEDIUM", 2, Decimal("1500000"), 2)  # 50, 40, 71, 40
    exactly_a_million = C(3, "LARGE", 3, Decimal("1000000"), 3)  # not above: not first
    assert rules.candidate_score(strong_small) == Decimal("90.8") and rules.candidate_score(modest_big) == Decimal(
        "50.3"
    )
    assert [c.account_id for c, _ in rules.rank_candidates([strong_small, exactly_a_million, modest_big])] == [2, 1, 3]
    custom = (Decimal("0"), Decimal("0"), Decimal("1"), Decimal("0"))  # purchasing ability alone
    assert rules.candidate_score(modest_big, custom) == Decimal("71.0")


def test_purchasing_points_rise_in_proportion_and_stop_at_100():
    points = rules.purchasing_points
    assert [points(Decimal(v)) for v in ("0", "999999", "1000000", "9999999", "10000000", "20000000")] == [
        0,
        69,
        70,
        99,
        100,
        100,
    ]


def test_candidates_rank_by_priority_then_score_then_potential():
    C = rules.Candidate
    unknown_size = C(1, None, 1, Decimal("0"), 1)
    assert rules.candidate_score(unknown_size) == Decimal("10.0")  # 0 + 20 + 0 + 20, a quarter each
    with pytest.raises(ValueError):
        rules.candidate_score(unknown_size, (Decimal(1),))  # one weight per criterion, no fewer
    small, big = C(2, "SMALL", 1, Decimal("500000"), 1), C(3, "SMALL", 1, Decimal("505000"), 1)
    # the same score (to one decimal) and both below the priority line: the bigger potential first
    assert rules.candidate_score(small) == rules.candidate_score(big)
    assert [c.account_id for c, _ in rules.rank_candidates([small, big])] == [3, 2]
    fit_only = (Decimal("0"), Decimal("0"), Decimal("0"), Decimal("1"))
    fitting = C(4, "SMALL", 1, Decimal("100"), 5)
    assert [c.account_id for c, _ in rules.rank_candidates([big, fitting], fit_only)] == [4, 3]


def test_a_week_starts_on_monday():
    assert rules.week_start(date(2026, 12, 3)) == date(2026, 11, 30)  # a Thursday
    assert rules.week_start(date(2026, 11, 30)) == date(2026, 11, 30)
