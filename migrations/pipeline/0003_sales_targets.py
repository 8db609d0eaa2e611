from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from kamgraph.plugins.pipeline.rules import Metric


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0002_funnel_snapshots")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SalesTarget",
            fields=[
                ("version", fields.IntField(default=1)),
                ("external_id", fields.CharField(null=True, max_length=100)),
                ("source", fields.CharField(null=True, max_length=50)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("archived_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "metric",
                    fields.CharEnumField(
                        description="REVENUE: REVENUE\nCOLLECTIONS: COLLECTIONS\nNEW_ACCOUNTS: NEW_ACCOUNTS",
                        enum_type=Metric,
                        max_length=12,
                    ),
                ),
                ("year", fields.IntField()),
                ("quarter", fields.IntField(null=True)),
                ("region", fields.CharField(null=True, max_length=12)),
                ("industry_section", fields.CharField(null=True, max_length=1)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="sales_targets",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("value", fields.DecimalField(max_digits=16, decimal_places=2)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "pipeline.SalesTarget",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="parts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "pipeline_sales_target",
                "app": "pipeline",
                "unique_together": (("metric", "year", "quarter", "region", "industry_section", "person"),),
                "pk_attr": "id",
                "table_description": "A sales target (§1.2.2.1), with the target it is part of.",
            },
            bases=["VersionedModel"],
        ),
    ]
