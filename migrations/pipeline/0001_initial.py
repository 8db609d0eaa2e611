from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from kamgraph.core.contracts.models import Edition


class Migration(migrations.Migration):
    dependencies = [("core", "0007_restore_person_index")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Opportunity",
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
                        related_name="opportunities",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="owner_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="opportunities",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("currency", fields.CharField(default="CNY", max_length=3)),
                ("expected_close_on", fields.DateField()),
                (
                    "edition",
                    fields.CharEnumField(
                        default=Edition.BASIC,
                        description="BASIC: BASIC\nENHANCED: ENHANCED\nPREMIUM: PREMIUM",
                        enum_type=Edition,
                        max_length=10,
                    ),
                ),
                ("lead_source", fields.CharField(null=True, max_length=100)),
                ("stage", fields.CharField(max_length=30)),
                ("probability", fields.DecimalField(max_digits=4, decimal_places=3)),
                ("stage_entered_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("loss_reason", fields.TextField(null=True, unique=False)),
                ("competitor", fields.CharField(null=True, max_length=200)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "core.Contract",
                        source_field="contract_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="opportunities",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("first_contact_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("follow_up_due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("followed_up_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("follow_up_overdue_reported_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("needs_reported_on", fields.DateField(null=True)),
                ("needs_summary", fields.TextField(null=True, unique=False)),
                ("solution_due_on", fields.DateField(null=True)),
                ("solution_submitted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("solution_overdue_reported_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "pipeline_opportunity",
                "app": "pipeline",
                "indexes": [Index(fields=["stage", "expected_close_on"])],
                "pk_attr": "id",
                "table_description": "A sale being worked at an account, moving through the configured stages.",
            },
            bases=["VersionedModel"],
        ),
        ops.CreateModel(
            name="StageChange",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "opportunity",
                    fields.ForeignKeyField(
                        "pipeline.Opportunity",
                        source_field="opportunity_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="stage_changes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("from_stage", fields.CharField(null=True, max_length=30)),
                ("to_stage", fields.CharField(max_length=30)),
                ("entered_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("left_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("changed_by", fields.CharField(max_length=200)),
                ("reason", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "pipeline_stage_change",
                "app": "pipeline",
                "indexes": [Index(fields=["to_stage", "entered_at"])],
                "pk_attr": "id",
                "table_description": "One stage an opportunity entered: when, by whom, from where, and when it left again.",
            },
            bases=["NodeModel"],
        ),
    ]
