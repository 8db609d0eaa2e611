"""Contact phone and e-mail become encrypted at rest, with blind indexes for exact-match search.

Rows written before this migration are sealed in place, so no record is lost or left in clear text.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from kamgraph.crypto import PREFIX, BlindIndexField, SealedTextField, keyring


async def seal_existing(apps, schema_editor):
    client = schema_editor.client
    ring = keyring()
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    marks = [f"${n}" for n in range(1, 6)] if mark == "$1" else ["?"] * 5
    _, rows = await client.execute_query('SELECT "id", "phone", "email" FROM "person"')
    for row in rows:
        phone, email = row["phone"], row["email"]
        if (phone is None or phone.startswith(PREFIX)) and (email is None or email.startswith(PREFIX)):
            continue
        await client.execute_query(
            f'UPDATE "person" SET "phone" = {marks[0]}, "email" = {marks[1]}, "phone_index" = {marks[2]}, '
            f'"email_index" = {marks[3]} WHERE "id" = {marks[4]}',
            [
                None if phone is None else ring.seal(phone),
                None if email is None else ring.seal(email),
                None if not phone else ring.blind_index(phone, "phone"),
                None if not email else ring.blind_index(email, "email"),
                row["id"],
            ],
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_security")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Person",
            name="email",
            field=SealedTextField(null=True, unique=False),
        ),
        ops.AlterField(
            model_name="Person",
            name="phone",
            field=SealedTextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name="Person",
            name="email_index",
            field=BlindIndexField(null=True, db_index=True, source="email", purpose="email"),
        ),
        ops.AddField(
            model_name="Person",
            name="phone_index",
            field=BlindIndexField(null=True, db_index=True, source="phone", purpose="phone"),
        ),
        ops.RunPython(seal_existing),
    ]
