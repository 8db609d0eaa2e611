"""Wiring only: the pipeline plugin's hook implementations."""

from __future__ import annotations

import strawberry

from kamgraph.plugin import hookimpl

__all__ = [
    "register_demo_data",
    "register_event_types",
    "register_jobs",
    "register_models",
    "register_mutations",
    "register_nodes",
    "register_type_extensions",
    "register_permissions",
    "register_queries",
    "register_settings",
    "register_types",
    "startup",
]


@hookimpl
def register_models():
    return {"pipeline": {"models": ["kamgraph.plugins.pipeline.models"], "migrations": "kamgraph.migrations.pipeline"}}


@hookimpl
def register_permissions():
    from kamgraph.plugins.pipeline.permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def register_types():
    from kamgraph.plugins.pipeline import types

    return [
        types.StageChangeType,
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
    from kamgraph.plugins.pipeline.queries import account_target_rating

    return [
        (
            "Account",
            strawberry.field(
                resolver=account_target_rating,
                name="targetRating",
                description="Its rating as a candidate for the target-account list (§3.1.1); null until rated.",
            ),
        )
    ]


@hookimpl
def register_nodes():
    from kamgraph.plugins.pipeline.types import OPPORTUNITIES, SALES_TARGETS

    return [OPPORTUNITIES, SALES_TARGETS]


@hookimpl
def register_event_types():
    return {
        "pipeline.opportunity.created": "An opportunity was opened at an account, in the first stage.",
        "pipeline.opportunity.updated": "An open opportunity's fields changed; data.fields names them.",
        "pipeline.opportunity.stage_changed": "An opportunity moved to another open stage.",
        "pipeline.opportunity.won": "An opportunity was won; data.contractId is the contract won.",
        "pipeline.opportunity.lost": "An opportunity was lost; data.reason says why.",
        "pipeline.opportunity.archived": "An opportunity was archived.",
        "pipeline.opportunity.needs_reported": "The customer needs report was recorded; the solution is due on data.solutionDueOn.",
        "pipeline.opportunity.follow_up_overdue": "No follow-up 48 hours after the first contact (reported once).",
        "pipeline.opportunity.solution_overdue": "No solution 5 working days after the needs report (reported once).",
        "pipeline.sales_target.set": "A sales target was set or changed.",
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
def register_settings():
    from kamgraph.plugins.pipeline.config import SETTINGS

    return SETTINGS


@hookimpl
def startup(settings):
    """Read the KAMGRAPH_PIPELINE_* settings now, so that a bad value stops the server with its name."""
    from kamgraph.plugins.pipeline.config import pipeline_config

    pipeline_config(settings)
