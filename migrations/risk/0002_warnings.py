from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from kamgraph.plugins.risk.rules import WarningKind, WarningLevel


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RiskWarning",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="risk_warnings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="OVERDUE_PAYMENT: OVERDUE_PAYMENT\nPURCHASES_FALLING: PURCHASES_FALLING\nKEY_CONTACT_LEFT: KEY_CONTACT_LEFT\nEXPOSURE_NEAR_LIMIT: EXPOSURE_NEAR_LIMIT",
                        enum_type=WarningKind,
                        max_length=20,
                    ),
                ),
                (
                    "cause",
                    fields.CharField(
                        description="What the warning is about: a global id, or a month for purchases.", max_length=100
                    ),
                ),
                (
                    "level",
                    fields.CharEnumField(
                        description="LOW: LOW\nMEDIUM: MEDIUM\nHIGH: HIGH", enum_type=WarningLevel, max_length=6
                    ),
                ),
                ("reason", fields.TextField(unique=False)),
                ("raised_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("escalated_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolved_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolved_by", fields.CharField(null=True, max_length=200)),
                ("resolution", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "risk_warning",
                "app": "risk",
                "unique_together": (("account", "kind", "cause"),),
                "indexes": [Index(fields=["resolved_at"])],
                "pk_attr": "id",
                "table_description": "An early warning on an account, raised once per cause and resolved with a note.",
            },
            bases=["NodeModel"],
        ),
    ]
