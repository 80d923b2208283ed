"""Every REST route of the contracts × every kind of caller, through the real edge: no token,
forged tokens (alg none, HS256 keyed with the public key, a foreign key under the real kid, a
real token with an edited payload) and signed-in users of each group, none of whom holds a
grant to the company the requests name. A 2xx the route's access rule does not allow is a
breach; there must be none. Routes, rules and company scoping are read from the contracts, so
a new route is covered without being listed here."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.kernel.interceptors import access_rule, permission_name
from services.kernel.registry import grpc_services
from services.mesh.routes import Route, rest_routes
from tests.support.api import ADMIN, ADMIN_PASSWORD, bearer, login
from tests.support.ledger import create_company

GROUPS = ("viewers", "accountants", "administrators")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unverified(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda part: base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))  # noqa: E731
    return json.loads(pad(header)), json.loads(pad(payload))


def forged_tokens(admin_token: str, viewer_token: str, jwks: dict) -> dict[str, str]:
    """Tokens an attacker could make, each claiming the administrator with every permission."""
    header, claims = unverified(admin_token)
    now = int(time.time())
    claims = {**claims, "perms": ["manage_users", "manage_companies", "post_entries", "vat_returns", "scanning", "view_reports"]}
    claims.update(iat=now, exp=now + 600, ver=2**31)
    body = b64(json.dumps(claims).encode())

    def hs256(key: bytes) -> str:
        signing = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}).encode()) + "." + body
        return signing + "." + b64(hmac.new(key, signing.encode(), hashlib.sha256).digest())

    public_x = jwks["keys"][0]["x"]
    viewer_header, _, viewer_signature = viewer_token.split(".")
    return {
        "alg none": b64(json.dumps({"alg": "none", "typ": "JWT", "kid": header["kid"]}).encode()) + "." + body + ".",
        "HS256 keyed with the public key (x)": hs256(public_x.encode()),
        "HS256 keyed with the raw public key": hs256(base64.urlsafe_b64decode(public_x + "==")),
        "a foreign key under the real kid": jwt.encode(
            claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": header["kid"]}
        ),
        "a viewer's token with an edited payload": f"{viewer_header}.{body}.{viewer_signature}",
    }


def every_route(services) -> list[Route]:
    return [route for name in services for service in grpc_services(name) for route in rest_routes(service)]


def request_for(route: Route, company: str) -> tuple[str, dict, str | None]:
    """Path, query and JSON body of a plausible request to the route, naming `company`."""
    rule = access_rule(f"/{route.method.containing_service.full_name}/{route.method.name}")
    company_field = rule.company_field or ("company_id" if "{company_id}" in route.template else "")
    path, query = route.template, {}
    for variable in route.path_fields:
        value = company if variable == company_field else str(uuid.uuid4())
        if variable == "vat_number":
            value = "BG175074752"
        elif variable in ("period",):
            value = "202503"
        elif variable in ("file_name",):
            value = "DEKLAR.TXT"
        path = path.replace("{" + variable + "}", value).replace("{" + variable + "=**}", value)
    body: dict = {}
    if company_field and company_field not in route.path_fields:
        if route.body == "*":
            body[company_field] = company
        else:
            query[company_field] = company
    return path, query, json.dumps(body) if route.body else None


def allowed(route: Route, permissions: set[str]) -> bool:
    """May a signed-in user with `permissions` and no grant to the company get a 2xx here?"""
    rule = access_rule(f"/{route.method.containing_service.full_name}/{route.method.name}")
    if rule.public:
        return True
    if rule.permission and permission_name(rule.permission) not in permissions:
        return False
    return not (rule.company_field or "{company_id}" in route.template)


@pytest.fixture(scope="module")
def target_company(http, admin) -> str:
    """A company only the first administrator holds a grant to."""
    return create_company(http, admin, name="Матрица ООД")["id"]


def test_no_route_answers_2xx_to_a_caller_its_rule_does_not_allow(mesh, http, admin, groups, target_company, record_property):
    routes = every_route(mesh.services)
    routes.sort(key=lambda r: r.template.endswith("/logout"))  # signing out last, it ends the session
    users: dict[str, tuple[str, set[str]]] = {}
    for group in GROUPS:
        name, password = f"m{uuid.uuid4().hex[:10]}", "Matrix-password-4"
        fields = {"username": name, "email": f"{name}@firma.bg", "password": password, "group_id": groups[group]}
        created = http.post("/api/users", headers=admin, json=fields)
        assert created.status_code == 200, created.text
        granted = {flag for flag, on in created.json()["permissions"].items() if on}
        users[f"a user of {group}"] = (login(http, name, password)["token"], granted)
    admin_token = login(http, ADMIN, ADMIN_PASSWORD)["token"]
    callers: dict[str, tuple[str | None, set[str] | None]] = {"no token": (None, None)}
    for kind, forged in forged_tokens(admin_token, users["a user of viewers"][0], http.get("/.well-known/jwks.json").json()).items():
        callers[kind] = (forged, None)
    callers.update(users)

    breaches: list[str] = []
    sent = 0
    for caller, (token, permissions) in callers.items():
        headers = {"content-type": "application/json", **(bearer(token) if token else {})}
        for route in routes:
            path, query, body = request_for(route, target_company)
            reply = http.request(route.verb, path, params=query, content=body, headers=headers)
            sent += 1
            ok = (
                allowed(route, permissions)
                if permissions is not None
                else access_rule(f"/{route.method.containing_service.full_name}/{route.method.name}").public
            )
            if 200 <= reply.status_code < 300 and not ok:
                breaches.append(f"{caller}: {route.verb} {route.template} -> {reply.status_code}")
    record_property("requests", sent)
    assert sent >= len(routes) * len(callers)
    assert not breaches, "\n".join(breaches)


def test_the_matrix_requests_reach_the_services(mesh, http, admin, target_company):
    """The requests the matrix builds are ones the owner of the company gets answers to, so a
    refusal above is the access rule at work, not a malformed request."""
    answered = 0
    for route in every_route(mesh.services):
        if route.verb != "GET":
            continue
        path, query, _ = request_for(route, target_company)
        if "{" in route.template and not set(route.path_fields) <= {"company_id", "vat_number", "period"}:
            continue  # a random id: 404 is the right answer
        reply = http.get(path, params=query, headers=admin)
        assert reply.status_code < 500 or route.template.startswith("/api/vies"), (route.template, reply.status_code)
        answered += 200 <= reply.status_code < 300
    assert answered >= 10
