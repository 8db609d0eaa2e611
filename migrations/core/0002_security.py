"""Logins, sessions, login throttles, API keys and the audit trail."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ApiKey",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=100)),
                ("prefix", fields.CharField(unique=True, max_length=16)),
                ("key_hash", fields.CharField(unique=True, max_length=64)),
                ("scopes", fields.TextField(default="", unique=False)),
                ("created_by", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("last_used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "api_key",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A key for an integration: the permissions it was granted (scopes), stored hashed, shown once.",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="AuditRecord",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("occurred_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("actor", fields.CharField(max_length=200)),
                ("actor_person_id", fields.IntField(null=True)),
                ("actor_via", fields.CharField(max_length=20)),
                ("action", fields.CharField(max_length=20)),
                ("subject_type", fields.CharField(max_length=60)),
                (
                    "subject_ids",
                    fields.TextField(
                        default="",
                        description="ids of the rows concerned, space-separated: one for a write, every row of one kind and account for a read",
                        unique=False,
                    ),
                ),
                (
                    "account",
                    fields.ForeignKeyField(
                        "core.Account",
                        source_field="account_id",
                        null=True,
                        description="the account the subject belongs to, so the audit trail obeys the same row scope as the data",
                        db_constraint=False,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.NO_ACTION,
                    ),
                ),
                ("fields_read", fields.TextField(default="", unique=False)),
                ("changes", fields.TextField(null=True, unique=False)),
                ("operation_name", fields.CharField(null=True, max_length=200)),
                ("request_id", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "audit_record",
                "app": "core",
                "pk_attr": "id",
                "table_description": "Who read or changed what, when, through which operation. Append-only: the API has no way to edit it.",
            },
            bases=["NodeModel"],
        ),
        ops.CreateModel(
            name="Login",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "person",
                    fields.OneToOneField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="login",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "email_index",
                    fields.CharField(
                        unique=True,
                        description="blind index of the lower-cased login e-mail, so that the address itself can stay encrypted",
                        max_length=64,
                    ),
                ),
                ("password_hash", fields.CharField(max_length=255)),
                ("last_login_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "login",
                "app": "core",
                "pk_attr": "id",
                "table_description": "The password (argon2 hash) of a member of staff.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LoginThrottle",
            fields=[
                ("key", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ("failures", fields.IntField(default=0)),
                ("window_started_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("locked_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "login_throttle",
                "app": "core",
                "pk_attr": "key",
                "table_description": "Failed logins per e-mail (known or not) and per client address, shared by every server process.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "person",
                    fields.ForeignKeyField(
                        "core.Person",
                        source_field="person_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("client_address", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "session",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A login session. Only the SHA-256 of its token is stored, and the token is shown once, at login.",
            },
            bases=["Model"],
        ),
    ]
