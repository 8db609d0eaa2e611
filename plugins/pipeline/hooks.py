"""Wiring only: the pipeline plugin's hook implementations."""

from __future__ import annotations

from kamgraph import hookimpl
from kamgraph.security.actors import Role
from kamgraph.security.permissions import Permission

__all__ = [
    "register_demo_data",
    "register_event_types",
    "register_jobs",
    "register_models",
    "register_mutations",
    "register_permissions",
    "register_queries",
    "register_type_extensions",
    "register_types",
    "startup",
]

KA, IND, REG = Role.KA_DIRECTOR, Role.INDUSTRY_DIRECTOR, Role.REGIONAL_DIRECTOR
AM, SE, CSM, ANALYST = Role.ACCOUNT_MANAGER, Role.SOLUTION_EXPERT, Role.CUSTOMER_SUCCESS_MANAGER, Role.DATA_ANALYST


@hookimpl
def register_models():
    return {"pipeline": {"models": ["kamgraph.plugins.pipeline.models"], "migrations": "kamgraph.migrations.pipeline"}}


@hookimpl
def register_permissions():
    return {
        "pipeline.read": Permission.of(
            "See opportunities, their stage history, the funnel and the forecast", KA, IND, REG, AM, SE, CSM, ANALYST
        ),
        "pipeline.write": Permission.of(
            "Open, change, move, win and lose opportunities (account managers: their own)", KA, IND, REG, AM
        ),
        "pipeline.manage": Permission.of("Change any opportunity in one's scope, not only one's own", KA, IND, REG),
        "pipeline.trends.read": Permission.of(
            "See the weekly funnel snapshots of the whole department", KA, IND, REG, ANALYST
        ),
        "pipeline.targets.read": Permission.of(
            "See sales targets and their attainment (one's own, without pipeline.targets.all)",
            KA,
            IND,
            REG,
            AM,
            ANALYST,
        ),
        "pipeline.targets.all": Permission.of("See every sales target, not only one's own", KA, IND, REG, ANALYST),
        "pipeline.targets.write": Permission.of("Set sales targets", KA, IND, REG),
    }


@hookimpl
def register_types():
    from kamgraph.plugins.pipeline import types

    return [
        types.OpportunityType,
        types.StageChangeType,
        types.SalesTargetType,
        types.TargetAccountRatingType,
        types.TargetAccountEntryType,
    ]


@hookimpl
def register_queries():
    from kamgraph.plugins.pipeline.queries import PipelineQueries

    return [PipelineQueries]


@hookimpl
def register_mutations():
    from kamgraph.plugins.pipeline.mutations import (
        PipelineMutations,
        TargetAccountMutations,
        TargetMutations,
    )

    return [PipelineMutations, TargetMutations, TargetAccountMutations]


@hookimpl
def register_type_extensions():
    from kamgraph.plugins.pipeline.queries import account_opportunities

    return [("Account", account_opportunities)]


@hookimpl
def register_event_types():
    return {
        "opportunity.created": "An opportunity was opened at an account, in the first stage.",
        "opportunity.updated": "An open opportunity's fields changed; data.fields names them.",
        "opportunity.stage_changed": "An opportunity moved to another open stage.",
        "opportunity.won": "An opportunity was won; data.contractId is the contract won.",
        "opportunity.lost": "An opportunity was lost; data.reason says why.",
        "opportunity.archived": "An opportunity was archived.",
        "opportunity.needs_reported": "The customer needs report was recorded; the solution is due on data.solutionDueOn.",
        "opportunity.follow_up_overdue": "No follow-up 48 hours after the first contact (reported once).",
        "opportunity.solution_overdue": "No solution 5 working days after the needs report (reported once).",
        "pipeline.target_set": "A sales target was set or changed.",
    }


@hookimpl
def register_jobs():
    from kamgraph.plugins.pipeline.jobs import PIPELINE_JOBS

    return PIPELINE_JOBS


@hookimpl
def register_demo_data(settings, seed, today):
    from kamgraph.plugins.pipeline.demo import seed_pipeline

    return seed_pipeline(settings, seed, today)


@hookimpl
def startup(settings):
    """Read the KAMGRAPH_PIPELINE_* settings now, so that a bad value stops the server with its name."""
    from kamgraph.plugins.pipeline.config import pipeline_config

    pipeline_config(settings)
