"""The vies REST routes through the edge, as the browser and curl use them."""

import pytest

from services.vies.remote import MAX_ATTEMPTS
from tests.support.vies import new_bg_number


def test_validate_returns_the_vies_answer(http, admin, vies_standin):
    # BG175074752 is the stand-in's built-in answer; other services' tests may have cached it.
    asked_before = len(vies_standin.requests("BG175074752"))
    reply = http.get("/api/vies/validate/BG175074752", headers=admin)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert {k: body[k] for k in ("country_code", "vat_number", "valid", "name", "address", "stale")} == {
        "country_code": "BG",
        "vat_number": "175074752",
        "valid": True,
        "name": "EXAMPLE OOD",
        "address": "ul. Primerna 1\n1000 Sofia",  # the stand-in sends it with stray newlines and spaces
        "stale": False,
    }
    assert len(body["request_date"]) == 10 and body["checked_at"].endswith("Z")
    again = http.get("/api/vies/validate/bg%20175-074.752", headers=admin).json()
    assert again["cached"] is True and again["checked_at"] == body["checked_at"]
    assert len(vies_standin.requests("BG175074752")) - asked_before == (0 if body["cached"] else 1)


def test_validate_needs_a_token(http):
    reply = http.get("/api/vies/validate/BG175074752")
    assert reply.status_code == 401 and reply.json()["code"] == 16


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("BG123", "9 digits (ЕИК of a company) or 10 digits"),
        ("BG175074753", "check digit is wrong"),
        ("DE136695977", "check digit is wrong"),
        ("ZZ123456", "not the code of an EU member state"),
    ],
)
def test_a_malformed_number_is_400_with_the_reason(http, admin, vies_standin, number, reason):
    asked_before = len(vies_standin.requests())
    reply = http.get(f"/api/vies/validate/{number}", headers=admin)
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert body["code"] == 3 and body["message"].startswith("vat_number: ") and reason in body["message"]
    violations = next(d["field_violations"] for d in body["details"] if d["@type"].endswith("google.rpc.BadRequest"))
    assert [v["field"] for v in violations] == ["vat_number"]
    assert len(vies_standin.requests()) == asked_before


def test_vies_unavailable_is_503_with_a_clear_message(http, admin, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"fault": "MS_UNAVAILABLE"}})
    reply = http.get(f"/api/vies/validate/{number}", headers=admin)
    assert reply.status_code == 503, reply.text
    assert reply.json()["code"] == 14
    assert reply.json()["message"] == (
        "VIES could not check a VAT number of Bulgaria (BG): "
        "the member state's register is not answering VIES (MS_UNAVAILABLE); try again later"
    )
    assert len(vies_standin.requests(number)) == MAX_ATTEMPTS


def test_vies_down_is_503_for_an_unknown_number(http, admin, vies_standin):
    number = new_bg_number()
    vies_standin.stop()
    try:
        reply = http.get(f"/api/vies/validate/{number}", headers=admin)
    finally:
        vies_standin.start()
    assert reply.status_code == 503, reply.text
    assert reply.json()["message"].startswith("VIES could not check a VAT number of Bulgaria (BG): VIES could not be reached")


def test_the_approximate_check_is_a_post(http, admin, vies_standin):
    number = new_bg_number()
    reply = http.post(
        "/api/vies/validate-approx",
        headers=admin,
        json={"vat_number": number, "requester_vat_number": "BG175074752", "trader_name": f"trader {number}"},
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["valid"] is True and body["consultation_number"].startswith("WAPI")
    assert body["name_match"] == "TRADER_MATCH_VALID"
    missing = http.post("/api/vies/validate-approx", headers=admin, json={"vat_number": number})
    assert missing.status_code == 400 and "requester_vat_number: is required" in missing.json()["message"]
