"""Authentication: passwords, session tokens, API keys, and the throttle on failed logins.

Tokens are random (256 bits) and stored only as SHA-256 hashes; a token is shown once, when it is
made. Passwords are hashed with argon2. A failed login never says whether the e-mail exists: unknown
e-mails cost the same argon2 work and are throttled exactly like known ones.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kamgraph.core.people.models import Person, PersonKind, StaffRole
from kamgraph.crypto import keyring
from kamgraph.db import write_transaction
from kamgraph.db.sql import Params, fetch, select_columns, table
from kamgraph.security.actors import Actor, Role, RowScope, ScopeKind
from kamgraph.security.models import ApiKey, Login, LoginThrottle, Session
from kamgraph.security.permissions import Permissions
from kamgraph.settings import Settings

SESSION_PREFIX = "kgs_"
API_KEY_PREFIX = "kgk_"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("kamgraph: equal work for unknown e-mails")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password has at least {MIN_PASSWORD_LENGTH} characters"
    return None


def login_index(email: str) -> str:
    return keyring().blind_index(email, "login")


def now() -> datetime:
    return datetime.now(UTC)


# --- login -------------------------------------------------------------------------------------------


class LoginRefused(Exception):
    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


WRONG = "the e-mail address or the password is not right"


@dataclass(frozen=True)
class Issued:
    token: str
    session: Session
    person: Person


async def login(email: str, password: str, client_address: str | None, settings: Settings) -> Issued:
    """Check a password and open a session; raises ``LoginRefused`` with the same words for any failure."""
    keys = [f"email:{login_index(email)}"] + ([f"address:{client_address}"] if client_address else [])
    retry_after = await _locked(keys)
    if retry_after:
        raise LoginRefused(f"too many failed attempts; try again in {retry_after} seconds", retry_after)
    found = await Login.get_or_none(email_index=login_index(email)).prefetch_related("person")
    ok = _verify(found.password_hash if found else _DUMMY_HASH, password) and found is not None
    if not ok or found.person.archived_at is not None:
        await _record_failure(keys, settings)
        raise LoginRefused(WRONG)
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    async with write_transaction():
        # the account's failures are forgiven, not the address's: a login of one's own would reset them
        await LoginThrottle.filter(key=keys[0]).delete()
        session = await Session.create(
            person_id=found.person_id,
            token_hash=hash_token(token),
            client_address=client_address,
            expires_at=now() + timedelta(hours=settings.session_hours),
        )
        found.last_login_at = now()
        if _hasher.check_needs_rehash(found.password_hash):
            found.password_hash = hash_password(password)
        await found.save(update_fields=["last_login_at", "password_hash"])
    return Issued(token, session, found.person)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def _locked(keys: list[str]) -> int | None:
    current = now()
    locks = [
        t.locked_until for t in await LoginThrottle.filter(key__in=keys) if t.locked_until and t.locked_until > current
    ]
    return int((max(locks) - current).total_seconds()) + 1 if locks else None


async def _record_failure(keys: list[str], settings: Settings) -> None:
    """Count a failure per e-mail and per address; past the limit within the window, lock for a while."""
    current = now()
    window = timedelta(minutes=settings.login_window_minutes)
    limits = {"email": settings.login_failures_per_account, "address": settings.login_failures_per_address}
    async with write_transaction():
        for key in keys:
            throttle = await LoginThrottle.get_or_none(key=key)
            if throttle is None or throttle.window_started_at + window < current:
                throttle = throttle or LoginThrottle(key=key)
                throttle.failures, throttle.window_started_at, throttle.locked_until = 0, current, None
            throttle.failures += 1
            if throttle.failures >= limits[key.partition(":")[0]]:  # "address:2001:db8::1" is an address
                throttle.locked_until = current + window
            await throttle.save()


async def logout(actor: Actor) -> bool:
    if actor.via != "session" or actor.credential_id is None:
        return False
    return bool(await Session.filter(id=actor.credential_id, revoked_at__isnull=True).update(revoked_at=now()))


# --- authenticating a request --------------------------------------------------------------------------


def bearer_token(header: str | bytes | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, however the scheme is cased or spaced: one
    credential is one token, so that limits and idempotency keyed on it cannot be renewed by rewriting it."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    parts = header.split() if header else []
    return parts[1] if len(parts) == 2 and parts[0].lower() == "bearer" else None


async def authenticate(token: str, permissions: Permissions) -> Actor | None:
    """The actor behind a bearer token, or None when the token is unknown, expired or revoked."""
    if token.startswith(SESSION_PREFIX):
        return await _session_actor(token, permissions)
    if token.startswith(API_KEY_PREFIX):
        return await _api_key_actor(token, permissions)
    return None


async def staff_actor(
    person: Person, permissions: Permissions, *, via: str = "session", credential_id: int | None = None
) -> Actor:
    roles = [row.role for row in await StaffRole.filter(person_id=person.id)]
    return permissions.actor_for_staff(
        person.name, person.id, roles, person.industry_section, person.region, via=via, credential_id=credential_id
    )


async def _session_actor(token: str, permissions: Permissions) -> Actor | None:
    session = await Session.get_or_none(token_hash=hash_token(token), revoked_at__isnull=True).prefetch_related(
        "person"
    )
    if session is None or session.expires_at <= now() or session.person.archived_at is not None:
        return None
    return await staff_actor(session.person, permissions, credential_id=session.id)


#: what authenticating with an API key reads of its row (asked on every request: one plain statement)
_KEY_COLUMNS = frozenset({"id", "name", "scopes", "expires_at", "last_used_at"})


async def _api_key_actor(token: str, permissions: Permissions) -> Actor | None:
    params = Params()
    found = await fetch(
        ApiKey,
        f"SELECT {select_columns(ApiKey, 't', _KEY_COLUMNS)} FROM {table(ApiKey)} t "
        f"WHERE t.key_hash = {params.add(hash_token(token))} AND t.revoked_at IS NULL",
        params,
        light=True,
    )
    key = found[0] if found else None
    if key is None or (key.expires_at and key.expires_at <= now()):
        return None
    if key.last_used_at is None or key.last_used_at < now() - timedelta(minutes=1):  # one write a minute at most
        await ApiKey.filter(id=key.id).update(last_used_at=now())
    return _key_actor(key, permissions)


async def api_key_actor(key_id: int, permissions: Permissions) -> Actor | None:
    """The actor of a live API key by id (a webhook owned by an integration sees what its key sees)."""
    key = await ApiKey.get_or_none(id=key_id, revoked_at__isnull=True)
    return None if key is None or (key.expires_at and key.expires_at <= now()) else _key_actor(key, permissions)


async def actor_for_email(email: str, permissions: Permissions) -> Actor | None:
    """The actor of the member of staff who logs in with ``email`` (for commands run on someone's behalf)."""
    found = await Login.get_or_none(email_index=login_index(email.strip())).prefetch_related("person")
    if found is None or found.person.archived_at is not None:
        return None
    return await staff_actor(found.person, permissions, via="command")


async def still_valid(actor: Actor) -> bool:
    """Is the credential behind ``actor`` still good (not logged out, revoked or expired)? For long-lived
    connections such as subscriptions, which authenticated once. An actor made without a credential (the
    platform, a command, a test) has nothing to end."""
    if actor.credential_id is None:
        return True
    if actor.via == "session":
        session = await Session.get_or_none(id=actor.credential_id, revoked_at__isnull=True)
        return session is not None and session.expires_at > now()
    if actor.via == "api_key":
        key = await ApiKey.get_or_none(id=actor.credential_id, revoked_at__isnull=True)
        return key is not None and not (key.expires_at and key.expires_at <= now())
    return True


def _key_actor(key: ApiKey, permissions: Permissions) -> Actor:
    granted = frozenset(key.scopes.split()) & frozenset(permissions.registered)
    return Actor(
        name=f"api key {key.name}",
        roles=frozenset({Role.INTEGRATION}),
        scopes=(RowScope(ScopeKind.ALL),),
        permissions=granted,
        via="api_key",
        credential_id=key.id,
    )


# --- API keys and logins --------------------------------------------------------------------------------


async def create_api_key(
    name: str, scopes: list[str], created_by: str, expires_at: datetime | None
) -> tuple[str, ApiKey]:
    """A new key; the returned secret is the only time it exists outside the caller's hands."""
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = await ApiKey.create(
        name=name,
        prefix=prefix,
        key_hash=hash_token(secret),
        scopes=" ".join(sorted(set(scopes))),
        created_by=created_by,
        expires_at=expires_at,
    )
    return secret, key


async def set_password(person: Person, password: str) -> Login:
    """Give a member of staff a login (or a new password). They log in with their (encrypted) e-mail,
    found through its blind index."""
    if person.kind is not PersonKind.STAFF or not person.email:
        raise ValueError("only staff with an e-mail address log in")
    login_row, _ = await Login.update_or_create(
        person_id=person.id,
        defaults={"email_index": login_index(person.email), "password_hash": hash_password(password)},
    )
    return login_row


async def create_staff_user(name: str, email: str, roles: list[Role], password: str, **fields: object) -> Person:
    """A member of staff with roles and a login (the command line's create-user; demo users)."""
    async with write_transaction():
        person = await Person.create(kind=PersonKind.STAFF, name=name, email=email, **fields)
        for role in roles:
            await StaffRole.create(person_id=person.id, role=role)
        await set_password(person, password)
    return person
