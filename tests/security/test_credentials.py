"""Credentials at their edges: the exact moment a key or session ends, what an API key's actor holds, how
often a key's use is written down, and the throttle's arithmetic (in process, on both databases)."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from kamgraph.security import auth
from kamgraph.security.actors import Role, RowScope, ScopeKind
from kamgraph.security.models import ApiKey, LoginThrottle, Session

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(auth, "now", lambda: NOW)


def test_a_password_has_at_least_ten_characters():
    assert auth.password_problem("x" * 9) == "a password has at least 10 characters"
    assert auth.password_problem("x" * 10) is None


@pytest.mark.parametrize(
    "header, token",
    [
        ("Bearer T", "T"),
        (b"bearer T", "T"),
        ("  BEARER   T ", "T"),
        ("Bearer", None),
        ("Bearer T extra", None),
        ("Basic T", None),
        ("", None),
        (None, None),
    ],
)
def test_a_bearer_token_is_read_however_the_scheme_is_spelt(header, token):
    assert auth.bearer_token(header) == token


async def test_a_new_api_key_shows_its_secret_once_and_keeps_its_hash(clean):
    expires = NOW + timedelta(days=30)
    secret, key = await auth.create_api_key(
        "crm", ["contracts.read", "accounts.read", "accounts.read"], "Zhao", expires
    )
    assert re.fullmatch(r"kgk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}", secret) and key.prefix == secret[4:12]
    stored = await ApiKey.get(id=key.id)
    assert (stored.key_hash, stored.scopes, stored.created_by, stored.expires_at) == (
        hashlib.sha256(secret.encode()).hexdigest(),
        "accounts.read contracts.read",
        "Zhao",
        expires,
    )
    assert secret not in repr(vars(stored))


async def test_an_api_keys_actor_holds_its_registered_scopes_over_every_row(clean, permissions):
    secret, key = await auth.create_api_key("crm", ["accounts.read", "no.such.permission"], "Zhao", None)
    actor = await auth.authenticate(secret, permissions)
    assert (actor.name, actor.roles, actor.scopes, actor.permissions, actor.via, actor.credential_id) == (
        "api key crm",
        frozenset({Role.INTEGRATION}),
        (RowScope(ScopeKind.ALL),),
        frozenset({"accounts.read"}),
        "api_key",
        key.id,
    )
    by_id = await auth.api_key_actor(key.id, permissions)
    assert (by_id.name, by_id.permissions, by_id.credential_id) == ("api key crm", frozenset({"accounts.read"}), key.id)
    assert (
        await auth.authenticate("kgk_unknown", permissions) is None and await auth.api_key_actor(0, permissions) is None
    )
    assert await auth.authenticate("Bearer " + secret, permissions) is None  # a token, not a header


async def test_a_key_ends_at_its_expiry_to_the_microsecond(clean, permissions, frozen):
    secret, ending = await auth.create_api_key("ending", ["accounts.read"], "Zhao", NOW)
    later_secret, later = await auth.create_api_key("later", ["accounts.read"], "Zhao", NOW + timedelta(microseconds=1))
    assert (
        await auth.authenticate(secret, permissions) is None
        and await auth.api_key_actor(ending.id, permissions) is None
    )
    actor = await auth.authenticate(later_secret, permissions)
    assert actor is not None and await auth.api_key_actor(later.id, permissions) is not None
    assert await auth.still_valid(actor)
    await ApiKey.filter(id=later.id).update(expires_at=NOW)
    assert not await auth.still_valid(actor)
    await ApiKey.filter(id=later.id).update(expires_at=None, revoked_at=NOW)
    assert not await auth.still_valid(actor) and await auth.api_key_actor(later.id, permissions) is None


@pytest.mark.parametrize(
    "last_used, written",
    [
        (None, True),
        (NOW - timedelta(seconds=61), True),
        (NOW - timedelta(seconds=60), False),  # once a minute at most
        (NOW - timedelta(seconds=30), False),
    ],
)
async def test_a_keys_use_is_written_down_once_a_minute(clean, permissions, frozen, last_used, written):
    secret, key = await auth.create_api_key("crm", ["accounts.read"], "Zhao", None)
    await ApiKey.filter(id=key.id).update(last_used_at=last_used)
    await auth.authenticate(secret, permissions)
    assert (await ApiKey.get(id=key.id)).last_used_at == (NOW if written else last_used)


async def test_a_session_ends_at_its_expiry_and_at_logout(clean, permissions, frozen):
    person = await auth.create_staff_user("Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], PASSWORD)
    tokens = {}
    for name, expires in (("ending", NOW), ("later", NOW + timedelta(microseconds=1))):
        tokens[name] = auth.SESSION_PREFIX + name
        await Session.create(person_id=person.id, token_hash=auth.hash_token(tokens[name]), expires_at=expires)
    assert await auth.authenticate(tokens["ending"], permissions) is None
    actor = await auth.authenticate(tokens["later"], permissions)
    assert (actor.name, actor.via, actor.roles) == ("Zhao Lei", "session", frozenset({Role.KA_DIRECTOR}))
    assert await auth.still_valid(actor)
    await Session.filter(id=actor.credential_id).update(expires_at=NOW)
    assert not await auth.still_valid(actor)  # ended at its expiry, to the microsecond
    await Session.filter(id=actor.credential_id).update(expires_at=NOW + timedelta(hours=1))
    assert await auth.logout(actor) and not await auth.logout(actor)  # the second finds nothing left to end
    assert not await auth.still_valid(actor) and await auth.authenticate(tokens["later"], permissions) is None
    other = await auth.create_staff_user("Qian Li", "qian.li@example.com", [Role.ACCOUNT_MANAGER], PASSWORD)
    await Session.create(
        person_id=other.id, token_hash=auth.hash_token("kgs_other"), expires_at=NOW + timedelta(hours=1)
    )
    assert await auth.authenticate("kgs_other", permissions) is not None  # one logout ends one session only
    key_secret, _ = await auth.create_api_key("crm", ["accounts.read"], "Zhao", None)
    assert not await auth.logout(await auth.authenticate(key_secret, permissions))  # keys are revoked, not logged out


async def test_an_actor_without_a_session_or_key_has_nothing_to_end(clean):
    from kamgraph.security.actors import SYSTEM_ACTOR, Actor

    assert await auth.still_valid(SYSTEM_ACTOR)
    assert await auth.still_valid(Actor(name="a plugin's own credential", via="webhook", credential_id=5))


async def test_a_command_acts_as_the_member_of_staff_it_names(clean, permissions):
    person = await auth.create_staff_user("Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], PASSWORD)
    actor = await auth.actor_for_email("  Zhao.Lei@example.com ", permissions)
    assert (actor.name, actor.person_id, actor.via) == ("Zhao Lei", person.id, "command")
    assert await auth.actor_for_email("nobody@example.com", permissions) is None
    person.archived_at = NOW
    await person.save()
    assert await auth.actor_for_email("zhao.lei@example.com", permissions) is None


async def test_the_throttle_locks_at_the_limit_for_the_window_and_says_how_long(clean, settings, frozen):
    keys = ["email:x", "address:203.0.113.9"]
    config = settings.with_(login_failures_per_account=3, login_failures_per_address=5, login_window_minutes=15)
    for _ in range(2):
        await auth._record_failure(keys, config)
    assert await auth._locked(keys) is None
    await auth._record_failure(keys, config)  # the third failure of the account: locked for the window
    throttles = {t.key: (t.failures, t.locked_until) for t in await LoginThrottle.all()}
    assert throttles == {"email:x": (3, NOW + timedelta(minutes=15)), "address:203.0.113.9": (3, None)}
    assert await auth._locked(keys) == 15 * 60 + 1
    assert await auth._locked(["address:203.0.113.9"]) is None


async def test_failures_older_than_the_window_start_a_new_count(clean, settings, monkeypatch):
    config = settings.with_(login_failures_per_account=3, login_window_minutes=15)
    monkeypatch.setattr(auth, "now", lambda: NOW)
    await auth._record_failure(["email:x"], config)
    await auth._record_failure(["email:x"], config)
    monkeypatch.setattr(auth, "now", lambda: NOW + timedelta(minutes=15))  # the window's last moment: still counts
    await auth._record_failure(["email:x"], config)
    assert (await LoginThrottle.get(key="email:x")).failures == 3
    monkeypatch.setattr(auth, "now", lambda: NOW + timedelta(minutes=31))
    await auth._record_failure(["email:x"], config)
    throttle = await LoginThrottle.get(key="email:x")
    assert (throttle.failures, throttle.window_started_at, throttle.locked_until) == (
        1,
        NOW + timedelta(minutes=31),
        None,
    )


async def test_a_directors_session_sees_their_line_and_region(clean, permissions, frozen):
    from kamgraph.core.people.models import Person

    regional = await auth.create_staff_user(
        "Director East", "east@example.com", [Role.REGIONAL_DIRECTOR, Role.INDUSTRY_DIRECTOR], PASSWORD
    )
    await Person.filter(id=regional.id).update(region="EAST", industry_section="C")
    await Session.create(
        person_id=regional.id, token_hash=auth.hash_token("kgs_east"), expires_at=NOW + timedelta(hours=1)
    )
    actor = await auth.authenticate("kgs_east", permissions)
    assert set(actor.scopes) == {
        RowScope(ScopeKind.REGION, values=("EAST",)),
        RowScope(ScopeKind.INDUSTRY, values=("C",)),
    }


async def test_a_login_opens_a_session_forgives_the_accounts_failures_and_upgrades_an_old_hash(clean, settings, frozen):
    from argon2 import PasswordHasher

    from kamgraph.security.models import Login

    person = await auth.create_staff_user(
        "Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], PASSWORD, region="EAST"
    )
    assert person.region == "EAST"  # the other fields of a new member of staff are kept
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)  # made with older, cheaper settings
    await Login.filter(person_id=person.id).update(password_hash=weak)
    address = "2001:db8::7"  # an IPv6 address holds colons too
    with pytest.raises(auth.LoginRefused):
        await auth.login("zhao.lei@example.com", "wrong password", address, settings)
    issued = await auth.login("Zhao.Lei@example.com", PASSWORD, address, settings)
    assert re.fullmatch(r"kgs_[A-Za-z0-9_-]{43}", issued.token) and issued.person.id == person.id
    session = await Session.get(token_hash=auth.hash_token(issued.token))
    assert (session.client_address, session.expires_at) == (address, NOW + timedelta(hours=settings.session_hours))
    login = await Login.get(person_id=person.id)
    assert login.last_login_at == NOW and login.password_hash != weak
    assert auth._verify(login.password_hash, PASSWORD)  # upgraded to today's settings, same password
    # the account's failures are forgiven; the address's are not (one's own login would reset them)
    assert [t.key for t in await LoginThrottle.all()] == [f"address:{address}"]


async def test_a_login_without_an_address_counts_against_the_account_only(clean, settings):
    with pytest.raises(auth.LoginRefused) as refused:
        await auth.login("nobody@example.com", "guess", None, settings)
    assert str(refused.value) == "the e-mail address or the password is not right"
    assert [t.key.partition(":")[0] for t in await LoginThrottle.all()] == ["email"]


async def test_a_lock_ends_at_its_time_and_says_how_long_is_left(clean, settings, frozen):
    keys = [f"email:{auth.login_index('x@example.com')}"]
    await LoginThrottle.create(key=keys[0], failures=5, window_started_at=NOW, locked_until=NOW + timedelta(seconds=90))
    assert await auth._locked(keys) == 91
    with pytest.raises(auth.LoginRefused) as locked:
        await auth.login("x@example.com", "guess", None, settings.with_(login_failures_per_account=99))
    assert (str(locked.value), locked.value.retry_after) == ("too many failed attempts; try again in 91 seconds", 91)
    await LoginThrottle.filter(key=keys[0]).update(locked_until=NOW)
    assert await auth._locked(keys) is None  # over at the moment it ends


def test_an_audit_entry_names_its_account_and_changed_fields():
    from kamgraph.core.accounts.models import Account
    from kamgraph.security.audit import entry

    row = Account(id=7, name="Acme")
    made = entry("update", row, changes={"name": {"before": "A", "after": "Acme"}})
    assert (made.subject_type, made.subject_ids, made.account_id, made.fields) == ("Account", (7,), 7, ("name",))
    assert entry("archive", row, account_id=None).account_id is None  # a caller may say so itself
    assert entry("read", row).fields == ()


async def test_only_staff_with_an_e_mail_address_get_a_login(clean):
    from factories import account, contact

    from kamgraph.core.people.models import Person, PersonKind

    customer_contact = await contact(await account(), email="buyer@example.com")
    no_email = await Person.create(kind=PersonKind.STAFF, name="No Mail")
    for person in (customer_contact, no_email):
        with pytest.raises(ValueError) as refused:
            await auth.set_password(person, PASSWORD)
        assert str(refused.value) == "only staff with an e-mail address log in"
