from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from kam_tickets.models import TicketStatus


class Migration(migrations.Migration):
    dependencies = [("core", "0008_rate_counters")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Ticket",
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
                        related_name="tickets",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                (
                    "status",
                    fields.CharEnumField(
                        default=TicketStatus.OPEN,
                        description="OPEN: OPEN\nCLOSED: CLOSED",
                        enum_type=TicketStatus,
                        max_length=6,
                    ),
                ),
                ("opened_by", fields.CharField(max_length=200)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolution", fields.TextField(null=True, unique=False)),
                ("overdue_reported_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "tickets_ticket",
                "app": "tickets",
                "indexes": [Index(fields=["account_id", "created_at"]), Index(fields=["status", "created_at"])],
                "pk_attr": "id",
                "table_description": "A ticket on a customer account, opened at created_at.",
            },
            bases=["VersionedModel"],
        ),
    ]
