"""No log line of any process carries a VAT number (a BG 10-digit one is a person's ЕГН), a
token, a password or a key, and the metrics ports listen on loopback only. The values are
planted through the real edge where they used to leak: in REST paths (with and without a
token), in a search query, in a request body, in sign-ins."""

import json
import random
import socket
import time
from pathlib import Path

from tests.support.api import ADMIN, ADMIN_PASSWORD, KEY_PASSPHRASE, bearer, login, service_log
from tests.support.ledger import create_company


def egn() -> str:
    """A random ЕГН (date of birth + serial + check digit) that passes the check-digit rule."""
    digits = f"{random.randint(40, 99):02d}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(0, 999):03d}"
    check = sum(int(d) * w for d, w in zip(digits, (2, 4, 8, 5, 10, 9, 7, 3, 6), strict=True)) % 11
    return digits + str(check % 10)


def test_no_log_line_carries_a_vat_number_token_or_password(mesh, http, admin):
    person, searched, refused, in_body = egn(), egn(), egn(), egn()
    session = login(http, ADMIN, ADMIN_PASSWORD)
    token = bearer(session["token"])
    company = create_company(http, admin, name="Логове ООД")["id"]

    http.get(f"/api/vies/validate/BG{person}", headers=token)  # the leak the issue showed
    http.get(f"/api/vies/validate/BG{refused}")  # refused at the edge before transcoding: 401
    http.get(f"/api/companies/{company}/counterparts/search", headers=token, params={"q": f"BG{searched}"})
    http.get(f"/api/companies/{company}/counterparts/search/BG{searched}", headers=token)
    for _ in range(2):  # the second is a duplicate: its error must not repeat the number either
        body = {"counterpart": {"name": "Лице", "vat_number": f"BG{in_body}"}}
        http.post(f"/api/companies/{company}/counterparts", headers=token, json=body)
    http.post("/api/auth/login", json={"username": ADMIN, "password": "a-wrong-password-9"})
    http.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]})
    # The edge says what each request was for, by route name (its access log is written
    # asynchronously: wait for it).
    wanted = {"GET /api/vies/validate/{vat_number}", "/baraba.vies.v1.ViesService/CheckVatNumber"}
    deadline = time.monotonic() + 15
    while not wanted <= (
        routes := {json.loads(line).get("route") for line in service_log(mesh, "edge").splitlines() if line.startswith("{")}
    ):
        assert time.monotonic() < deadline, routes
        time.sleep(0.5)

    logs = {name: service_log(mesh, name) for name in [*mesh.services, "edge"]}
    planted = [person, searched, refused, in_body, ADMIN_PASSWORD, KEY_PASSPHRASE, "a-wrong-password-9"]
    planted += [session["token"], session["refresh_token"], mesh.service_env()["BARABA_MESH_SECRET"]]
    for name, text in logs.items():
        for value in planted:
            assert value not in text, f"{name}'s log carries {value[:12]}…"


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port` (Linux /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]) if len(address) == 8 else address)
    return found


def test_metrics_listen_on_loopback_like_everything_else(mesh):
    ports = {name: port for name, port in mesh.ports.items() if name.endswith("_metrics") and port}
    assert ports
    for name, port in ports.items():
        assert listening_addresses(port) == {"127.0.0.1"}, name
