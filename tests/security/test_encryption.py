"""Contact phone and e-mail are encrypted at rest, searchable by exact match, and survive key rotation."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import account

from kamgraph import db
from kamgraph.core.people.models import Person
from kamgraph.ids import to_global_id

PHONES = ["13800138000", "13912345678", "+8613700001111"]
CREATE = 'mutation($a: ID!, $p: String!, $e: String!) { createPerson(input: {kind: CONTACT, name: "C", accountId: $a, phone: $p, email: $e}) { userErrors { code } } }'


async def seed(gql):
    acme = await account()
    for n, phone in enumerate(PHONES):
        result = await gql(CREATE, {"a": to_global_id("Account", acme.id), "p": phone, "e": f"buyer{n}@acme.cn"})
        assert result["createPerson"]["userErrors"] == []


async def test_the_database_holds_no_phone_number_or_e_mail_in_clear_text(gql, settings):
    await seed(gql)
    _, rows = await db.db().execute_query('SELECT "phone", "email" FROM "person"')
    stored = " ".join(f"{r['phone']} {r['email']}" for r in rows)
    assert all(p not in stored for p in PHONES) and "acme.cn" not in stored
    if settings.sqlite_path:  # and not in the file either, write-ahead log included
        raw = b"".join(
            Path(f"{settings.sqlite_path}{suffix}").read_bytes()
            for suffix in ("", "-wal")
            if Path(f"{settings.sqlite_path}{suffix}").exists()
        )
        assert all(p.encode() not in raw for p in PHONES) and b"acme.cn" not in raw
    data = await gql("{ people(filter: {kind: {eq: CONTACT}}) { edges { node { phone email } } } }")
    assert sorted(e["node"]["phone"] for e in data["people"]["edges"]) == sorted(PHONES)


async def test_encrypted_fields_match_exactly_and_only_exactly(gql):
    await seed(gql)
    found = await gql('{ people(filter: {phone: {eq: "13912345678"}}) { edges { node { email } } } }')
    assert found["people"]["edges"] == [{"node": {"email": "buyer1@acme.cn"}}]
    by_mail = await gql('{ people(filter: {email: {in: ["BUYER0@acme.cn", "nobody@x.cn"]}}) { totalCount } }')
    assert by_mail["people"]["totalCount"] == 1  # e-mail matching ignores case
    refused = await gql('{ people(filter: {phone: {startsWith: "139"}}) { totalCount } }', errors=True)
    assert "encrypted" in refused["errors"][0]["message"]


async def test_changing_a_phone_keeps_its_index_in_step(gql):
    await seed(gql)
    person = await Person.filter(phone_index__isnull=False).first()
    await gql(
        'mutation($id: ID!) { updatePerson(input: {id: $id, phone: "13011112222"}) { userErrors { code } } }',
        {"id": to_global_id("Person", person.id)},
    )
    found = await gql('{ people(filter: {phone: {eq: "13011112222"}}) { totalCount } }')
    assert found["people"]["totalCount"] == 1


@pytest.mark.slow
def test_rotate_key_re_seals_everything_without_losing_a_record(tmp_path):
    env = {**os.environ, "KAMGRAPH_DATABASE_URL": f"sqlite://{tmp_path}/r.sqlite3"}
    env.pop("KAMGRAPH_SECRET_KEY", None)

    def kamgraph(*args):
        return subprocess.run(
            [sys.executable, "-m", "kamgraph.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert kamgraph("demo").returncode == 0
    script = (
        "import asyncio, hashlib\n"
        "from kamgraph import db\nfrom kamgraph.settings import Settings\nfrom kamgraph.plugin_manager import PluginManager\n"
        "from kamgraph.core.people.models import Person\nfrom kamgraph.crypto import keyring\n"
        "async def main():\n"
        "    s = Settings.from_env(); pm = PluginManager.from_names(s.plugins)\n"
        "    async with db.connect(s, pm):\n"
        "        people = await Person.all().order_by('id')\n"
        "        ring = keyring()\n"
        "        print(sum(ring.blind_index(p.phone, 'phone') == p.phone_index for p in people if p.phone), len(people))\n"
        "        print(hashlib.sha256(repr([(p.id, p.phone, p.email) for p in people]).encode()).hexdigest())\n"
        "asyncio.run(main())\n"
    )
    before = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    old_file = (tmp_path / "r.sqlite3.key").read_text()
    rotated = kamgraph("rotate-key")
    assert rotated.returncode == 0, rotated.stderr
    new_file = (tmp_path / "r.sqlite3.key").read_text()
    assert new_file.splitlines()[1:] == old_file.splitlines()  # the old key is kept, after the new one
    after = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert after.returncode == 0, after.stderr
    assert before.stdout.splitlines()[1] == after.stdout.splitlines()[1]  # every value reads back the same
    matched, total = map(int, after.stdout.split()[:2])
    assert matched > 0 and total > 1000  # blind indexes recomputed under the new key
    import sqlite3

    new_id = new_file.split(":", 1)[0]
    con = sqlite3.connect(tmp_path / "r.sqlite3")
    stale = con.execute(
        "SELECT COUNT(*) FROM person WHERE phone IS NOT NULL AND phone NOT LIKE ?", (f"enc1.{new_id}.%",)
    ).fetchone()[0]
    assert stale == 0
    # logging in still works: the login's blind index followed the key
    login = 'mutation { login(input: {email: "ka-director@demo.kamgraph", password: "kamgraph-demo"}) { token } }'
    probe = (
        "import asyncio, httpx\nfrom kamgraph.app import create_app\nfrom kamgraph.settings import Settings\nfrom kamgraph import db\n"
        "async def main():\n"
        "    s = Settings.from_env(); app = create_app(s)\n"
        "    async with db.connect(s, app.state.pm):\n"
        "        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url='http://x') as c:\n"
        f"            print((await c.post('/graphql', json={{'query': {login!r}}})).json()['data']['login']['token'] is not None)\n"
        "asyncio.run(main())\n"
    )
    assert (
        subprocess.run(
            [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        ).stdout.strip()
        == "True"
    )


@pytest.mark.slow
def test_the_migration_seals_contact_data_written_before_it(tmp_path):
    script = (
        "import asyncio\n"
        "from tortoise.migrations.executor import MigrationExecutor, MigrationTarget\n"
        "from kamgraph import db\nfrom kamgraph.db import apps_config\nfrom kamgraph.db.migrations import migrate\n"
        "from kamgraph.settings import Settings\nfrom kamgraph.plugin_manager import PluginManager\n"
        "from kamgraph.core.people.models import Person\n"
        "async def main():\n"
        "    s = Settings.from_env(); pm = PluginManager.from_names(())\n"
        "    async with db.connect(s, pm):\n"
        "        await MigrationExecutor(db.db(), apps_config(pm)).migrate([MigrationTarget('core', '0002_security')])\n"
        '        await db.db().execute_query("INSERT INTO person (version, created_at, updated_at, kind, name, phone, email, "\n'
        "            \"is_key_decision_maker, status) VALUES (1, '2026-01-01', '2026-01-01', 'CONTACT', 'Old', '13800138000', 'old@x.cn', 0, 'ACTIVE')\")\n"
        "        await migrate(pm)\n"
        "        _, rows = await db.db().execute_query('SELECT phone, phone_index FROM person')\n"
        "        person = await Person.get(name='Old')\n"
        "        print(rows[0][0][:5], rows[0][1] is not None, person.phone, person.email)\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "KAMGRAPH_DATABASE_URL": f"sqlite://{tmp_path}/m.sqlite3"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["enc1.", "True", "13800138000", "old@x.cn"], result.stderr


async def test_reseal_moves_every_value_and_index_to_the_new_key_in_batches(gql, monkeypatch):
    """The re-seal itself, in process: what rotate-key runs after writing the new key first."""
    from kamgraph import crypto
    from kamgraph.security import rotation
    from kamgraph.security.actors import Role
    from kamgraph.security.auth import create_staff_user, login_index
    from kamgraph.security.models import Login

    await seed(gql)
    await create_staff_user("Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], "correct horse battery")
    old = crypto.keyring()
    rotated = crypto.KeyRing(crypto.new_key(), (old.current,))
    monkeypatch.setattr(rotation, "BATCH", 3)  # three contacts and a member of staff: two batches
    monkeypatch.setattr(crypto, "_keyring", rotated)
    progress: list[tuple[str, int]] = []
    people = await Person.all().count()
    written = await rotation.reseal(rotated, lambda model, n: progress.append((model, n)))
    logins = await Login.all().count()
    others = [await m.all().count() for m in rotation.protected_models() if m is not Person]
    assert logins == 1 and written == people + sum(others) + logins  # the protected rows, then every login
    assert [n for model, n in progress if model == "Person"] == [3, people]
    _, rows = await db.db().execute_query('SELECT "phone", "email", "phone_index" FROM "person"')
    new_id = crypto.key_id(rotated.current)
    assert all(r["phone"] is None or r["phone"].startswith(f"{crypto.PREFIX}.{new_id}.") for r in rows)
    assert sorted(r["phone_index"] for r in rows if r["phone"]) == sorted(
        rotated.blind_index(p, "phone") for p in PHONES
    )
    crypto.use_keyring(crypto.KeyRing(rotated.current))  # the old key gone: everything still opens
    assert sorted(p.phone for p in await Person.filter(phone__isnull=False)) == sorted(PHONES)
    assert await Login.exists(email_index=login_index("zhao.lei@example.com"))  # found by the new key's index


async def test_start_up_stops_on_keys_that_cannot_open_the_database(gql, settings):
    from kamgraph import crypto
    from kamgraph.checks import check_keys

    await check_keys(settings)  # an empty database opens with any key
    await seed(gql)
    await check_keys(settings)  # the key that sealed it
    sealed_with = crypto.key_id(crypto.keyring().current)
    original, other = crypto.keyring(), crypto.new_key()
    crypto.use_keyring(crypto.KeyRing(other))
    try:
        with pytest.raises(crypto.KeyError_) as refused:
            await check_keys(settings.with_(secret_key=crypto.encode_key(other)))
        crypto.use_keyring(crypto.KeyRing(other, (original.current,)))  # rotated: the old key still opens
        await check_keys(settings)
    finally:
        crypto.use_keyring(original)
    assert str(refused.value) == (
        f"the database holds values sealed with key {sealed_with}, which KAMGRAPH_SECRET_KEY does not hold "
        f"(it has {crypto.key_id(other)}): start with the key file the database was created with "
        "(KAMGRAPH_SECRET_KEY_FILE) or its key (KAMGRAPH_SECRET_KEY)"
    )


def test_a_development_key_lives_with_its_database_never_in_the_current_directory(tmp_path, monkeypatch):
    from kamgraph.settings import Settings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    embedded = Settings(database_url=f"sqlite://{tmp_path}/data/kam.sqlite3")
    assert embedded.default_key_file == tmp_path / "data" / "kam.sqlite3.key"
    server = Settings(database_url="postgres://kam:secret@db.internal:5433/kamgraph")
    assert (
        server.default_key_file == tmp_path / "config" / "kamgraph" / "keys" / "postgres-db.internal-5433-kamgraph.key"
    )
    assert "secret" not in str(server.default_key_file)
