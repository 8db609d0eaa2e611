from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0003_sales_targets")]

    initial = False

    operations = [
        ops.CreateModel(
            name="TargetAccountEntry",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("quarter", fields.CharField(description="2026-Q4", max_length=7)),
                ("rank", fields.IntField()),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="target_list_entries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("score", fields.DecimalField(max_digits=4, decimal_places=1)),
                ("purchase_potential", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("priority", fields.BooleanField(description="Potential above 1,000,000 CNY: listed first.")),
            ],
            options={
                "table": "pipeline_target_list",
                "app": "pipeline",
                "unique_together": (("quarter", "account"),),
                "pk_attr": "id",
                "table_description": "A place on a quarter's target-account list, as the quarterly refresh ranked it.",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="TargetAccountRating",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.OneToOneField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="target_rating",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("industry_position", fields.IntField(description="1 (marginal) to 5 (leader).")),
                (
                    "purchase_potential",
                    fields.DecimalField(description="Annual purchase potential, CNY.", max_digits=16, decimal_places=2),
                ),
                ("strategic_fit", fields.IntField(description="1 to 5.")),
                ("rated_by", fields.CharField(max_length=200)),
                ("rated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "pipeline_target_rating",
                "app": "pipeline",
                "pk_attr": "id",
                "table_description": "How a candidate account rates on the factors of §3.1.1 that the core does not hold (its size it does).",
            },
            bases=["NodeModel"],
        ),
    ]
