from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from kamgraph.plugins.risk.rules import PlanStatus, PlanType, RiskKind, RiskStatus


class Migration(migrations.Migration):
    dependencies = [("risk", "0002_warnings")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CompetitorOffer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="competitor_offers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("competitor", fields.CharField(max_length=200)),
                ("product", fields.CharField(null=True, max_length=200)),
                ("offer", fields.TextField(description="What was offered: price, terms, promises.", unique=False)),
                ("seen_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("recorded_by", fields.CharField(max_length=200)),
                ("comparison_due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("comparison", fields.TextField(null=True, unique=False)),
                ("compared_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("compared_by", fields.CharField(null=True, max_length=200)),
            ],
            options={
                "table": "risk_competitor_offer",
                "app": "risk",
                "pk_attr": "id",
                "table_description": "A competitor's offer seen at an account (§3.5.3).",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="RegisteredRisk",
            fields=[
                ("version", fields.IntField(default=1)),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("source", fields.CharField(null=True, max_length=50)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("archived_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="registered_risks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="CREDIT: CREDIT\nCOOPERATION: COOPERATION\nPOLICY: POLICY",
                        enum_type=RiskKind,
                        max_length=12,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("description", fields.TextField(null=True, unique=False)),
                ("probability", fields.IntField()),
                ("impact", fields.IntField()),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="owned_risks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=RiskStatus.OPEN,
                        description="OPEN: OPEN\nMITIGATING: MITIGATING\nCLOSED: CLOSED",
                        enum_type=RiskStatus,
                        max_length=10,
                    ),
                ),
                ("mitigation", fields.TextField(null=True, unique=False)),
                ("closed_reason", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "risk_register",
                "app": "risk",
                "pk_attr": "id",
                "table_description": "A risk in an account's register (§5.2.2.1), rated by probability and impact.",
            },
            bases=["VersionedModel"],
        ),
        ops.CreateModel(
            name="ContingencyPlan",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="contingency_plans",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "risk",
                    fields.ForeignKeyField(
                        "risk.RegisteredRisk",
                        source_field="risk_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="plans",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "plan_type",
                    fields.CharEnumField(
                        description="KEY_PERSON_LEFT: KEY_PERSON_LEFT\nPRODUCT_DEFECT: PRODUCT_DEFECT\nREGULATION_CHANGE: REGULATION_CHANGE",
                        enum_type=PlanType,
                        max_length=20,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                (
                    "status",
                    fields.CharEnumField(
                        default=PlanStatus.READY,
                        description="READY: READY\nACTIVE: ACTIVE\nCLOSED: CLOSED",
                        enum_type=PlanStatus,
                        max_length=8,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("activated_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("event_occurred_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("event_summary", fields.TextField(null=True, unique=False)),
                ("post_mortem_due_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("post_mortem", fields.TextField(null=True, unique=False)),
                ("post_mortem_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "risk_contingency_plan",
                "app": "risk",
                "pk_attr": "id",
                "table_description": "A contingency plan of an account (§3.5.4), activated when its event happens.",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="ContingencyTask",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "plan",
                    fields.ForeignKeyField(
                        "risk.ContingencyPlan",
                        source_field="plan_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tasks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="contingency_tasks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("due_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "risk_contingency_task",
                "app": "risk",
                "pk_attr": "id",
                "table_description": "One task of an activated contingency plan.",
            },
            bases=["NodeModel"],
        ),
    ]
