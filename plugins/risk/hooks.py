"""Wiring only: the risk plugin's hook implementations. Everything they name lives in its own module."""

from __future__ import annotations

import strawberry

from kamgraph.plugin import hookimpl

__all__ = [
    "contract_transition_problems",
    "register_demo_data",
    "register_event_types",
    "register_health_signals",
    "register_jobs",
    "register_models",
    "register_mutations",
    "register_nodes",
    "register_permissions",
    "register_queries",
    "register_settings",
    "register_type_extensions",
    "register_types",
    "startup",
]


@hookimpl
def register_models():
    return {"risk": {"models": ["kamgraph.plugins.risk.models"], "migrations": "kamgraph.migrations.risk"}}


@hookimpl
def register_permissions():
    from kamgraph.plugins.risk.permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def register_types():
    from kamgraph.plugins.risk import types

    return [types.CreditAssessmentType, types.CreditOverrideType, types.ContingencyTaskType]


@hookimpl
def register_nodes():
    from kamgraph.plugins.risk.types import NODES

    return NODES


@hookimpl
def register_queries():
    from kamgraph.plugins.risk.queries import RiskQueries

    return [RiskQueries]


@hookimpl
def register_mutations():
    from kamgraph.plugins.risk.mutations import RegisterMutations, RiskMutations

    return [RiskMutations, RegisterMutations]


@hookimpl
def register_type_extensions():
    from kamgraph.plugins.risk import queries

    return [
        (
            "Account",
            strawberry.field(
                resolver=queries.credit_profile,
                name="creditProfile",
                description="The credit standing today: the assessment in force, limit, exposure; null when none.",
            ),
        ),
        (
            "Account",
            strawberry.field(
                resolver=queries.account_receivables,
                name="receivablesAging",
                description="Outstanding receivables by days overdue; null without contracts.amounts.read.",
            ),
        ),
        ("Account", queries.credit_assessments),
        (
            "Contract",
            strawberry.field(
                resolver=queries.contract_override,
                name="creditOverride",
                description="The director's override of the credit rule for this contract, if any.",
            ),
        ),
    ]


@hookimpl
def register_event_types():
    return {
        "risk.credit_assessment.recorded": "A credit assessment was recorded; read its values through the API (risk.credit.read).",
        "risk.credit_assessment.ended": "A credit assessment was ended early.",
        "risk.credit_override.granted": "A KA director let one contract be signed beyond the credit rule; data.reason says why.",
        "risk.dunning_notice.issued": "A dunning notice is due to the customer: data.stage is FIRST_NOTICE, SECOND_NOTICE, FINAL_NOTICE or LEGAL.",
        "risk.legal_case.opened": "An instalment is more than 90 days overdue after the final notice: the case goes to legal.",
        "risk.warning.raised": "An early warning was raised on an account (overdue payment, falling purchases, key contact left, exposure).",
        "risk.warning.escalated": "An open warning's level rose; data.level is the new one.",
        "risk.warning.resolved": "A warning was resolved; data.note says how.",
        "risk.registered_risk.added": "A risk was added to an account's register.",
        "risk.registered_risk.changed": "A registered risk changed (rating, owner, mitigation, status).",
        "risk.contingency_plan.created": "A contingency plan was prepared for an account.",
        "risk.contingency_plan.activated": "A contingency plan was activated: its event happened; the post-mortem is due in 48 hours.",
        "risk.post_mortem.recorded": "The post-mortem of an activated plan was written; data.late says whether after its 48 hours.",
        "risk.competitor_offer.seen": "A competitor's offer was seen at an account; a differentiation comparison is due in 48 hours.",
        "risk.differentiation.recorded": "The differentiation comparison answering a competitor's offer was written.",
    }


@hookimpl
def register_jobs():
    from kamgraph.plugins.risk.jobs import RISK_JOBS

    return RISK_JOBS


@hookimpl
def register_health_signals():
    from kamgraph.plugins.risk.health import RISK_SIGNALS

    return RISK_SIGNALS


@hookimpl
def contract_transition_problems(unit, contract, verb, changes):
    """The credit rule on signing: a valid assessment, and exposure within the limit (or prepayment)."""
    if verb != "sign":
        return None
    from kamgraph.plugins.risk.services import signing_problems

    return signing_problems(contract, changes["signed_on"])


@hookimpl
def register_demo_data(settings, seed, today):
    from kamgraph.plugins.risk.demo import seed_risk

    return seed_risk(settings, seed, today)


@hookimpl
def register_settings():
    from kamgraph.plugins.risk.config import SETTINGS

    return SETTINGS


@hookimpl
def startup(settings):
    """Read the KAMGRAPH_RISK_* settings now, so that a bad value stops the server with its name."""
    from kamgraph.plugins.risk.config import risk_config

    risk_config(settings)
