from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0003_seal_contact_data")]

    initial = False

    operations = [
        ops.CreateModel(
            name="IdempotencyRecord",
            fields=[
                ("key_hash", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("request_hash", fields.CharField(max_length=64)),
                ("status", fields.CharField(default="pending", max_length=10)),
                ("status_code", fields.IntField(null=True)),
                ("response", fields.TextField(null=True, unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "idempotency_record",
                "app": "core",
                "pk_attr": "key_hash",
                "table_description": "A request sent with an Idempotency-Key, and the response it got, kept 24 hours.",
            },
            bases=["Model"],
        ),
    ]
