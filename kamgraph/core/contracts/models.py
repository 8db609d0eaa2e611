"""Contracts, their payment schedules and the payments against them (DOMAIN.md section 2)."""

from __future__ import annotations

from enum import Enum

from tortoise import fields

from kamgraph.db.models import NodeModel, VersionedModel


class ContractStatus(str, Enum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    APPROVED = "APPROVED"
    SIGNED = "SIGNED"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    TERMINATED = "TERMINATED"
    EXPIRED = "EXPIRED"


class Edition(str, Enum):
    """The three-step price offer (§5.2.1.2)."""

    BASIC = "BASIC"
    ENHANCED = "ENHANCED"
    PREMIUM = "PREMIUM"


class Contract(VersionedModel):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=40, unique=True)
    account = fields.ForeignKeyField("core.Account", related_name="contracts", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=200)
    edition = fields.CharEnumField(Edition, max_length=10, default=Edition.BASIC)
    amount = fields.DecimalField(max_digits=16, decimal_places=2)
    currency = fields.CharField(max_length=3, default="CNY")
    status = fields.CharEnumField(ContractStatus, max_length=10, default=ContractStatus.DRAFT)
    signed_on = fields.DateField(null=True)
    start_on = fields.DateField()
    end_on = fields.DateField()
    payment_terms_days = fields.IntField(default=30)
    renews = fields.ForeignKeyField("core.Contract", related_name="renewals", null=True, on_delete=fields.RESTRICT)
    status_reason = fields.TextField(null=True)

    scope_via = ("account",)
    read_permission = "contracts.read"
    sensitive_fields = {"amount": "contracts.amounts.read"}

    class Meta:
        app = "core"
        table = "contract"
        unique_together = (("source", "external_id"),)
        indexes = (("signed_on",),)


class Instalment(NodeModel):
    id = fields.IntField(primary_key=True)
    contract = fields.ForeignKeyField("core.Contract", related_name="instalments", on_delete=fields.CASCADE)
    sequence = fields.IntField()
    due_on = fields.DateField()
    amount = fields.DecimalField(max_digits=16, decimal_places=2)
    paid_amount = fields.DecimalField(max_digits=16, decimal_places=2, default=0)
    paid_on = fields.DateField(null=True)  # when the instalment became fully paid
    overdue_reported_on = fields.DateField(null=True)  # when payment.overdue was emitted for it (once)

    scope_via = ("contract", "account")
    read_permission = "contracts.read"
    sensitive_fields = {"amount": "contracts.amounts.read", "paid_amount": "contracts.amounts.read"}

    class Meta:
        app = "core"
        table = "instalment"
        indexes = (("due_on",),)


class Payment(NodeModel):
    id = fields.IntField(primary_key=True)
    contract = fields.ForeignKeyField("core.Contract", related_name="payments", on_delete=fields.RESTRICT)
    amount = fields.DecimalField(max_digits=16, decimal_places=2)
    paid_on = fields.DateField()
    reference = fields.CharField(max_length=100, null=True)
    recorded_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    scope_via = ("contract", "account")
    read_permission = "contracts.read"
    sensitive_fields = {"amount": "contracts.amounts.read"}

    class Meta:
        app = "core"
        table = "payment"


class PaymentAllocation(NodeModel):
    """How much of a payment settled which instalment (one payment can settle several)."""

    id = fields.IntField(primary_key=True)
    payment = fields.ForeignKeyField("core.Payment", related_name="allocations", on_delete=fields.CASCADE)
    instalment = fields.ForeignKeyField("core.Instalment", related_name="allocations", on_delete=fields.RESTRICT)
    amount = fields.DecimalField(max_digits=16, decimal_places=2)

    scope_via = ("payment", "contract", "account")
    read_permission = "contracts.read"
    sensitive_fields = {"amount": "contracts.amounts.read"}

    class Meta:
        app = "core"
        table = "payment_allocation"
