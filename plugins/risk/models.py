"""The risk plugin's tables (tortoise app ``risk``). Every row hangs off an account (``scope_via``), so
the scoped accessor shows an account manager only their accounts' risk records."""

from __future__ import annotations

from tortoise import fields

from kamgraph.db.models import NodeModel
from kamgraph.plugins.risk.rules import DunningStage, Rating, WarningKind, WarningLevel
from kamgraph.security.crypto import SealedTextField

CREDIT_READ = "risk.credit.read"


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
    read_permission = "risk.read"
    sensitive_fields = {
        name: CREDIT_READ
        for name in ("credit_report_score", "industry_reputation_score", "financial_condition_score", "credit_report_notes",
                     "industry_reputation_notes", "financial_condition_notes", "score", "rating", "credit_limit",
                     "payment_terms_days", "prepayment")
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
    read_permission = "risk.read"

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
    read_permission = "risk.read"
    sensitive_fields = {"outstanding": "contracts.amounts.read"}

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
    cause = fields.CharField(max_length=100, description="What the warning is about: a global id, or a month for purchases.")
    level = fields.CharEnumField(WarningLevel, max_length=6)
    reason = fields.TextField()
    raised_at = fields.DatetimeField(auto_now_add=True)
    escalated_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.CharField(max_length=200, null=True)
    resolution = fields.TextField(null=True)

    scope_via = ("account",)
    read_permission = "risk.read"

    class Meta:
        app = "risk"
        table = "risk_warning"
        unique_together = (("account", "kind", "cause"),)
        indexes = (("resolved_at",),)
