"""Identity through the real Envoy edge, over plain HTTP: the REST contract a browser sees."""

import asyncio
import concurrent.futures
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization

from tests.support.api import ADMIN, ADMIN_PASSWORD, KEY_PASSPHRASE, bearer, error_of, field_violations, login, service_log

# --- signing in -----------------------------------------------------------------------


def test_login_returns_tokens_and_the_user(http):
    body = login(http, ADMIN, ADMIN_PASSWORD)
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["refresh_token"]
    assert body["user"]["username"] == ADMIN
    assert body["user"]["permissions"]["manage_users"] is True
    header = jwt.get_unverified_header(body["token"])
    assert header["alg"] == "EdDSA" and header["kid"]


def test_login_accepts_a_json_body_without_content_type_as_curl_sends_it(http):
    reply = http.post(
        "/api/auth/login",
        content=f'{{"username":"{ADMIN}","password":"{ADMIN_PASSWORD}"}}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert reply.status_code == 200, reply.text


def test_wrong_password_is_401_with_a_json_error(http):
    reply = http.post("/api/auth/login", json={"username": ADMIN, "password": "not-the-password"})
    assert reply.status_code == 401
    assert error_of(reply)["message"] == "invalid username or password"


def test_unknown_username_gets_the_same_answer_as_a_wrong_password(http):
    reply = http.post("/api/auth/login", json={"username": "nobody-here", "password": "whatever"})
    assert reply.status_code == 401
    assert error_of(reply)["message"] == "invalid username or password"


def test_the_jwks_is_public_and_verifies_issued_tokens(http):
    token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    reply = http.get("/.well-known/jwks.json")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    keys = {k["kid"]: k for k in reply.json()["keys"]}
    key = jwt.PyJWK(keys[jwt.get_unverified_header(token)["kid"]]).key
    claims = jwt.decode(token, key, algorithms=["EdDSA"], audience="baraba", issuer="baraba-identity")
    assert claims["name"] == ADMIN and "manage_users" in claims["perms"]


# --- the edge refuses bad tokens --------------------------------------------------------


def test_no_token_is_401_at_the_edge(http):
    reply = http.get("/api/auth/me")
    assert reply.status_code == 401
    assert error_of(reply)["code"] == 16


def test_a_tampered_token_is_refused(http, admin):
    header, payload, signature = admin["authorization"].removeprefix("Bearer ").split(".")
    claims = jwt.utils.base64url_decode(payload).replace(b'"name":"admin"', b'"name":"admon"')
    forged = ".".join([header, jwt.utils.base64url_encode(claims).decode(), signature])
    assert http.get("/api/auth/me", headers=bearer(forged)).status_code == 401


def _signing_key(mesh):
    """The identity's own private key, read from its database as an attacker with a stolen
    but expired token could never do: it lets the test mint a correctly signed expired token."""

    async def fetch():
        conn = await mesh.database("identity")
        try:
            return await conn.fetchrow("SELECT kid, private_pem FROM signing_keys WHERE retired_at IS NULL")
        finally:
            await conn.close()

    row = asyncio.run(fetch())
    return row["kid"], serialization.load_pem_private_key(row["private_pem"], KEY_PASSPHRASE.encode())


def test_the_private_key_is_stored_encrypted(mesh):
    kid, _ = _signing_key(mesh)  # loads only with the passphrase
    assert kid


def test_an_expired_token_is_refused(http, mesh, admin):
    kid, key = _signing_key(mesh)
    claims = jwt.decode(admin["authorization"].split()[1], options={"verify_signature": False})
    claims.update(iat=int(time.time()) - 3600, exp=int(time.time()) - 1800)
    expired = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})
    reply = http.get("/api/auth/me", headers=bearer(expired))
    assert reply.status_code == 401
    assert "expired" in error_of(reply)["message"].lower()


# --- permissions and validation -------------------------------------------------------


def test_a_user_without_the_permission_gets_403(http, new_user):
    user, password = new_user("viewers")
    token = login(http, user["username"], password)["token"]
    reply = http.get("/api/users", headers=bearer(token))
    assert reply.status_code == 403
    assert "manage_users" in error_of(reply)["message"]


def test_a_broken_field_rule_is_400_naming_every_field(http, admin):
    reply = http.post("/api/users", headers=admin, json={"username": "x", "email": "not-an-email", "password": "short"})
    assert reply.status_code == 400
    violations = field_violations(reply)
    assert set(violations) == {"username", "email", "password", "group_id"}
    assert violations["email"] == "must be a valid e-mail address"
    assert "email" in error_of(reply)["message"]


def test_a_malformed_json_body_is_400(http, admin):
    reply = http.post("/api/users", headers={**admin, "content-type": "application/json"}, content=b'{"username": ')
    assert reply.status_code == 400


def test_an_unknown_api_path_is_404_json(http, admin):
    reply = http.get("/api/no-such-thing", headers=admin)
    assert reply.status_code == 404
    assert error_of(reply)["code"] == 5


def test_edge_health_is_public(http):
    assert http.get("/health").status_code == 200


# --- sessions ---------------------------------------------------------------------------


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_session(http, new_user):
    user, password = new_user()
    first = login(http, user["username"], password)
    second = http.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert http.get("/api/auth/me", headers=bearer(rotated["token"])).status_code == 200

    reused = http.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert "already used" in error_of(reused)["message"]
    # The theft is assumed: the rotated token dies with the session too.
    assert http.post("/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]}).status_code == 401


def test_logout_revokes_the_session(http, new_user):
    user, password = new_user()
    session = login(http, user["username"], password)
    assert http.post("/api/auth/logout", headers=bearer(session["token"]), json={}).status_code == 200
    assert http.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    assert http.get("/api/auth/me", headers=bearer(session["token"])).status_code == 401


def test_an_unknown_refresh_token_is_401(http):
    assert http.post("/api/auth/refresh", json={"refresh_token": "made-up"}).status_code == 401


# --- the caller's own account -------------------------------------------------------------


def test_concurrent_me_requests_each_get_their_own_user(http, admin, new_user):
    """Token checks arriving together share one statement (kernel/db.py Lookup): each answer
    is its own caller's profile."""
    user, password = new_user()
    admin_id = http.get("/api/auth/me", headers=admin).json()["id"]
    callers = [(bearer(login(http, user["username"], password)["token"]), user["id"]), (admin, admin_id)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda caller: http.get("/api/auth/me", headers=caller[0]).json()["id"], callers * 20))
    assert answers == [user_id for _, user_id in callers] * 20


def test_me_profile_and_password_change(http, admin, new_user):
    user, password = new_user()
    session = login(http, user["username"], password)
    headers = bearer(session["token"])
    me = http.get("/api/auth/me", headers=headers).json()
    assert me["id"] == user["id"] and me["group_name"] == "viewers"
    assert me == http.get(f"/api/users/{user['id']}", headers=admin).json()

    updated = http.put("/api/auth/profile", headers=headers, json={"first_name": "Иван"})
    assert updated.status_code == 200
    assert updated.json()["first_name"] == "Иван" and updated.json()["email"] == user["email"]
    # /me reads the profile with the token's check, never from a cache: the change shows at once.
    assert http.get("/api/auth/me", headers=headers).json() == updated.json()

    wrong = http.post("/api/auth/change-password", headers=headers, json={"current_password": "nope", "new_password": "new-password-1"})
    assert wrong.status_code == 400 and "current_password" in field_violations(wrong)
    ok = http.post("/api/auth/change-password", headers=headers, json={"current_password": password, "new_password": "new-password-1"})
    assert ok.status_code == 200
    assert http.post("/api/auth/login", json={"username": user["username"], "password": password}).status_code == 401
    login(http, user["username"], "new-password-1")


def test_register_joins_the_least_privileged_group(http):
    name = f"r{uuid.uuid4().hex[:8]}"
    reply = http.post("/api/auth/register", json={"username": name, "email": f"{name}@firma.bg", "password": "register-pass-1"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["user"]["group_name"] == "viewers"
    assert body["user"]["permissions"]["manage_users"] is False
    again = http.post("/api/auth/register", json={"username": name.upper(), "email": f"x{name}@firma.bg", "password": "register-pass-1"})
    assert again.status_code == 409


# --- user administration ----------------------------------------------------------------


def test_user_crud_round_trip(http, admin, groups):
    name = f"crud{uuid.uuid4().hex[:6]}"
    created = http.post(
        "/api/users",
        headers=admin,
        json={"username": name, "email": f"{name}@firma.bg", "password": "crud-password-1", "group_id": groups["accountants"]},
    )
    assert created.status_code == 200, created.text
    user = created.json()
    assert user["is_active"] is True and user["group_name"] == "accountants"
    assert "password" not in created.text and "hash" not in created.text

    assert http.get(f"/api/users/{user['id']}", headers=admin).json()["username"] == name

    updated = http.put(f"/api/users/{user['id']}", headers=admin, json={"last_name": "Петрова", "group_id": groups["viewers"]})
    assert updated.status_code == 200
    assert updated.json()["last_name"] == "Петрова" and updated.json()["group_name"] == "viewers"

    duplicate = http.post(
        "/api/users",
        headers=admin,
        json={"username": name, "email": f"other{name}@firma.bg", "password": "crud-password-1", "group_id": groups["viewers"]},
    )
    assert duplicate.status_code == 409 and "username" in error_of(duplicate)["message"]

    reset = http.post(f"/api/users/{user['id']}/reset-password", headers=admin, json={"new_password": "reset-password-1"})
    assert reset.status_code == 200
    login(http, name, "reset-password-1")

    assert http.delete(f"/api/users/{user['id']}", headers=admin).status_code == 200
    assert http.get(f"/api/users/{user['id']}", headers=admin).status_code == 404


def test_users_list_pages(http, admin, new_user):
    for _ in range(3):
        new_user()
    seen, token = [], ""
    while True:
        page = http.get("/api/users", headers=admin, params={"page_size": 2, "page_token": token}).json()
        assert len(page["users"]) <= 2
        seen += [u["id"] for u in page["users"]]
        token = page["next_page_token"]
        if not token:
            break
    assert len(seen) == len(set(seen)) == page["total_size"]
    assert http.get("/api/users", headers=admin, params={"page_token": "garbage"}).status_code == 400


def test_a_deactivated_user_cannot_sign_in_and_loses_their_session(http, admin, new_user):
    user, password = new_user()
    session = login(http, user["username"], password)
    http.put(f"/api/users/{user['id']}", headers=admin, json={"is_active": False})
    assert http.post("/api/auth/login", json={"username": user["username"], "password": password}).status_code == 401
    assert http.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401


def other_user_managers(http, admin, me: str) -> list[str]:
    users, token = [], ""
    while True:
        page = http.get("/api/users", headers=admin, params={"page_size": 500, "page_token": token}).json()
        users += page["users"]
        if not (token := page["next_page_token"]):
            break
    return [u["id"] for u in users if u["is_active"] and u["permissions"]["manage_users"] and u["id"] != me]


def test_you_cannot_delete_yourself_or_remove_the_last_user_manager(http, admin, groups):
    me = http.get("/api/auth/me", headers=admin).json()
    reply = http.delete(f"/api/users/{me['id']}", headers=admin)
    assert reply.status_code == 400 and "your own account" in error_of(reply)["message"]
    # Other tests create administrators too: for a while, this one is the last.
    others = other_user_managers(http, admin, me["id"])
    for user_id in others:
        assert http.patch(f"/api/users/{user_id}", headers=admin, json={"is_active": False}).status_code == 200
    try:
        demote = http.put(f"/api/users/{me['id']}", headers=admin, json={"group_id": groups["viewers"]})
        assert demote.status_code == 400 and "no active user who can manage users" in error_of(demote)["message"]
        strip = http.put(f"/api/user-groups/{groups['administrators']}", headers=admin, json={"permissions": {"view_reports": True}})
        assert strip.status_code == 400
        assert http.get("/api/auth/me", headers=admin).json()["permissions"]["manage_users"] is True  # the token still works
    finally:
        for user_id in others:
            http.patch(f"/api/users/{user_id}", headers=admin, json={"is_active": True})


def test_user_group_crud(http, admin):
    created = http.post("/api/user-groups", headers=admin, json={"name": f"g{uuid.uuid4().hex[:6]}", "permissions": {"scanning": True}})
    assert created.status_code == 200, created.text
    group = created.json()
    assert group["permissions"] == {
        "manage_users": False,
        "manage_companies": False,
        "post_entries": False,
        "vat_returns": False,
        "scanning": True,
        "view_reports": False,
    }
    renamed = http.patch(f"/api/user-groups/{group['id']}", headers=admin, json={"description": "Сканиране"})
    assert renamed.json()["description"] == "Сканиране" and renamed.json()["permissions"]["scanning"] is True
    assert http.delete(f"/api/user-groups/{group['id']}", headers=admin).status_code == 200
    assert http.get(f"/api/user-groups/{group['id']}", headers=admin).status_code == 404


def test_a_group_with_members_cannot_be_deleted(http, admin, groups):
    reply = http.delete(f"/api/user-groups/{groups['administrators']}", headers=admin)
    assert reply.status_code == 400 and "member" in error_of(reply)["message"]


# --- company access ---------------------------------------------------------------------


def test_company_grants_my_companies_and_default(http, admin, new_user):
    user, password = new_user("accountants")
    headers = bearer(login(http, user["username"], password)["token"])
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    grant_a = http.post("/api/user-companies", headers=admin, json={"user_id": user["id"], "company_id": first, "is_default": True})
    assert grant_a.status_code == 200, grant_a.text
    grant_b = http.post("/api/user-companies", headers=admin, json={"user_id": user["id"], "company_id": second})
    assert http.post("/api/user-companies", headers=admin, json={"user_id": user["id"], "company_id": second}).status_code == 409

    mine = http.get("/api/user-companies/my", headers=headers).json()["grants"]
    assert {g["company_id"]: g["is_default"] for g in mine} == {first: True, second: False}

    assert http.post(f"/api/user-companies/{grant_b.json()['id']}/set-default", headers=headers, json={}).status_code == 200
    mine = http.get("/api/user-companies/my", headers=headers).json()["grants"]
    assert {g["company_id"]: g["is_default"] for g in mine} == {first: False, second: True}

    # Another user's grant is not theirs to touch, and managing grants needs manage_users.
    other, other_password = new_user("accountants")
    other_headers = bearer(login(http, other["username"], other_password)["token"])
    assert http.post(f"/api/user-companies/{grant_a.json()['id']}/set-default", headers=other_headers, json={}).status_code == 404
    assert http.get("/api/user-companies", headers=other_headers).status_code == 403

    listed = http.get("/api/user-companies", headers=admin, params={"company_id": first}).json()["grants"]
    assert [g["username"] for g in listed] == [user["username"]]
    assert http.delete(f"/api/user-companies/{grant_a.json()['id']}", headers=admin).status_code == 200
    assert [g["company_id"] for g in http.get("/api/user-companies/my", headers=headers).json()["grants"]] == [second]


def test_the_edge_request_id_reaches_the_service_log(http, mesh, admin):
    reply = http.get("/api/auth/me", headers=admin)
    request_id = reply.headers["x-request-id"]
    lines = [line for line in service_log(mesh, "identity").splitlines() if request_id in line]
    assert any('"rpc": "/baraba.identity.v1.AuthService/GetMe"' in line and '"code": "OK"' in line for line in lines)
