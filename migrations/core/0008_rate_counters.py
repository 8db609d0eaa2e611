from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0007_restore_person_index")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RateCounter",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(max_length=80)),
                ("window", fields.BigIntField()),
                ("hits", fields.IntField(default=0)),
            ],
            options={
                "table": "rate_counter",
                "app": "core",
                "unique_together": (("key", "window"),),
                "pk_attr": "id",
                "table_description": "Requests per key and one-minute window, counted by every server process on PostgreSQL.",
            },
            bases=["Model"],
        ),
    ]
