"""Logging in, sessions, API keys, and everything else refused without a valid token."""

from datetime import timedelta

import pytest
from conftest import ANONYMOUS
from factories import account, contract

from kamgraph.core.people.models import Person
from kamgraph.security import auth
from kamgraph.security.actors import Role
from kamgraph.security.models import ApiKey, Session

LOGIN = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token expiresAt person { name } retryAfterSeconds userErrors { code message } } }"
PASSWORD = "correct horse battery"


@pytest.fixture
async def director(gql):
    return await auth.create_staff_user("Zhao Lei", "zhao.lei@example.com", [Role.KA_DIRECTOR], PASSWORD)


async def login(gql, email="zhao.lei@example.com", password=PASSWORD):
    return (await gql(LOGIN, {"e": email, "p": password}, actor=ANONYMOUS))["login"]


async def test_login_returns_a_token_that_authenticates(gql, director):
    result = await login(gql)
    assert (
        result["userErrors"] == [] and result["token"].startswith("kgs_") and result["person"] == {"name": "Zhao Lei"}
    )
    me = await gql("{ me { name roles via } }", actor=ANONYMOUS, token=result["token"])
    assert me["me"] == {"name": "Zhao Lei", "roles": ["KA_DIRECTOR"], "via": "session"}
    from kamgraph.security.models import AuditRecord

    assert await AuditRecord.filter(action="login", actor="Zhao Lei", subject_ids=str(director.id)).count() == 1
    assert await Session.filter(token_hash=result["token"]).count() == 0  # only the hash is stored


async def test_e_mail_is_case_insensitive(gql, director):
    assert (await login(gql, email="Zhao.Lei@Example.com"))["token"]


async def test_wrong_password_and_unknown_e_mail_look_the_same(gql, director):
    wrong = await login(gql, password="not the password")
    unknown = await login(gql, email="nobody@example.com")
    assert wrong["token"] is None and unknown["token"] is None
    assert wrong["userErrors"] == unknown["userErrors"] == [{"code": "UNAUTHENTICATED", "message": auth.WRONG}]


async def test_failed_logins_are_throttled_per_account_whether_it_exists_or_not(gql, director, settings):
    for email in ("zhao.lei@example.com", "ghost@example.com"):
        for _ in range(settings.login_failures_per_account):
            await login(gql, email=email, password="nope")
        locked = await login(gql, email=email, password=PASSWORD if "zhao" in email else "nope")
        assert (
            locked["token"] is None
            and locked["userErrors"][0]["code"] == "THROTTLED"
            and locked["retryAfterSeconds"] > 0
        )


async def test_failed_logins_are_throttled_per_client_address(gql, director, settings):
    for n in range(settings.login_failures_per_address):
        await login(gql, email=f"guess{n}@example.com", password="nope")
    assert (await login(gql))["userErrors"][0]["code"] == "THROTTLED"  # even the right password, from that address


async def test_logout_revokes_the_session_at_once(gql, director):
    token = (await login(gql))["token"]
    assert (await gql("mutation { logout { revoked } }", actor=ANONYMOUS, token=token))["logout"] == {"revoked": True}
    from kamgraph.security.models import AuditRecord

    assert await AuditRecord.filter(action="logout").count() == 1
    body = await gql("{ me { name } }", actor=ANONYMOUS, token=token, errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_sessions_and_archived_people_are_refused(gql, director):
    token = (await login(gql))["token"]
    await Session.all().update(expires_at=auth.now() - timedelta(seconds=1))
    assert (await gql("{ me { name } }", actor=ANONYMOUS, token=token, errors=True))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    await Person.filter(id=director.id).update(archived_at=auth.now())
    assert (await login(gql))["token"] is None


@pytest.mark.parametrize(
    "query",
    [
        "{ accounts { totalCount } }",
        "mutation { logout { revoked } }",
        '{ node(id: "QWNjb3VudDox") { id } }',
        "{ __typename accounts { totalCount } }",
    ],
)
async def test_everything_but_login_needs_a_token(gql, query):
    body = await gql(query, actor=ANONYMOUS, errors=True)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    garbage = await gql(query, actor=ANONYMOUS, token="kgs_forged", errors=True)
    assert garbage["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_introspection_is_open_in_development(gql):
    body = await gql("{ __schema { queryType { name } } }", actor=ANONYMOUS)
    assert body["__schema"]["queryType"]["name"] == "Query"


CREATE_KEY = 'mutation($s: [String!]!) { createApiKey(input: {name: "CRM sync", scopes: $s}) { secret apiKey { id prefix scopes } userErrors { field code } } }'


async def test_api_keys_grant_exactly_their_scopes_and_can_be_revoked(gql, director):
    acme = await account(name="Acme")
    await contract(acme)
    token = (await login(gql))["token"]
    created = (await gql(CREATE_KEY, {"s": ["accounts.read"]}, actor=ANONYMOUS, token=token))["createApiKey"]
    secret = created["secret"]
    assert secret.startswith("kgk_" + created["apiKey"]["prefix"]) and created["apiKey"]["scopes"] == ["accounts.read"]
    assert not await ApiKey.filter(key_hash=secret).exists()  # stored hashed
    seen = await gql(
        "{ me { via roles } accounts { totalCount } contracts { totalCount } }", actor=ANONYMOUS, token=secret
    )
    assert seen == {
        "me": {"via": "api_key", "roles": ["INTEGRATION"]},
        "accounts": {"totalCount": 1},
        "contracts": {"totalCount": 0},
    }
    listed = await gql("{ apiKeys { edges { node { name prefix } } } }", actor=ANONYMOUS, token=token)
    assert listed["apiKeys"]["edges"] == [{"node": {"name": "CRM sync", "prefix": created["apiKey"]["prefix"]}}]
    assert "secret" not in str(listed)
    revoked = await gql(
        "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { revokedAt } userErrors { code } } }",
        {"id": created["apiKey"]["id"]},
        actor=ANONYMOUS,
        token=token,
    )
    assert revoked["revokeApiKey"]["apiKey"]["revokedAt"]
    body = await gql("{ accounts { totalCount } }", actor=ANONYMOUS, token=secret, errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_api_keys_are_for_the_ka_director_and_name_real_permissions(gql, director, actor_for):
    from factories import staff

    manager = actor_for(await staff(), Role.ACCOUNT_MANAGER)
    forbidden = await gql(CREATE_KEY, {"s": ["accounts.read"]}, actor=manager)
    assert forbidden["createApiKey"]["userErrors"] == [{"field": ["input"], "code": "FORBIDDEN"}]
    unknown = await gql(CREATE_KEY, {"s": ["accounts.read", "everything"]})
    assert unknown["createApiKey"]["userErrors"] == [{"field": ["input", "scopes"], "code": "INVALID"}]
    assert await ApiKey.all().count() == 0


async def test_set_password_gives_staff_a_login(gql, director):
    from factories import staff

    from kamgraph.ids import to_global_id

    colleague = await staff("Qian Li", email="qian.li@example.com")
    done = await gql(
        'mutation($id: ID!) { setPassword(input: {personId: $id, password: "short"}) { userErrors { field } } }',
        {"id": to_global_id("Person", colleague.id)},
    )
    assert done["setPassword"]["userErrors"] == [{"field": ["input", "password"]}]
    await gql(
        'mutation($id: ID!) { setPassword(input: {personId: $id, password: "long enough now"}) { userErrors { field } } }',
        {"id": to_global_id("Person", colleague.id)},
    )
    assert (await login(gql, email="qian.li@example.com", password="long enough now"))["token"]


async def test_a_new_e_mail_moves_the_login_with_it(gql, director):
    from kamgraph.ids import to_global_id

    await gql(
        'mutation($id: ID!) { updatePerson(input: {id: $id, email: "zhao@newdomain.cn"}) { userErrors { code } } }',
        {"id": to_global_id("Person", director.id)},
    )
    assert (await login(gql))["token"] is None
    assert (await login(gql, email="zhao@newdomain.cn"))["token"]
