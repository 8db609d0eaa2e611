"""The KAMGRAPH_RISK_* settings: parsed with DOMAIN.md's defaults, a bad value named in the error."""

from decimal import Decimal

import pytest

from kamgraph.plugins.risk.config import RiskSettingError, risk_config
from kamgraph.plugins.risk.rules import Check, DunningStage, Rating
from kamgraph.settings import Settings


def config(**variables):
    return risk_config(Settings.from_env({f"KAMGRAPH_RISK_{k.upper()}": v for k, v in variables.items()}))


def test_defaults():
    defaults = config()
    assert [b.rating for b in defaults.bands] == [Rating.A, Rating.B, Rating.C, Rating.D]
    assert defaults.weight_of[Check.CREDIT_REPORT] == Decimal("0.4") and defaults.assessment_months == 12
    assert defaults.dunning == {
        DunningStage.FIRST_NOTICE: 30,
        DunningStage.SECOND_NOTICE: 60,
        DunningStage.FINAL_NOTICE: 90,
        DunningStage.LEGAL: 91,
    }


def test_a_deployment_sets_its_own_numbers():
    custom = config(
        rating_bands="B:60:5000000:45, A:80:9000000:60, D:0:0:0:prepayment",
        check_weights="50,25,25",
        assessment_months="6",
        dunning_days="15,45,75",
    )
    assert [(b.rating, b.min_score, b.credit_limit, b.prepayment) for b in custom.bands] == [
        (Rating.A, Decimal(80), Decimal(9000000), False),
        (Rating.B, Decimal(60), Decimal(5000000), False),
        (Rating.D, 0, 0, True),
    ]
    assert custom.weight_of[Check.CREDIT_REPORT] == Decimal("0.5") and custom.assessment_months == 6
    assert custom.dunning[DunningStage.LEGAL] == 76


@pytest.mark.parametrize(
    "variable, value, says",
    [
        ("rating_bands", "A:80:9000000:60", "start at score 0"),
        ("rating_bands", "A:eighty:1:1,D:0:0:0", "RATING_BANDS"),
        ("check_weights", "50,50,50", "adding up to 100"),
        ("assessment_months", "0", "1-60"),
        ("exposure_warning_percent", "120", "1-100"),
        ("falling_months", "1", "2-12"),
        ("assessment_months", "twelve", "whole number"),
        ("dunning_days", "60,30,90", "rising"),
    ],
)
def test_a_bad_value_is_refused_with_the_variable_named(variable, value, says):
    with pytest.raises(RiskSettingError, match=says):
        config(**{variable: value})
