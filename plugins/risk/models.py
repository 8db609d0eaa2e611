"""The risk plugin's tables (tortoise app ``risk``). Every row hangs off an account (``scope_via``), so
the scoped accessor shows an account manager only their accounts' risk records."""

from __future__ import annotations

from tortoise import fields

from kamgraph.plugin import AMOUNTS_READ, NodeModel, SealedTextField, VersionedModel
from kamgraph.plugins.risk.permissions import CREDIT_READ, READ
from kamgraph.plugins.risk.rules import (
    DunningStage,
    PlanStatus,
    PlanType,
    Rating,
    RiskKind,
    RiskStatus,
    WarningKind,
    WarningLevel,
)


class CreditAssessment(NodeModel):
    """One version of an account's credit assessment, valid for a period.

    Versions of one account never overlap. The scores, rating and limit are sensitive (``risk.credit.read``),
    and the evidence notes are encrypted at rest too."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="credit_assessments", on_delete=fields.RESTRICT)
    sequence = fields.IntField(description="1 for the account's first assessment, then 2, 3...")
    valid_from = fields.DateField()
    valid_until = fields.DateField()
    credit_report_score = fields.IntField()
    industry_reputation_score = fields.IntField()
    financial_condition_score = fields.IntField()
    credit_report_notes = SealedTextField(null=True)
    industry_reputation_notes = SealedTextField(null=True)
    financial_condition_notes = SealedTextField(null=True)
    score = fields.DecimalField(max_digits=4, decimal_places=1)
    rating = fields.CharEnumField(Rating, max_length=1)
    credit_limit = fields.DecimalField(max_digits=16, decimal_places=2)
    payment_terms_days = fields.IntField()
    prepayment = fields.BooleanField()
    assessed_by = fields.CharField(max_length=200)
    assessed_at = fields.DatetimeField(auto_now_add=True)
    ended_on = fields.DateField(null=True, description="Ended before valid_until (valid through the day before).")
    end_reason = fields.TextField(null=True)

    scope_via = ("account",)
    read_permission = READ
    sensitive_fields = {
        name: CREDIT_READ
        for name in (
            "credit_report_score",
            "industry_reputation_score",
            "financial_condition_score",
            "credit_report_notes",
            "industry_reputation_notes",
            "financial_condition_notes",
            "score",
            "rating",
            "credit_limit",
            "payment_terms_days",
            "prepayment",
        )
    }

    class Meta:
        app = "risk"
        table = "risk_credit_assessment"
        unique_together = (("account", "sequence"),)
        indexes = (("account_id", "valid_from"),)


class CreditOverride(NodeModel):
    """A KA director's permission to sign one contract that the credit rule would refuse, with the reason."""

    id = fields.IntField(primary_key=True)
    contract = fields.OneToOneField("core.Contract", related_name="credit_override", on_delete=fields.RESTRICT)
    account = fields.ForeignKeyField("core.Account", related_name="credit_overrides", on_delete=fields.RESTRICT)
    reason = fields.TextField()
    granted_by = fields.CharField(max_length=200)
    granted_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True, description="When the contract it allowed was signed.")

    scope_via = ("account",)
    read_permission = READ

    class Meta:
        app = "risk"
        table = "risk_credit_override"


class DunningNotice(NodeModel):
    """A dunning notice issued for an overdue instalment, at most one per stage and instalment.

    The unique key makes the daily job safe to run twice."""

    id = fields.IntField(primary_key=True)
    instalment = fields.ForeignKeyField("core.Instalment", related_name="dunning_notices", on_delete=fields.RESTRICT)
    contract = fields.ForeignKeyField("core.Contract", related_name="dunning_notices", on_delete=fields.RESTRICT)
    account = fields.ForeignKeyField("core.Account", related_name="dunning_notices", on_delete=fields.RESTRICT)
    stage = fields.CharEnumField(DunningStage, max_length=14)
    days_overdue = fields.IntField()
    outstanding = fields.DecimalField(max_digits=16, decimal_places=2)
    issued_on = fields.DateField()

    scope_via = ("account",)
    read_permission = READ
    sensitive_fields = {"outstanding": AMOUNTS_READ}

    class Meta:
        app = "risk"
        table = "risk_dunning_notice"
        unique_together = (("instalment", "stage"),)


class RiskWarning(NodeModel):
    """An early warning on an account, raised once per cause and resolved with a note.

    The cause is what a rule found: an instalment, a contact, an assessment, a month of purchases."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="risk_warnings", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(WarningKind, max_length=20)
    cause = fields.CharField(
        max_length=100, description="What the warning is about: a global id, or a month for purchases."
    )
    level = fields.CharEnumField(WarningLevel, max_length=6)
    reason = fields.TextField()
    raised_at = fields.DatetimeField(auto_now_add=True)
    escalated_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.CharField(max_length=200, null=True)
    resolution = fields.TextField(null=True)

    scope_via = ("account",)
    read_permission = READ

    class Meta:
        app = "risk"
        table = "risk_warning"
        unique_together = (("account", "kind", "cause"),)
        indexes = (("resolved_at",),)


class RegisteredRisk(VersionedModel):
    """A risk in an account's register (§5.2.2.1), rated by probability and impact.

    Its kind is credit, cooperation or policy; probability and impact go from 1 to 5; it has an owner on the
    staff and a mitigation."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="registered_risks", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(RiskKind, max_length=12)
    title = fields.CharField(max_length=200)
    description = fields.TextField(null=True)
    probability = fields.IntField()
    impact = fields.IntField()
    owner = fields.ForeignKeyField("core.Person", related_name="owned_risks", null=True, on_delete=fields.RESTRICT)
    status = fields.CharEnumField(RiskStatus, max_length=10, default=RiskStatus.OPEN)
    mitigation = fields.TextField(null=True)
    closed_reason = fields.TextField(null=True)

    scope_via = ("account",)
    read_permission = READ

    class Meta:
        app = "risk"
        table = "risk_register"


class ContingencyPlan(NodeModel):
    """A contingency plan of an account (§3.5.4), activated when its event happens.

    Activation starts the plan's first task and sets the post-mortem due 48 hours after the event."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="contingency_plans", on_delete=fields.RESTRICT)
    risk = fields.ForeignKeyField("risk.RegisteredRisk", related_name="plans", null=True, on_delete=fields.RESTRICT)
    plan_type = fields.CharEnumField(PlanType, max_length=20)
    title = fields.CharField(max_length=200)
    status = fields.CharEnumField(PlanStatus, max_length=8, default=PlanStatus.READY)
    created_at = fields.DatetimeField(auto_now_add=True)
    activated_at = fields.DatetimeField(null=True)
    event_occurred_at = fields.DatetimeField(null=True)
    event_summary = fields.TextField(null=True)
    post_mortem_due_at = fields.DatetimeField(null=True)
    post_mortem = fields.TextField(null=True)
    post_mortem_at = fields.DatetimeField(null=True)

    scope_via = ("account",)
    read_permission = READ

    class Meta:
        app = "risk"
        table = "risk_contingency_plan"


class ContingencyTask(NodeModel):
    """One task of an activated contingency plan."""

    id = fields.IntField(primary_key=True)
    plan = fields.ForeignKeyField("risk.ContingencyPlan", related_name="tasks", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=200)
    owner = fields.ForeignKeyField(
        "core.Person", related_name="contingency_tasks", null=True, on_delete=fields.RESTRICT
    )
    due_at = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)

    scope_via = ("plan", "account")
    read_permission = READ

    class Meta:
        app = "risk"
        table = "risk_contingency_task"


class CompetitorOffer(NodeModel):
    """A competitor's offer seen at an account (§3.5.3).

    A differentiation comparison is due 48 hours after it was seen."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="competitor_offers", on_delete=fields.RESTRICT)
    competitor = fields.CharField(max_length=200)
    product = fields.CharField(max_length=200, null=True)
    offer = fields.TextField(description="What was offered: price, terms, promises.")
    seen_at = fields.DatetimeField()
    recorded_by = fields.CharField(max_length=200)
    comparison_due_at = fields.DatetimeField()
    comparison = fields.TextField(null=True)
    compared_at = fields.DatetimeField(null=True)
    compared_by = fields.CharField(max_length=200, null=True)

    scope_via = ("account",)
    read_permission = READ

    class Meta:
        app = "risk"
        table = "risk_competitor_offer"
