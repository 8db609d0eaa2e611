from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FunnelSnapshot",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("week_start", fields.DateField(description="The Monday of the week the snapshot was taken.")),
                ("region", fields.CharField(null=True, max_length=12)),
                ("stage", fields.CharField(max_length=30)),
                ("reached", fields.IntField()),
                ("conversion_to_next", fields.FloatField(null=True)),
                ("average_days", fields.FloatField(null=True)),
                ("lost", fields.IntField()),
                ("taken_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "pipeline_funnel_snapshot",
                "app": "pipeline",
                "unique_together": (("week_start", "region", "stage"),),
                "pk_attr": "id",
                "table_description": "One stage of the funnel as a weekly snapshot kept it.",
            },
            bases=["Model"],
        ),
    ]
