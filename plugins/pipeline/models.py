"""The pipeline plugin's tables (tortoise app ``pipeline``): opportunities and their stage history."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from kamgraph.plugin import AMOUNTS_READ, Edition, NodeModel, VersionedModel
from kamgraph.plugins.pipeline.permissions import READ, TARGETS_ALL, TARGETS_READ
from kamgraph.plugins.pipeline.rules import Metric


class Opportunity(VersionedModel):
    """A sale being worked at an account, moving through the configured stages.

    The stage's win probability is kept on the row when it enters the stage, so the weighted forecast is
    a sum in SQL. The timers of §3.1.2 and §3.1.4 are columns: due, done, reported overdue."""

    id = fields.IntField(primary_key=True)
    account = fields.ForeignKeyField("core.Account", related_name="opportunities", on_delete=fields.RESTRICT)
    owner = fields.ForeignKeyField("core.Person", related_name="opportunities", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=200)
    amount = fields.DecimalField(max_digits=16, decimal_places=2)
    currency = fields.CharField(max_length=3, default="CNY")
    expected_close_on = fields.DateField()
    edition = fields.CharEnumField(Edition, max_length=10, default=Edition.BASIC)
    lead_source = fields.CharField(max_length=100, null=True)
    stage = fields.CharField(max_length=30)
    probability = fields.DecimalField(max_digits=4, decimal_places=3)
    stage_entered_at = fields.DatetimeField()
    loss_reason = fields.TextField(null=True)
    competitor = fields.CharField(max_length=200, null=True)
    contract = fields.ForeignKeyField(
        "core.Contract", related_name="opportunities", null=True, on_delete=fields.RESTRICT
    )
    closed_at = fields.DatetimeField(null=True)
    first_contact_at = fields.DatetimeField()
    follow_up_due_at = fields.DatetimeField()
    followed_up_at = fields.DatetimeField(null=True)
    follow_up_overdue_reported_at = fields.DatetimeField(null=True)
    needs_reported_on = fields.DateField(null=True)
    needs_summary = fields.TextField(null=True)
    solution_due_on = fields.DateField(null=True)
    solution_submitted_at = fields.DatetimeField(null=True)
    solution_overdue_reported_at = fields.DatetimeField(null=True)

    scope_via = ("account",)
    read_permission = READ
    # the value of the contract it expects (and, once won, the contract's amount): guarded as that is
    sensitive_fields = {"amount": AMOUNTS_READ}

    class Meta:
        app = "pipeline"
        table = "pipeline_opportunity"
        indexes = (("stage", "expected_close_on"),)


class StageChange(NodeModel):
    """One stage an opportunity entered: when, by whom, from where, and when it left again.

    The first row of an opportunity has no ``from_stage``; ``left_at`` is set by the next move, so time in
    a stage is a column difference in SQL."""

    id = fields.IntField(primary_key=True)
    opportunity = fields.ForeignKeyField("pipeline.Opportunity", related_name="stage_changes", on_delete=fields.CASCADE)
    from_stage = fields.CharField(max_length=30, null=True)
    to_stage = fields.CharField(max_length=30)
    entered_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True)
    changed_by = fields.CharField(max_length=200)
    reason = fields.TextField(null=True)

    scope_via = ("opportunity", "account")
    read_permission = READ

    class Meta:
        app = "pipeline"
        table = "pipeline_stage_change"
        indexes = (("to_stage", "entered_at"),)


class FunnelSnapshot(Model):
    """One stage of the funnel as a weekly snapshot kept it.

    The snapshot covers the opportunities first contacted in the 13 weeks before its week: per stage, how
    many had reached it, the conversion to the next and the days spent in it. Taken weekly by a job, one row per week, region (null: all) and stage, so that trends compare week
    over week without recomputing the past."""

    id = fields.IntField(primary_key=True)
    week_start = fields.DateField(description="The Monday of the week the snapshot was taken.")
    region = fields.CharField(max_length=12, null=True)
    stage = fields.CharField(max_length=30)
    reached = fields.IntField()
    conversion_to_next = fields.FloatField(null=True)
    average_days = fields.FloatField(null=True)
    lost = fields.IntField()
    taken_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "pipeline"
        table = "pipeline_funnel_snapshot"
        unique_together = (("week_start", "region", "stage"),)


class SalesTarget(VersionedModel):
    """A sales target (§1.2.2.1), with the target it is part of.

    It is a metric for a year or one of its quarters, for the department or one region, industry or person."""

    id = fields.IntField(primary_key=True)
    metric = fields.CharEnumField(Metric, max_length=12)
    year = fields.IntField()
    quarter = fields.IntField(null=True)
    region = fields.CharField(max_length=12, null=True)
    industry_section = fields.CharField(max_length=1, null=True)
    person = fields.ForeignKeyField("core.Person", related_name="sales_targets", null=True, on_delete=fields.RESTRICT)
    value = fields.DecimalField(max_digits=16, decimal_places=2)
    parent = fields.ForeignKeyField("pipeline.SalesTarget", related_name="parts", null=True, on_delete=fields.RESTRICT)

    owned_by = ("person", TARGETS_ALL)  # a person's target is theirs; department ones need .all
    read_permission = TARGETS_READ
    sensitive_fields = {"value": TARGETS_READ}

    class Meta:
        app = "pipeline"
        table = "pipeline_sales_target"
        unique_together = (("metric", "year", "quarter", "region", "industry_section", "person"),)


class TargetAccountRating(NodeModel):
    """How a candidate account rates on the factors of §3.1.1 that the core does not hold (its size it does)."""

    id = fields.IntField(primary_key=True)
    account = fields.OneToOneField("core.Account", related_name="target_rating", on_delete=fields.RESTRICT)
    industry_position = fields.IntField(description="1 (marginal) to 5 (leader).")
    purchase_potential = fields.DecimalField(
        max_digits=16, decimal_places=2, description="Annual purchase potential, CNY."
    )
    strategic_fit = fields.IntField(description="1 to 5.")
    rated_by = fields.CharField(max_length=200)
    rated_at = fields.DatetimeField(auto_now=True)

    scope_via = ("account",)
    read_permission = READ
    sensitive_fields = {"purchase_potential": AMOUNTS_READ}

    class Meta:
        app = "pipeline"
        table = "pipeline_target_rating"


class TargetAccountEntry(NodeModel):
    """A place on a quarter's target-account list, as the quarterly refresh ranked it."""

    id = fields.IntField(primary_key=True)
    quarter = fields.CharField(max_length=7, description="2026-Q4")
    rank = fields.IntField()
    account = fields.ForeignKeyField("core.Account", related_name="target_list_entries", on_delete=fields.RESTRICT)
    score = fields.DecimalField(max_digits=4, decimal_places=1)
    purchase_potential = fields.DecimalField(max_digits=16, decimal_places=2)
    priority = fields.BooleanField(description="Potential above 1,000,000 CNY: listed first.")

    scope_via = ("account",)
    read_permission = READ
    sensitive_fields = {"purchase_potential": AMOUNTS_READ}

    class Meta:
        app = "pipeline"
        table = "pipeline_target_list"
        unique_together = (("quarter", "account"),)
