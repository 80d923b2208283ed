"""What the scanner asks other services, over their typed stubs with the caller's token: the
ledger for the company, its accounts and counterparts and to book entries; vies to check VAT
numbers. A refusal by the ledger is the caller's to fix; an unreachable ledger is UNAVAILABLE."""

import logging
from datetime import UTC, datetime

import grpc
from baraba.ledger.v1 import ledger_pb2, ledger_pb2_grpc
from baraba.vies.v1 import vies_pb2, vies_pb2_grpc

from services.kernel import clients
from services.kernel.peers import peer_errors
from services.scanner.extraction import Found

log = logging.getLogger(__name__)

LEDGER_TIMEOUT = 10.0


async def company_ids(company_id: str) -> tuple[str, str]:
    """The company's ЕИК and VAT number from the ledger."""
    stub = clients.stub(ledger_pb2_grpc.CompanyServiceStub, "ledger")
    with peer_errors("ledger", "the company's ЕИК and VAT number are not known"):
        company = await stub.GetCompany(ledger_pb2.GetCompanyRequest(company_id=company_id), **clients.call_options())
    return company.eik, company.vat_number


async def vat_checks(fields: dict[str, Found]) -> list[dict]:
    """VIES's answer for each party's VAT number; a failed check is kept with its reason."""
    checks = []
    stub = clients.stub(vies_pb2_grpc.ViesServiceStub, "vies")
    for party in ("supplier", "recipient"):
        number = fields.get(f"{party}_vat_number")
        if number is None or not number.value:
            continue
        check = {"vat_number": number.value, "party": party, "status": "ERROR", "name": "", "address": "", "error": ""}
        try:
            answer = await stub.CheckVatNumber(vies_pb2.CheckVatNumberRequest(vat_number=number.value), **clients.call_options())
            check.update(status="VALID" if answer.valid else "INVALID", name=answer.name, address=answer.address)
            check["checked_at"] = answer.checked_at.ToDatetime(UTC).isoformat() if answer.HasField("checked_at") else now()
        except grpc.RpcError as exc:
            invalid = exc.code() == grpc.StatusCode.INVALID_ARGUMENT
            check.update(status="INVALID" if invalid else "ERROR", error=exc.details() or exc.code().name, checked_at=now())
        checks.append(check)
    return checks


async def ledger(stub_class, method: str, request):
    """One call to the ledger for a booking."""
    with peer_errors("ledger", "the invoice was not booked"):
        return await getattr(clients.stub(stub_class, "ledger"), method)(request, **clients.call_options(LEDGER_TIMEOUT))


def now() -> str:
    return datetime.now(UTC).isoformat()
