from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0005_outbox_webhooks")]

    initial = False

    operations = [
        ops.CreateModel(
            name="JobLock",
            fields=[
                ("job", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ("holder", fields.CharField(max_length=200)),
                ("run_id", fields.BigIntField(null=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "job_lock",
                "app": "core",
                "pk_attr": "job",
                "table_description": "The lease of a running job: a job runs only where it holds this row, and a lease left by a crashed runner expires.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="JobRun",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("job", fields.CharField(db_index=True, max_length=100)),
                ("trigger", fields.CharField(max_length=20)),
                ("status", fields.CharField(max_length=12)),
                ("holder", fields.CharField(max_length=200)),
                ("started_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("finished_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("summary", fields.TextField(null=True, unique=False)),
                ("error", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "job_run",
                "app": "core",
                "pk_attr": "id",
                "table_description": "One run of a scheduled job: who ran it, when, and how it ended.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Instalment",
            name="overdue_reported_on",
            field=fields.DateField(null=True),
        ),
    ]
