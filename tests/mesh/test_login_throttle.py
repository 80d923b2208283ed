"""Guessing passwords stays slow, and a stranger's failures cannot keep the real user out:
sign-ins are throttled per username and client address with growing delays, plus a ceiling per
username for addresses the user has never signed in from. Weak new passwords are refused, and
self-registration is off unless configured. Clients connect from different loopback addresses
(127.0.0.x), so the edge sees different client addresses."""

import time
import uuid

import httpx
import pytest

from services.identity import throttle
from tests.support.api import error_of, field_violations, login


@pytest.fixture
def from_address(edge_url):
    """An HTTP client of the edge connecting from 127.0.0.<n>."""
    clients: list[httpx.Client] = []

    def client(n: int) -> httpx.Client:
        made = httpx.Client(base_url=edge_url, timeout=30, transport=httpx.HTTPTransport(local_address=f"127.0.0.{n}"))
        clients.append(made)
        return made

    yield client
    for made in clients:
        made.close()


def attempt(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_a_stranger_guessing_cannot_lock_the_real_user_out(http, new_user, from_address):
    """The attack that used to work: five wrong passwords locked the account for everyone for
    15 minutes. Now the stranger is slowed down and the real user signs in at once."""
    user, password = new_user()
    login(http, user["username"], password)  # the user's own place (127.0.0.1) is known now
    stranger = from_address(2)
    for _ in range(throttle.FREE_FAILURES):
        assert attempt(stranger, user["username"], "guess-" + uuid.uuid4().hex).status_code == 401
    # A patient stranger guessing on has to wait longer and longer: 1, 2, 4 ... s.
    waits: list[int] = []
    while len(waits) < 20 and (not waits or waits[-1] < 4):
        reply = attempt(stranger, user["username"], "guess-" + uuid.uuid4().hex)
        if reply.status_code == 429:
            waits.append(int(error_of(reply)["message"].rsplit("try again in ", 1)[1].removesuffix(" s")))
            if waits[-1] < 4:
                time.sleep(waits[-1])
        else:
            assert reply.status_code == 401
    assert waits == sorted(waits) and 4 <= waits[-1] <= 60, waits
    # While it lasts, even the right password is refused from the stranger's address ...
    assert attempt(stranger, user["username"], password).status_code == 429
    # ... and the real user, where they signed in before, is not held at all.
    assert login(http, user["username"], password)["token"]


def test_guessing_from_many_addresses_meets_the_per_username_ceiling(http, new_user, from_address):
    user, password = new_user()
    login(http, user["username"], password)
    failures = 0
    for n in range(2, 20):
        stranger = from_address(n)
        for _ in range(throttle.FREE_FAILURES):
            reply = attempt(stranger, user["username"], "guess-" + uuid.uuid4().hex)
            if reply.status_code == 429:
                break
            assert reply.status_code == 401
            failures += 1
        if failures >= throttle.CEILING:
            break
    assert failures == throttle.CEILING
    # Any new address is now refused, right password or not, for the rest of the hour ...
    ceiling = attempt(from_address(30), user["username"], password)
    assert ceiling.status_code == 429 and "too many failed sign-ins for this username" in error_of(ceiling)["message"]
    # ... but where the user has signed in before, they still get in.
    assert login(http, user["username"], password)["token"]


def test_an_unknown_username_is_throttled_the_same_way(new_user, from_address):
    """The same answers whether or not the username exists, so throttling reveals nothing."""
    user, _ = new_user()
    answers = {}
    for n, name in ((40, user["username"]), (41, f"ghost{uuid.uuid4().hex[:6]}")):
        stranger, failed = from_address(n), 0
        while (reply := attempt(stranger, name, "whatever-it-is")).status_code == 401 and failed < 20:
            failed += 1
        assert reply.status_code == 429 and failed >= throttle.FREE_FAILURES
        answers[name] = error_of(reply)["message"].rsplit(";", 1)[0]
    assert len(set(answers.values())) == 1, answers


def test_the_delays_grow_to_a_minute():
    delays = [throttle.delay_after(n).total_seconds() for n in range(throttle.FREE_FAILURES + 8)]
    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password123!", "most common"),
        ("qwertyuiop", "most common"),
        ("Dragon2024!!", "most common"),
        ("{username}", "username"),
        ("short-one", "at least 10"),
    ],
)
def test_weak_passwords_are_refused_everywhere_a_password_is_set(http, admin, groups, new_user, password, why):
    name = f"w{uuid.uuid4().hex[:10]}"
    password = password.format(username=name)
    create = http.post(
        "/api/users",
        headers=admin,
        json={"username": name, "email": f"{name}@firma.bg", "password": password, "group_id": groups["viewers"]},
    )
    assert create.status_code == 400 and why in field_violations(create)["password"], create.text
    register = http.post("/api/auth/register", json={"username": name, "email": f"{name}@firma.bg", "password": password})
    assert register.status_code == 400 and why in field_violations(register)["password"], register.text

    user, current = new_user()
    weak = password.replace(name, user["username"])
    reset = http.post(f"/api/users/{user['id']}/reset-password", headers=admin, json={"new_password": weak})
    assert reset.status_code == 400 and why in field_violations(reset)["new_password"], reset.text
    session = login(http, user["username"], current)
    change = http.post(
        "/api/auth/change-password",
        headers={"authorization": f"Bearer {session['token']}"},
        json={"current_password": current, "new_password": weak},
    )
    assert change.status_code == 400 and why in field_violations(change)["new_password"], change.text
    assert login(http, user["username"], current)["token"]  # nothing changed


def test_self_registration_is_off_unless_configured(monkeypatch):
    from services.identity.server import load_policy

    class Production:
        production = True

    class Development:
        production = False

    monkeypatch.delenv("BARABA_ALLOW_REGISTRATION", raising=False)
    assert not load_policy(Production()).allow_registration  # type: ignore[arg-type]
    assert not load_policy(Development()).allow_registration  # type: ignore[arg-type]
    monkeypatch.setenv("BARABA_ALLOW_REGISTRATION", "true")
    assert load_policy(Development()).allow_registration  # type: ignore[arg-type]
