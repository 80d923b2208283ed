"""The vies service over gRPC, with real zeep over real HTTP against the VIES stand-in
(conftest's vies_standin, scripted per number): verdicts, faults and their mapping, retries,
deadlines, the cache, stale answers while VIES is down, the local check, shared requests."""

import asyncio
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from baraba.vies.v1 import vies_pb2 as pb
from baraba.vies.v1 import vies_pb2_grpc as rpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from stdnum.gr import vat as gr_vat

from services.kernel import clients
from services.vies.remote import MAX_ATTEMPTS
from tests.support.api import ADMIN, ADMIN_PASSWORD, login, service_log
from tests.support.vies import new_bg_number


def error_details(error: grpc.RpcError) -> tuple[error_details_pb2.ErrorInfo | None, list]:
    info, violations = None, []
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations = [(v.field, v.description) for v in bad.field_violations]
    return info, violations


def set_checked_at(mesh, vat_number: str, when: datetime) -> None:
    """Ages the cached answer for `vat_number`, as if VIES had answered at `when`."""

    async def run():
        conn = await mesh.database("vies")
        try:
            done = await conn.execute(
                "UPDATE vat_checks SET checked_at = $1 WHERE country_code = $2 AND vat_number = $3", when, vat_number[:2], vat_number[2:]
            )
            assert done == "UPDATE 1"
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="module")
def token(http) -> str:
    return login(http, ADMIN, ADMIN_PASSWORD)["token"]


@pytest.fixture(scope="module")
def vies(mesh, token):
    """check(number, timeout=10) on the vies service's own port, as another service calls it."""
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['vies']}") as channel:
        stub = rpc.ViesServiceStub(channel)
        metadata = (("authorization", f"Bearer {token}"),)

        class Vies:
            def check(self, number: str, timeout: float = 10) -> pb.VatNumberCheck:
                return stub.CheckVatNumber(pb.CheckVatNumberRequest(vat_number=number), metadata=metadata, timeout=timeout)

            def check_later(self, number: str):
                return stub.CheckVatNumber.future(pb.CheckVatNumberRequest(vat_number=number), metadata=metadata, timeout=15)

            def approx(self, timeout: float = 10, **fields) -> pb.VatNumberCheck:
                return stub.CheckVatNumberApprox(pb.CheckVatNumberApproxRequest(**fields), metadata=metadata, timeout=timeout)

            def refused(self, number: str, timeout: float = 10) -> grpc.RpcError:
                with pytest.raises(grpc.RpcError) as refused:
                    self.check(number, timeout)
                return refused.value

        yield Vies()


# --- verdicts -----------------------------------------------------------------------------


def test_a_valid_number_comes_back_with_cleaned_name_and_address(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"valid": True, "name": "  ПРИМЕР  ЕООД ", "address": "\nул. Примерна 1  \n\n1000 София\n"}})
    before = datetime.now(UTC)
    check = vies.check(number)
    assert (check.country_code, check.vat_number, check.valid) == ("BG", number[2:], True)
    assert check.name == "ПРИМЕР ЕООД"
    assert check.address == "ул. Примерна 1\n1000 София"
    assert abs(date.fromisoformat(check.request_date) - before.date()) <= timedelta(days=1)  # Brussels date
    assert check.checked_at.ToDatetime(UTC) >= before - timedelta(seconds=1)
    assert not check.cached and not check.stale and check.consultation_number == ""
    assert [r["operation"] for r in vies_standin.requests(number)] == ["checkVat"]


def test_an_invalid_number_is_a_verdict_not_an_error(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"valid": False}})
    check = vies.check(number)
    assert check.valid is False and check.name == "" and check.address == ""  # "---" means nothing


def test_states_that_disclose_nothing_give_a_valid_answer_without_name(vies, vies_standin):
    check = vies.check("DE136695976")  # the stand-in answers "---" for DE, as Germany does
    assert check.valid and check.name == "" and check.address == ""


def test_greek_numbers_are_sent_with_el(vies, vies_standin):
    body = f"{random.randrange(10**8):08d}"
    number = body + gr_vat.calc_check_digit(body)
    check = vies.check(f"GR {number[:3]} {number[3:6]} {number[6:]}")
    assert (check.country_code, check.vat_number) == ("EL", number)
    assert len(vies_standin.requests(f"EL{number}")) == 1


def test_any_signed_in_user_may_check(mesh, http, new_user, vies_standin):
    user, password = new_user("viewers")
    token = login(http, user["username"], password)["token"]
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['vies']}") as channel:
        stub = rpc.ViesServiceStub(channel)
        check = stub.CheckVatNumber(pb.CheckVatNumberRequest(vat_number=new_bg_number()), metadata=(("authorization", f"Bearer {token}"),))
        assert check.valid
        with pytest.raises(grpc.RpcError) as anonymous:
            stub.CheckVatNumber(pb.CheckVatNumberRequest(vat_number=new_bg_number()))
        assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


# --- the local check --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("BG175074753", "check digit is wrong"),
        ("BG17507475", "9 digits (ЕИК of a company) or 10 digits"),
        ("BG8032056032", "not a valid ЕГН, ЛНЧ or NRA number"),
        ("DE136695977", "check digit is wrong"),
        ("EL12345678X", "9 digits after EL"),
        ("FR40303265046", "check digit is wrong"),
        ("ATU12345678", "check digit is wrong"),
        ("XX123456789", "not the code of an EU member state"),
        ("175074752", "must start with the country code"),
    ],
)
def test_malformed_numbers_are_refused_without_asking_vies(vies, vies_standin, number, reason):
    asked_before = len(vies_standin.requests())
    error = vies.refused(number)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    _, violations = error_details(error)
    assert len(violations) == 1 and violations[0][0] == "vat_number" and reason in violations[0][1]
    assert len(vies_standin.requests()) == asked_before


def test_an_empty_number_is_refused_by_the_contract(vies):
    error = vies.refused("")
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_details(error)[1] == [("vat_number", "is required")]


# --- faults -----------------------------------------------------------------------------

RETRIED = {
    "MS_UNAVAILABLE": "the member state's register is not answering VIES",
    "TIMEOUT": "the member state's register did not answer VIES in time",
    "MS_MAX_CONCURRENT_REQ": "the member state's register is receiving too many requests",
    "SERVICE_UNAVAILABLE": "VIES is unavailable",
    "SERVER_BUSY": "VIES is busy",
    "GLOBAL_MAX_CONCURRENT_REQ": "VIES is receiving too many requests",
}


@pytest.mark.parametrize("fault", sorted(RETRIED))
def test_faults_that_may_pass_are_retried_then_unavailable_naming_state_and_reason(vies, vies_standin, fault):
    number = new_bg_number()
    vies_standin.script({number: {"fault": fault}})
    error = vies.refused(number)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error.details() == f"VIES could not check a VAT number of Bulgaria (BG): {RETRIED[fault]} ({fault}); try again later"
    info, _ = error_details(error)
    assert info is not None
    assert info.reason == f"VIES_{fault}" and info.metadata["country_code"] == "BG"
    assert len(vies_standin.requests(number)) == MAX_ATTEMPTS


def test_a_fault_then_success_gives_the_answer(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script(
        {number: [{"fault": "MS_UNAVAILABLE"}, {"fault": "GLOBAL_MAX_CONCURRENT_REQ"}, {"valid": True, "name": "THIRD TIME"}]}
    )
    check = vies.check(number)
    assert check.valid and check.name == "THIRD TIME"
    assert len(vies_standin.requests(number)) == 3


def test_invalid_input_from_vies_is_invalid_argument_and_not_retried(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"fault": "INVALID_INPUT"}})
    error = vies.refused(number)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_details(error)[1] == [("vat_number", "VIES refused the number as malformed (INVALID_INPUT)")]
    assert len(vies_standin.requests(number)) == 1


def test_a_number_blocked_in_vies_is_a_failed_precondition(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"fault": "VAT_BLOCKED"}})
    error = vies.refused(number)
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and "VAT_BLOCKED" in error.details()
    assert len(vies_standin.requests(number)) == 1


def test_a_blocked_server_does_not_ask_again(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"fault": "IP_BLOCKED"}})
    error = vies.refused(number)
    assert error.code() == grpc.StatusCode.UNAVAILABLE and "(IP_BLOCKED)" in error.details()
    assert len(vies_standin.requests(number)) == 1


@pytest.mark.parametrize(
    ("step", "code"),
    [
        ({"fault": "SOMETHING_NEW"}, "UNKNOWN_FAULT"),
        ({"status": 503, "body": "<html><body>Service Unavailable (maintenance)</body></html>"}, "UNKNOWN_FAULT"),
        ({"status": 502}, "UNREACHABLE"),
        ({"drop": True}, "UNREACHABLE"),
    ],
)
def test_broken_answers_are_unavailable_and_leak_nothing(vies, vies_standin, step, code):
    number = new_bg_number()
    vies_standin.script({number: step})
    error = vies.refused(number)
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert f"({code}); try again later" in error.details()
    assert "html" not in error.details().lower() and "SOMETHING_NEW" not in error.details()
    assert len(vies_standin.requests(number)) == MAX_ATTEMPTS


def test_vies_too_slow_for_the_deadline_gives_unavailable_before_the_deadline(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"delay": 6, "valid": True}})
    error = vies.refused(number, timeout=3)
    # The service gives up in time to say why; past the deadline the caller would only see
    # DEADLINE_EXCEEDED.
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert "VIES did not answer in time (NO_ANSWER)" in error.details()


def test_a_retry_moments_after_a_failure_does_not_ask_vies_again(vies, vies_standin):
    """What the edge and client channels do with UNAVAILABLE must not multiply VIES load."""
    number = new_bg_number()
    vies_standin.script({number: {"fault": "MS_UNAVAILABLE"}})
    first = vies.refused(number)
    again = vies.refused(number)
    assert again.code() == grpc.StatusCode.UNAVAILABLE and again.details() == first.details()
    assert len(vies_standin.requests(number)) == MAX_ATTEMPTS


# --- the cache --------------------------------------------------------------------------


def test_a_second_check_is_answered_from_the_cache(vies, vies_standin):
    number = new_bg_number()
    first = vies.check(number)
    second = vies.check(f"{number[:2].lower()} {number[2:5]} {number[5:]}")  # another spelling, same number
    assert not first.cached and second.cached and not second.stale
    assert (second.valid, second.name, second.address, second.request_date) == (first.valid, first.name, first.address, first.request_date)
    assert second.checked_at == first.checked_at
    assert len(vies_standin.requests(number)) == 1


def test_a_valid_answer_is_kept_a_day(vies, vies_standin, mesh):
    number = new_bg_number()
    vies.check(number)
    set_checked_at(mesh, number, datetime.now(UTC) - timedelta(hours=23))
    assert vies.check(number).cached
    set_checked_at(mesh, number, datetime.now(UTC) - timedelta(hours=25))
    assert not vies.check(number).cached
    assert len(vies_standin.requests(number)) == 2


def test_an_invalid_answer_is_kept_an_hour_only(vies, vies_standin, mesh):
    number = new_bg_number()
    vies_standin.script({number: [{"valid": False}, {"valid": True, "name": "NEWLY REGISTERED"}]})
    assert not vies.check(number).valid
    set_checked_at(mesh, number, datetime.now(UTC) - timedelta(minutes=59))
    assert vies.check(number).cached
    set_checked_at(mesh, number, datetime.now(UTC) - timedelta(minutes=61))
    check = vies.check(number)
    assert check.valid and check.name == "NEWLY REGISTERED" and not check.cached


def test_an_outdated_answer_is_returned_stale_while_the_member_state_is_down(vies, vies_standin, mesh):
    number = new_bg_number()
    vies_standin.script({number: [{"valid": True, "name": "KNOWN OOD"}, {"fault": "MS_UNAVAILABLE"}]})
    vies.check(number)
    two_days_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    set_checked_at(mesh, number, two_days_ago)
    check = vies.check(number)
    assert check.valid and check.name == "KNOWN OOD"
    assert check.cached and check.stale and check.checked_at.ToDatetime(UTC) == two_days_ago
    assert "of Bulgaria (BG): the member state's register is not answering VIES (MS_UNAVAILABLE)" in check.stale_reason
    assert len(vies_standin.requests(number)) == 1 + MAX_ATTEMPTS


def test_when_vies_is_down_cached_answers_are_stale_and_others_unavailable(vies, vies_standin, mesh):
    known, unknown = new_bg_number(), new_bg_number()
    vies.check(known)
    set_checked_at(mesh, known, datetime.now(UTC) - timedelta(days=3))
    vies_standin.stop()
    try:
        stale = vies.check(known)
        error = vies.refused(unknown)
    finally:
        vies_standin.start()
    assert stale.valid and stale.stale and "VIES could not be reached" in stale.stale_reason
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert error.details().startswith("VIES could not check a VAT number of Bulgaria (BG): VIES could not be reached")


def test_an_answer_older_than_a_month_is_not_given_even_when_vies_is_down(vies, vies_standin, mesh):
    number = new_bg_number()
    vies_standin.script({number: [{"valid": True}, {"fault": "SERVICE_UNAVAILABLE"}]})
    vies.check(number)
    set_checked_at(mesh, number, datetime.now(UTC) - timedelta(days=31))
    assert vies.refused(number).code() == grpc.StatusCode.UNAVAILABLE


# --- one request per number at a time ---------------------------------------------------


def test_concurrent_checks_of_one_number_share_one_vies_request(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script({number: {"delay": 2, "valid": True, "name": "SHARED OOD"}})
    calls = [vies.check_later(number) for _ in range(6)]  # all in flight at once
    answers = [call.result() for call in calls]
    assert {(a.valid, a.name, a.checked_at.ToNanoseconds()) for a in answers} == {
        (True, "SHARED OOD", answers[0].checked_at.ToNanoseconds())
    }
    assert len(vies_standin.requests(number)) == 1


def test_concurrent_checks_of_different_numbers_each_ask_vies(vies, vies_standin):
    numbers = [new_bg_number() for _ in range(3)]
    vies_standin.script({n: {"delay": 1, "valid": True} for n in numbers})
    calls = [vies.check_later(n) for n in numbers]
    assert [call.result().vat_number for call in calls] == [n[2:] for n in numbers]
    assert all(len(vies_standin.requests(n)) == 1 for n in numbers)


# --- the approximate check --------------------------------------------------------------


def test_the_approximate_check_returns_the_consultation_number(vies, vies_standin):
    number = new_bg_number()
    vies_standin.script(
        {number: {"valid": True, "name": "EXAMPLE OOD", "address": "ul. Primerna 1\n1000 Sofia", "consultation_number": "WAPIAAAAYnkVx97D"}}
    )
    check = vies.approx(vat_number=number, requester_vat_number="NL 004495445B01", trader_name="example ood", trader_city="Sofia")
    assert check.valid and check.name == "EXAMPLE OOD" and check.address == "ul. Primerna 1\n1000 Sofia"
    assert check.consultation_number == "WAPIAAAAYnkVx97D"
    assert check.name_match == pb.TRADER_MATCH_VALID and check.city_match == pb.TRADER_MATCH_NOT_PROCESSED
    assert check.street_match == pb.TRADER_MATCH_UNSPECIFIED  # not sent
    assert [(r["operation"], r["requester"]) for r in vies_standin.requests(number)] == [("checkVatApprox", "NL004495445B01")]
    assert vies.check(number).cached  # the verdict serves plain checks too


def test_the_approximate_check_always_asks_vies(vies, vies_standin):
    number = new_bg_number()
    vies.check(number)
    first = vies.approx(vat_number=number, requester_vat_number="BG175074752")
    second = vies.approx(vat_number=number, requester_vat_number="BG175074752")
    assert first.consultation_number and second.consultation_number != first.consultation_number
    assert not second.cached and len(vies_standin.requests(number)) == 3


def test_the_requester_number_is_checked_locally_and_by_vies(vies, vies_standin):
    number = new_bg_number()
    with pytest.raises(grpc.RpcError) as local:
        vies.approx(vat_number=number, requester_vat_number="BG175074753")
    assert local.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_details(local.value)[1][0][0] == "requester_vat_number"
    assert vies_standin.requests(number) == []

    vies_standin.script({number: {"fault": "INVALID_REQUESTER_INFO"}})
    with pytest.raises(grpc.RpcError) as remote:
        vies.approx(vat_number=number, requester_vat_number="BG175074752")
    assert remote.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_details(remote.value)[1][0][0] == "requester_vat_number"


def test_a_persons_number_never_reaches_the_logs(vies, vies_standin, mesh):
    """A Bulgarian 10-digit VAT number is the person's ЕГН: it is personal data."""
    vies_standin.script({"BG8032056031": {"fault": "MS_UNAVAILABLE"}})
    assert vies.refused("BG8032056031").code() == grpc.StatusCode.UNAVAILABLE
    assert vies.refused("BG8032056032").code() == grpc.StatusCode.INVALID_ARGUMENT
    log = service_log(mesh, "vies")
    assert "UNAVAILABLE" in log and "INVALID_ARGUMENT" in log  # both were logged ...
    assert "8032056031" not in log and "8032056032" not in log  # ... without the number


def test_a_check_that_joins_a_slower_one_answers_within_its_own_deadline(vies, vies_standin):
    """One request per number at a time, but every caller within its own deadline."""
    number = new_bg_number()
    vies_standin.script({number: {"delay": 8, "valid": True}})
    first = vies.check_later(number)  # 15 s: it asks VIES for as long as the policy allows
    time.sleep(0.5)
    started = time.monotonic()
    error = vies.refused(number, timeout=2)
    assert error.code() == grpc.StatusCode.UNAVAILABLE, error
    assert time.monotonic() - started < 2
    first.cancel()


def test_a_vies_failure_tells_grpc_clients_not_to_retry(mesh, token, vies_standin):
    """Every replica asks the same VIES: the mesh's own stubs, which retry UNAVAILABLE, are
    told not to (a negative pushback), so one check costs one budget."""
    number = new_bg_number()
    vies_standin.script({number: {"fault": "MS_UNAVAILABLE"}})
    request_id = str(uuid.uuid4())
    options = [("grpc.service_config", clients.service_config("vies")), ("grpc.enable_retries", 1)]
    with grpc.insecure_channel(f"127.0.0.1:{mesh.ports['vies']}", options=options) as channel, pytest.raises(grpc.RpcError) as refused:
        rpc.ViesServiceStub(channel).CheckVatNumber(
            pb.CheckVatNumberRequest(vat_number=number),
            metadata=(("authorization", f"Bearer {token}"), ("x-request-id", request_id)),
            timeout=10,
        )
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    attempts = [line for line in service_log(mesh, "vies").splitlines() if request_id in line and '"message": "rpc"' in line]
    assert len(attempts) == 1, attempts
