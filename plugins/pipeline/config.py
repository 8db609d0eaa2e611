"""The pipeline plugin's settings, with DOMAIN.md's defaults; ``pipelineRules`` shows the values in force.

A deployment changes them through the ``KAMGRAPH_PIPELINE_*`` environment variables of ``SETTINGS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache

from kamgraph.plugin import Settings, extra_flag, extra_int, extra_ints
from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.rules import Outcome, Stage, StageRules

SETTINGS = {
    "KAMGRAPH_PIPELINE_STAGES": "code:probability %[:won|lost], comma-separated in funnel order; default "
    "FIRST_CONTACT:30,PROPOSAL_SUBMITTED:50,NEGOTIATION:70,WON:100:won,LOST:0:lost",
    "KAMGRAPH_PIPELINE_ALLOW_SKIP": "may a move skip open stages; default false",
    "KAMGRAPH_PIPELINE_ALLOW_BACK": "may a move go back one stage; default true",
    "KAMGRAPH_PIPELINE_FOLLOW_UP_HOURS": "the follow-up after the first contact, in hours; default 48",
    "KAMGRAPH_PIPELINE_SOLUTION_WORKING_DAYS": "the solution after the needs report, in working days; default 5",
    "KAMGRAPH_PIPELINE_TARGET_WEIGHTS": "weights of size, industry position, purchasing ability and strategic fit "
    "in a target account's score, in percent; default 25,25,25,25",
}


class PipelineSettingError(ValueError):
    """A ``KAMGRAPH_PIPELINE_*`` value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class PipelineConfig:
    stage_rules: StageRules = field(default_factory=StageRules)
    follow_up_hours: int = rules.FOLLOW_UP_HOURS
    solution_working_days: int = rules.SOLUTION_WORKING_DAYS
    target_weights: tuple[Decimal, ...] = rules.DEFAULT_TARGET_WEIGHTS


def pipeline_config(settings: Settings) -> PipelineConfig:
    return _parse(tuple(sorted((k, v) for k, v in settings.extra.items() if k.startswith("pipeline_"))))


@cache
def _parse(extra: tuple[tuple[str, str], ...]) -> PipelineConfig:
    values = dict(extra)
    stages = _stages(values["pipeline_stages"]) if values.get("pipeline_stages") else rules.DEFAULT_STAGES
    error = PipelineSettingError
    stage_rules = StageRules(
        stages,
        extra_flag(values, "pipeline_allow_skip", False, error),
        extra_flag(values, "pipeline_allow_back", True, error),
    )
    config = PipelineConfig(
        stage_rules,
        extra_int(values, "pipeline_follow_up_hours", rules.FOLLOW_UP_HOURS, 1, 720, error),
        extra_int(values, "pipeline_solution_working_days", rules.SOLUTION_WORKING_DAYS, 1, 60, error),
    )
    if (weights := extra_ints(values, "pipeline_target_weights", error)) is not None:
        if len(weights) != 4 or sum(weights) != 100 or min(weights) < 0:
            raise error(
                f"KAMGRAPH_PIPELINE_TARGET_WEIGHTS: four percentages adding up to 100, not {values['pipeline_target_weights']!r}"
            )
        config = replace(config, target_weights=tuple(Decimal(w) / 100 for w in weights))
    return config


def _stages(raw: str) -> tuple[Stage, ...]:
    stages = []
    for item in raw.split(","):
        parts = [p.strip() for p in item.split(":")]
        try:
            outcome = Outcome(parts[2].upper()) if len(parts) > 2 else Outcome.OPEN
            stages.append(Stage(parts[0].upper(), Decimal(parts[1]) / 100, outcome))
        except (IndexError, ValueError, InvalidOperation):
            raise PipelineSettingError(
                f"KAMGRAPH_PIPELINE_STAGES: {item!r} is not code:probability %[:won|lost]"
            ) from None
    if problem := rules.stages_problem(stages):
        raise PipelineSettingError(f"KAMGRAPH_PIPELINE_STAGES: {problem}")
    return tuple(stages)
