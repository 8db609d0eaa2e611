"""The risk rules at their boundaries: pure functions, milliseconds."""

from datetime import date
from decimal import Decimal

import pytest

from kamgraph.plugins.risk import rules
from kamgraph.plugins.risk.rules import (
    AgeingBucket,
    Check,
    CreditStanding,
    DunningStage,
    Rating,
    RatingBand,
)


def scores(credit: int, reputation: int, financial: int) -> dict:
    return {Check.CREDIT_REPORT: credit, Check.INDUSTRY_REPUTATION: reputation, Check.FINANCIAL_CONDITION: financial}


def test_the_combined_score_weighs_the_three_checks():
    assert rules.combined_score(scores(100, 100, 100)) == Decimal("100.0")
    assert rules.combined_score(scores(90, 80, 70)) == Decimal("81.0")  # 36 + 24 + 21
    assert rules.combined_score(scores(71, 70, 70)) == Decimal("70.4")
    assert rules.combined_score(scores(0, 0, 1)) == Decimal("0.3")
    halves = {Check.CREDIT_REPORT: Decimal("0.5"), Check.INDUSTRY_REPUTATION: Decimal("0.25")}
    halves[Check.FINANCIAL_CONDITION] = Decimal("0.25")
    assert rules.combined_score(scores(0, 1, 0), halves) == Decimal("0.3")  # 0.25 rounds half up


def test_a_score_below_every_band_is_a_configuration_fault():
    with pytest.raises(ValueError) as below:
        rules.band_for(Decimal("-1"))
    assert str(below.value) == "no rating band starts at or below -1"


@pytest.mark.parametrize(
    "score, rating",
    [
        ("100", Rating.A),
        ("85.0", Rating.A),
        ("84.9", Rating.B),
        ("70.0", Rating.B),
        ("69.9", Rating.C),
        ("55.0", Rating.C),
        ("54.9", Rating.D),
        ("0", Rating.D),
    ],
)
def test_rating_band_edges(score, rating):
    assert rules.band_for(Decimal(score)).rating is rating


def test_only_rating_d_requires_prepayment_and_gets_no_credit():
    d = rules.band_for(Decimal("10"))
    assert d.prepayment and d.credit_limit == 0 and d.payment_terms_days == 0
    assert not rules.band_for(Decimal("55")).prepayment


def test_configured_bands_must_rate_every_score():
    assert rules.bands_problem(rules.DEFAULT_BANDS) is None
    assert rules.bands_problem(()) == "rating bands must start at score 0"
    assert rules.bands_problem((RatingBand(Rating.A, Decimal(50), Decimal(1), 30),)) == (
        "rating bands must start at score 0"
    )
    own = "each rating band needs its own rating and its own lowest score"
    twice = (RatingBand(Rating.A, Decimal(0), Decimal(1), 30), RatingBand(Rating.A, Decimal(50), Decimal(1), 30))
    assert rules.bands_problem(twice) == own
    same_score = (RatingBand(Rating.A, Decimal(0), Decimal(1), 30), RatingBand(Rating.B, Decimal(0), Decimal(1), 30))
    assert rules.bands_problem(same_score) == own
    negative = "credit limits and payment terms cannot be negative"
    assert rules.bands_problem((RatingBand(Rating.A, Decimal(0), Decimal(-1), 30),)) == negative
    assert rules.bands_problem((RatingBand(Rating.A, Decimal(0), Decimal(1), -1),)) == negative
    assert rules.bands_problem((RatingBand(Rating.A, Decimal(0), Decimal(0), 0),)) is None  # no credit, cash only


def test_a_check_is_scored_from_0_to_100():
    assert rules.score_problem(0) is None and rules.score_problem(100) is None
    assert rules.score_problem(-1) and rules.score_problem(101)


def test_the_assessor_may_grant_less_than_the_band_never_more():
    band = rules.band_for(Decimal("90"))
    assert rules.granted_limit(band, None) == band.credit_limit
    assert rules.granted_limit(band, Decimal("5000000")) == Decimal("5000000")
    assert rules.granted_limit(band, band.credit_limit + 1) == band.credit_limit


def test_assessment_periods_overlap_when_they_share_a_day():
    jan, dec = date(2026, 1, 1), date(2026, 12, 31)
    assert rules.periods_overlap(jan, dec, dec, date(2027, 12, 31))
    assert not rules.periods_overlap(jan, dec, date(2027, 1, 1), date(2027, 12, 31))


B = CreditStanding(Rating.B, Decimal("1000000.00"), prepayment=False)
D = CreditStanding(Rating.D, Decimal("0"), prepayment=True)


def test_signing_exactly_at_the_limit_is_allowed_one_cent_more_is_not():
    assert rules.signing_problem(B, Decimal("600000.00"), Decimal("400000.00"), prepaid=False) is None
    problem = rules.signing_problem(B, Decimal("600000.00"), Decimal("400000.01"), prepaid=False)
    assert problem == (
        "signing would take the customer's exposure to 1000000.01, beyond its credit limit of 1000000.00 "
        "(rating B); a KA director can record an override"
    )


def test_signing_needs_a_valid_assessment():
    assert rules.signing_problem(None, Decimal(0), Decimal(1), prepaid=True) == (
        "the customer has no valid credit assessment; assess it before signing"
    )


def test_rating_d_signs_only_on_prepayment_terms():
    assert rules.signing_problem(D, Decimal(0), Decimal(100), prepaid=False) == (
        "the customer is rated D (high risk) and must pay in advance: set payment terms to 0 days "
        "and schedule the whole amount on or before the start date"
    )
    assert rules.signing_problem(D, Decimal(0), Decimal(100), prepaid=True) is None


def test_prepayment_terms_mean_no_payment_term_and_the_whole_amount_due_by_the_start():
    start = date(2026, 3, 1)
    assert rules.is_prepaid(0, start, Decimal(100), [(date(2026, 2, 20), Decimal(60)), (start, Decimal(40))])
    assert not rules.is_prepaid(30, start, Decimal(100), [(start, Decimal(100))])
    assert not rules.is_prepaid(0, start, Decimal(100), [(start, Decimal(60)), (date(2026, 3, 2), Decimal(40))])
    assert not rules.is_prepaid(0, start, Decimal(100), [])
    assert rules.is_prepaid(0, start, Decimal(1), [(start, Decimal(1))])  # however small
    assert not rules.is_prepaid(0, start, Decimal(0), [])  # nothing to pay is not a prepayment


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-5, AgeingBucket.CURRENT),
        (0, AgeingBucket.CURRENT),
        (1, AgeingBucket.DAYS_1_30),
        (30, AgeingBucket.DAYS_1_30),
        (31, AgeingBucket.DAYS_31_60),
        (60, AgeingBucket.DAYS_31_60),
        (61, AgeingBucket.DAYS_61_90),
        (90, AgeingBucket.DAYS_61_90),
        (91, AgeingBucket.OVER_90),
        (400, AgeingBucket.OVER_90),
    ],
)
def test_ageing_buckets(days, bucket):
    assert rules.ageing_bucket(days) is bucket


def test_bucket_due_dates_agree_with_the_buckets():
    today = date(2026, 11, 29)
    for bucket in AgeingBucket:
        earliest, latest = rules.bucket_due_dates(bucket, today)
        for days in range(-3, 200):
            due = date.fromordinal(today.toordinal() - days)
            inside = (earliest is None or due >= earliest) and (latest is None or due <= latest)
            assert inside == (rules.ageing_bucket(days) is bucket), (bucket, days)


@pytest.mark.parametrize(
    "days, expected",
    [
        (29, None),
        (30, DunningStage.FIRST_NOTICE),
        (31, DunningStage.FIRST_NOTICE),
        (59, DunningStage.FIRST_NOTICE),
        (60, DunningStage.SECOND_NOTICE),
        (61, DunningStage.SECOND_NOTICE),
        (89, DunningStage.SECOND_NOTICE),
        (90, DunningStage.FINAL_NOTICE),
        (91, DunningStage.LEGAL),
    ],
)
def test_the_dunning_stage_reached_by_days_overdue(days, expected):
    assert rules.dunning_step(days, set()) is expected


def test_each_notice_once_and_never_after_a_later_one():
    first = {DunningStage.FIRST_NOTICE}
    assert rules.dunning_step(31, first) is None  # already sent
    assert rules.dunning_step(59, first) is None
    assert rules.dunning_step(60, first) is DunningStage.SECOND_NOTICE
    assert rules.dunning_step(91, {*first, DunningStage.SECOND_NOTICE, DunningStage.FINAL_NOTICE}) is DunningStage.LEGAL
    assert rules.dunning_step(91, {DunningStage.LEGAL}) is None
    assert rules.dunning_step(65, {DunningStage.FINAL_NOTICE}) is None  # never back to an earlier stage


def test_an_assessment_is_valid_for_whole_months():
    assert rules.default_valid_until(date(2026, 1, 1), 12) == date(2026, 12, 31)
    assert rules.months_later(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.months_later(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert rules.months_later(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert rules.months_later(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert rules.months_later(date(2026, 11, 30), 1) == date(2026, 12, 30)
    assert rules.months_later(date(2026, 12, 31), 12) == date(2027, 12, 31)
    assert rules.months_later(date(2026, 3, 31), -1) == date(2026, 2, 28)


@pytest.mark.parametrize(
    "days, level", [(0, None), (1, "LOW"), (30, "LOW"), (31, "MEDIUM"), (90, "MEDIUM"), (91, "HIGH")]
)
def test_overdue_warning_levels(days, level):
    found = rules.overdue_level(days)
    assert (found.value if found else None) == level


def test_exposure_warning_above_ninety_percent_and_beyond_the_limit():
    limit = Decimal("1000.00")
    assert rules.exposure_level(Decimal("900.00"), limit) is None  # exactly 90 %: not above it
    assert rules.exposure_level(Decimal("900.01"), limit).value == "MEDIUM"
    assert rules.exposure_level(Decimal("1000.00"), limit).value == "MEDIUM"  # at the limit
    assert rules.exposure_level(Decimal("1000.01"), limit).value == "HIGH"
    assert rules.exposure_level(Decimal("0"), Decimal("0")) is None  # prepayment, nothing owed
    assert rules.exposure_level(Decimal("1"), Decimal("0")).value == "HIGH"


def test_purchases_falling_three_months_in_a_row():
    assert rules.purchases_falling([5, 4, 3, 2])
    assert rules.purchases_falling([9, 9, 5, 4, 3, 2])  # the last three steps count
    assert not rules.purchases_falling([5, 4, 4, 2])  # a flat month breaks the run
    assert not rules.purchases_falling([4, 3, 2])  # three months are two steps
    assert not rules.purchases_falling([2, 3, 4, 5])
    assert rules.purchases_falling([1, 5, 4, 3, 2])  # an earlier rise is outside the three steps
    assert rules.purchases_falling([5, 4, 3], months=2) and not rules.purchases_falling([1, 5, 4, 3], months=3)


def test_month_starts_and_escalation():
    assert rules.month_starts(date(2026, 3, 15), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert rules.escalates(rules.WarningLevel.LOW, rules.WarningLevel.HIGH)
    assert not rules.escalates(rules.WarningLevel.HIGH, rules.WarningLevel.MEDIUM)


def test_health_scores():
    assert rules.payment_behaviour_score(AgeingBucket.CURRENT) == 100
    assert rules.payment_behaviour_score(AgeingBucket.OVER_90) == 20
    assert rules.warnings_score({}) == 100
    assert rules.warnings_score({rules.WarningLevel.HIGH: 2, rules.WarningLevel.LOW: 1}) == 35
    assert rules.warnings_score({rules.WarningLevel.HIGH: 5}) == 0


def test_a_warning_reaches_the_owner_and_the_directors_whose_scope_holds_the_account():
    directors = [
        rules.Director(1, "KA_DIRECTOR", None, None),
        rules.Director(2, "INDUSTRY_DIRECTOR", "C", None),
        rules.Director(3, "INDUSTRY_DIRECTOR", "J", None),
        rules.Director(4, "REGIONAL_DIRECTOR", None, "EAST"),
        rules.Director(5, "REGIONAL_DIRECTOR", None, "SOUTH"),
    ]
    assert rules.routed_to(9, "C", "EAST", directors) == [9, 1, 2, 4]
    assert rules.routed_to(None, "J", "NORTH", directors) == [1, 3]


def test_the_register_rates_probability_and_impact_on_a_five_by_five_matrix():
    assert [rules.severity(rules.risk_score(p, i)).value for p, i in ((1, 7), (2, 4), (3, 4), (3, 5), (5, 5))] == [
        "LOW",
        "MEDIUM",
        "MEDIUM",
        "HIGH",
        "HIGH",
    ]
    assert rules.severity(7).value == "LOW" and rules.severity(14).value == "MEDIUM"


def test_deadlines_of_48_hours_and_overdue_only_while_open():
    from datetime import UTC, datetime

    seen = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    due = rules.hours_after(seen, rules.COMPARISON_HOURS)
    assert due == datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    assert not rules.is_overdue(due, None, due)  # at the deadline: not yet
    assert rules.is_overdue(due, None, datetime(2026, 11, 29, 9, 1, tzinfo=UTC))
    assert not rules.is_overdue(due, seen, datetime(2026, 12, 1, tzinfo=UTC))  # done
    assert rules.FIRST_TASKS[rules.PlanType.PRODUCT_DEFECT][1] == 24
