from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """On SQLite, 0003 rebuilt the person table to seal its contact columns, and a rebuilt table loses the
    indexes made by hand: contacts of an account were found by scanning every person. Put it back."""

    dependencies = [("core", "0006_jobs")]

    initial = False

    operations = [
        ops.RunSQL(
            ['CREATE INDEX IF NOT EXISTS "idx_person_account_kind" ON "person" ("account_id", "kind")'],
            reverse_sql=[],
        ),
    ]
