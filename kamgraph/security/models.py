"""Logins, sessions, API keys and the audit trail (tables of the core app)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from kamgraph.crypto import SealedTextField
from kamgraph.db.models import NodeModel


class Login(Model):
    """The password (argon2 hash) of a member of staff."""

    id = fields.IntField(primary_key=True)
    person = fields.OneToOneField("core.Person", related_name="login", on_delete=fields.CASCADE)
    #: blind index of the lower-cased login e-mail, so that the address itself can stay encrypted
    email_index = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    internal = True  # read by authentication only, never through the API

    class Meta:
        app = "core"
        table = "login"


class RateCounter(Model):
    """Requests per key and one-minute window, counted by every server process on PostgreSQL."""

    key = fields.CharField(max_length=80)
    window = fields.BigIntField()  # minutes since the epoch
    hits = fields.IntField(default=0)

    class Meta:
        app = "core"
        table = "rate_counter"
        unique_together = (("key", "window"),)


class LoginThrottle(Model):
    """Failed logins per e-mail (known or not) and per client address, shared by every server process."""

    key = fields.CharField(max_length=80, primary_key=True)  # email:<blind index> or address:<ip>
    failures = fields.IntField(default=0)
    window_started_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        app = "core"
        table = "login_throttle"


class Session(Model):
    """A login session. Only the SHA-256 of its token is stored, and the token is shown once, at login."""

    id = fields.IntField(primary_key=True)
    person = fields.ForeignKeyField("core.Person", related_name="sessions", on_delete=fields.CASCADE)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    client_address = fields.CharField(max_length=64, null=True)

    internal = True  # read by authentication only, never through the API

    class Meta:
        app = "core"
        table = "session"


class ApiKey(NodeModel):
    """A key for an integration: the permissions it was granted (scopes), stored hashed, shown once."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=16, unique=True)  # shown in lists so a key can be recognised
    key_hash = fields.CharField(max_length=64, unique=True)
    scopes = fields.TextField(default="")  # granted permission names, space-separated
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    read_permission = "apikeys.manage"

    class Meta:
        app = "core"
        table = "api_key"


class AuditRecord(NodeModel):
    """Who read or changed what, when, through which operation. Append-only: the API has no way to edit it."""

    id = fields.BigIntField(primary_key=True)
    occurred_at = fields.DatetimeField(auto_now_add=True)
    actor = fields.CharField(max_length=200)
    actor_person_id = fields.IntField(null=True)
    actor_via = fields.CharField(max_length=20)
    action = fields.CharField(max_length=20)  # read, create, update, archive, login, logout, ...
    subject_type = fields.CharField(max_length=60)
    #: ids of the rows concerned, space-separated: one for a write, every row of one kind and account for a read
    subject_ids = fields.TextField(default="")
    #: the account the subject belongs to, so the audit trail obeys the same row scope as the data
    account = fields.ForeignKeyField(
        "core.Account", related_name=False, null=True, db_constraint=False, on_delete=fields.NO_ACTION
    )
    fields_read = fields.TextField(default="")  # space-separated field names
    changes = fields.TextField(null=True)  # JSON: {"field": {"before": ..., "after": ...}}
    operation_name = fields.CharField(max_length=200, null=True)
    request_id = fields.CharField(max_length=64, null=True)

    scope_via = ("account",)
    read_permission = "audit.read"

    class Meta:
        app = "core"
        table = "audit_record"


class IdempotencyRecord(Model):
    """A request sent with an Idempotency-Key, and the response it got, kept 24 hours."""

    key_hash = fields.CharField(max_length=64, primary_key=True)  # SHA-256 of credential and key
    request_hash = fields.CharField(max_length=64)
    status = fields.CharField(max_length=10, default="pending")  # pending or done
    status_code = fields.IntField(null=True)
    response = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        app = "core"
        table = "idempotency_record"


class OutboxEvent(Model):
    """A domain event, written in the same transaction as the change it reports (the transactional outbox)."""

    id = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=32, unique=True)
    type = fields.CharField(max_length=100)
    subject = fields.CharField(max_length=200)
    data = fields.TextField()  # JSON
    actor = fields.CharField(max_length=200)
    occurred_at = fields.DatetimeField()
    #: the account the event concerns, so that deliveries obey the receiver's row scope
    account_id = fields.IntField(null=True)
    fanned_out = fields.BooleanField(default=False, db_index=True)

    class Meta:
        app = "core"
        table = "outbox_event"


class Webhook(NodeModel):
    """An endpoint that receives events, signed with its secret (sealed here, shown once at creation)."""

    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    event_types = fields.TextField(default="")  # space-separated, empty for every type
    description = fields.CharField(max_length=500, default="")
    secret = SealedTextField()
    owner_person_id = fields.IntField(null=True)  # deliveries carry only what the owner may see
    owner_api_key_id = fields.IntField(null=True)
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    disabled_at = fields.DatetimeField(null=True)

    read_permission = "webhooks.manage"

    class Meta:
        app = "core"
        table = "webhook"


class WebhookDelivery(NodeModel):
    """One event for one webhook: attempts, the last answer, and when to try again."""

    id = fields.BigIntField(primary_key=True)
    webhook = fields.ForeignKeyField("core.Webhook", related_name="deliveries", on_delete=fields.CASCADE)
    event = fields.ForeignKeyField("core.OutboxEvent", related_name="deliveries", on_delete=fields.CASCADE)
    status = fields.CharField(max_length=10, default="pending", db_index=True)  # pending, delivered, failed
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.TextField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    read_permission = "webhooks.manage"

    class Meta:
        app = "core"
        table = "webhook_delivery"
