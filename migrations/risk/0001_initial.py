from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from kamgraph.crypto import SealedTextField
from kamgraph.plugins.risk.rules import DunningStage, Rating


class Migration(migrations.Migration):
    initial = True
    dependencies = [("core", "0007_restore_person_index")]

    operations = [
        ops.CreateModel(
            name="CreditAssessment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="credit_assessments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("sequence", fields.IntField(description="1 for the account's first assessment, then 2, 3...")),
                ("valid_from", fields.DateField()),
                ("valid_until", fields.DateField()),
                ("credit_report_score", fields.IntField()),
                ("industry_reputation_score", fields.IntField()),
                ("financial_condition_score", fields.IntField()),
                ("credit_report_notes", SealedTextField(null=True, unique=False)),
                ("industry_reputation_notes", SealedTextField(null=True, unique=False)),
                ("financial_condition_notes", SealedTextField(null=True, unique=False)),
                ("score", fields.DecimalField(max_digits=4, decimal_places=1)),
                ("rating", fields.CharEnumField(description="A: A\nB: B\nC: C\nD: D", enum_type=Rating, max_length=1)),
                ("credit_limit", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("payment_terms_days", fields.IntField()),
                ("prepayment", fields.BooleanField()),
                ("assessed_by", fields.CharField(max_length=200)),
                ("assessed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "ended_on",
                    fields.DateField(null=True, description="Ended before valid_until (valid through the day before)."),
                ),
                ("end_reason", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "risk_credit_assessment",
                "app": "risk",
                "unique_together": (("account", "sequence"),),
                "indexes": [Index(fields=["account_id", "valid_from"])],
                "pk_attr": "id",
                "table_description": "One version of an account's credit assessment, valid for a period.",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="CreditOverride",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.OneToOneField(
                        "core.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="credit_override",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="credit_overrides",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("reason", fields.TextField(unique=False)),
                ("granted_by", fields.CharField(max_length=200)),
                ("granted_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "used_at",
                    fields.DatetimeField(
                        null=True,
                        description="When the contract it allowed was signed.",
                        auto_now=False,
                        auto_now_add=False,
                    ),
                ),
            ],
            options={
                "table": "risk_credit_override",
                "app": "risk",
                "pk_attr": "id",
                "table_description": "A KA director's permission to sign one contract that the credit rule would refuse, with the reason.",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="DunningNotice",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "instalment",
                    fields.ForeignKeyField(
                        "core.Instalment",
                        source_field="instalment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dunning_notices",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "core.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dunning_notices",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dunning_notices",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "stage",
                    fields.CharEnumField(
                        description="FIRST_NOTICE: FIRST_NOTICE\nSECOND_NOTICE: SECOND_NOTICE\nFINAL_NOTICE: FINAL_NOTICE\nLEGAL: LEGAL",
                        enum_type=DunningStage,
                        max_length=14,
                    ),
                ),
                ("days_overdue", fields.IntField()),
                ("outstanding", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("issued_on", fields.DateField()),
            ],
            options={
                "table": "risk_dunning_notice",
                "app": "risk",
                "unique_together": (("instalment", "stage"),),
                "pk_attr": "id",
                "table_description": "A dunning notice issued for an overdue instalment, at most one per stage and instalment.",
            },
            bases=["NodeModel"],
        ),
    ]
