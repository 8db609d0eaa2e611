"""The pipeline plugin's settings, with DOMAIN.md's defaults; ``pipelineRules`` shows the values in force.

- ``KAMGRAPH_PIPELINE_STAGES``: ``code:probability %[:won|lost]``, comma-separated in funnel order, default
  ``FIRST_CONTACT:30,PROPOSAL_SUBMITTED:50,NEGOTIATION:70,WON:100:won,LOST:0:lost``
- ``KAMGRAPH_PIPELINE_ALLOW_SKIP``: may a move skip open stages, default ``false``
- ``KAMGRAPH_PIPELINE_ALLOW_BACK``: may a move go back one stage, default ``true``
- ``KAMGRAPH_PIPELINE_FOLLOW_UP_HOURS``: the follow-up after the first contact, default ``48``
- ``KAMGRAPH_PIPELINE_SOLUTION_WORKING_DAYS``: the solution after the needs report, default ``5``
- ``KAMGRAPH_PIPELINE_TARGET_WEIGHTS``: weights of size, industry position, purchasing ability and strategic fit
  in a target account's score, in percent, default ``25,25,25,25``
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache

from kamgraph.plugins.pipeline import rules
from kamgraph.plugins.pipeline.rules import Outcome, Stage, StageRules
from kamgraph.settings import Settings


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


TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


@cache
def _parse(extra: tuple[tuple[str, str], ...]) -> PipelineConfig:
    values = dict(extra)
    stages = _stages(values["pipeline_stages"]) if values.get("pipeline_stages") else rules.DEFAULT_STAGES
    stage_rules = StageRules(stages, _flag(values, "allow_skip", False), _flag(values, "allow_back", True))
    config = PipelineConfig(stage_rules)
    for name, low, high in (("follow_up_hours", 1, 720), ("solution_working_days", 1, 60)):
        if raw := values.get(f"pipeline_{name}"):
            try:
                number = int(raw)
            except ValueError:
                number = -1
            if not low <= number <= high:
                raise PipelineSettingError(f"KAMGRAPH_PIPELINE_{name.upper()} must be {low}-{high}, not {raw!r}")
            config = replace(config, **{name: number})
    if raw := values.get("pipeline_target_weights"):
        try:
            weights = [int(p) for p in raw.split(",")]
        except ValueError:
            weights = []
        if len(weights) != 4 or sum(weights) != 100 or min(weights) < 0:
            raise PipelineSettingError(f"KAMGRAPH_PIPELINE_TARGET_WEIGHTS: four percentages adding up to 100, not {raw!r}")
        config = replace(config, target_weights=tuple(Decimal(w) / 100 for w in weights))
    return config


def _flag(values: dict[str, str], name: str, default: bool) -> bool:
    raw = values.get(f"pipeline_{name}", "").strip().lower()
    if not raw:
        return default
    if raw not in TRUE | FALSE:
        raise PipelineSettingError(f"KAMGRAPH_PIPELINE_{name.upper()} is true or false, not {raw!r}")
    return raw in TRUE


def _stages(raw: str) -> tuple[Stage, ...]:
    stages = []
    for item in raw.split(","):
        parts = [p.strip() for p in item.split(":")]
        try:
            outcome = Outcome(parts[2].upper()) if len(parts) > 2 else Outcome.OPEN
            stages.append(Stage(parts[0].upper(), Decimal(parts[1]) / 100, outcome))
        except (IndexError, ValueError, InvalidOperation):
            raise PipelineSettingError(f"KAMGRAPH_PIPELINE_STAGES: {item!r} is not code:probability %[:won|lost]") from None
    if problem := rules.stages_problem(stages):
        raise PipelineSettingError(f"KAMGRAPH_PIPELINE_STAGES: {problem}")
    return tuple(stages)
