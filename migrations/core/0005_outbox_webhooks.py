from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from kamgraph.crypto import SealedTextField


class Migration(migrations.Migration):
    dependencies = [("core", "0004_idempotency")]

    initial = False

    operations = [
        ops.CreateModel(
            name="OutboxEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("event_id", fields.CharField(unique=True, max_length=32)),
                ("type", fields.CharField(max_length=100)),
                ("subject", fields.CharField(max_length=200)),
                ("data", fields.TextField(unique=False)),
                ("actor", fields.CharField(max_length=200)),
                ("occurred_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "account_id",
                    fields.IntField(
                        null=True,
                        description="the account the event concerns, so that deliveries obey the receiver's row scope",
                    ),
                ),
                ("fanned_out", fields.BooleanField(default=False, db_index=True)),
            ],
            options={
                "table": "outbox_event",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A domain event, written in the same transaction as the change it reports (the transactional outbox).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Webhook",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("url", fields.CharField(max_length=2000)),
                ("event_types", fields.TextField(default="", unique=False)),
                ("description", fields.CharField(default="", max_length=500)),
                ("secret", SealedTextField(unique=False)),
                ("owner_person_id", fields.IntField(null=True)),
                ("owner_api_key_id", fields.IntField(null=True)),
                ("created_by", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("disabled_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "webhook",
                "app": "core",
                "pk_attr": "id",
                "table_description": "An endpoint that receives events, signed with its secret (sealed here, shown once at creation).",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="WebhookDelivery",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "webhook",
                    fields.ForeignKeyField(
                        "core.Webhook",
                        source_field="webhook_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "event",
                    fields.ForeignKeyField(
                        "core.OutboxEvent",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("status", fields.CharField(default="pending", db_index=True, max_length=10)),
                ("attempts", fields.IntField(default=0)),
                ("next_attempt_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("last_status_code", fields.IntField(null=True)),
                ("last_error", fields.TextField(null=True, unique=False)),
                ("delivered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "webhook_delivery",
                "app": "core",
                "pk_attr": "id",
                "table_description": "One event for one webhook: attempts, the last answer, and when to try again.",
            },
            bases=["NodeModel"],
        ),
    ]
